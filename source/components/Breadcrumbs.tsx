// Where the person is: "Organizations › Acme › Fleets › North depot".
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

export function Breadcrumbs({crumbs: rawCrumbs, width}: {readonly crumbs: readonly string[]; readonly width: number}) {
	// Crumbs are names from the database (organization, fleet, vehicle): safe before they are measured.
	const crumbs = rawCrumbs.map(crumb => sanitizeForTerminal(crumb));
	// Keep the end of the trail (where the person is) when it is too long.
	// Measured with its "… › " lead: without it a trail a few cells too long lost its last crumb, the view on screen.
	const textOf = (kept: readonly string[]) => (kept.length < crumbs.length ? '… › ' : '') + kept.join(' › ');
	let shown = [...crumbs];
	while (shown.length > 1 && textOf(shown).length > width) shown = shown.slice(1);
	const text = textOf(shown);
	return (
		<Box width={width} height={1}>
			<Text dimColor wrap="truncate">
				{text}
			</Text>
		</Box>
	);
}
