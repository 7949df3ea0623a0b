// Ink's <Text> under the house rule for colors (source/terminal.ts): color, backgroundColor and dimColor only
// when colors are on; bold and inverse whenever the output is a terminal (NO_COLOR included). Every screen and
// component imports Text from here, not from ink, so NO_COLOR cannot be forgotten one call site at a time.
// The same holds for terminal safety: every string child is drawn through the sanitizer (control characters
// shown as `\x1b`, never emitted), so a screen that forgets to sanitize a database string still cannot
// emit it. Widths are right only when the string was sanitized before it was measured (DataTable, Header do).
import React, {Children, isValidElement, cloneElement, type ReactNode} from 'react';
import {Text as InkText, type TextProps} from 'ink';
import {colorEnabled} from '../text/terminal.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

/** String children made terminal-safe; line breaks and tabs a screen writes stay (Ink lays them out). */
function safeChildren(children: ReactNode): ReactNode {
	return Children.map(children, child => {
		if (typeof child === 'string') return sanitizeForTerminal(child, {oneLine: false});
		// Fragments pass strings through untouched by Text: look inside them too.
		if (isValidElement<{children?: ReactNode}>(child) && child.type === React.Fragment) return cloneElement(child, undefined, safeChildren(child.props.children));
		return child;
	});
}

export function Text({color, backgroundColor, dimColor, children, ...rest}: TextProps) {
	const colored = colorEnabled();
	return (
		<InkText {...rest} color={colored ? color : undefined} backgroundColor={colored ? backgroundColor : undefined} dimColor={colored ? dimColor : false}>
			{safeChildren(children)}
		</InkText>
	);
}
