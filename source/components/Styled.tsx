// Ink's <Text> under the house rule for colors (source/terminal.ts): color, backgroundColor and dimColor only
// when colors are on; bold and inverse whenever the output is a terminal (NO_COLOR included). Every screen and
// component imports Text from here, not from ink, so NO_COLOR cannot be forgotten one call site at a time.
import React from 'react';
import {Text as InkText, type TextProps} from 'ink';
import {colorEnabled} from '../text/terminal.js';

export function Text({color, backgroundColor, dimColor, ...rest}: TextProps) {
	const colored = colorEnabled();
	return <InkText {...rest} color={colored ? color : undefined} backgroundColor={colored ? backgroundColor : undefined} dimColor={colored ? dimColor : false}/>;
}
