// Where the person is: "Organizations › Acme › Fleets › North depot".
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

export function Breadcrumbs({crumbs: rawCrumbs, width}: {readonly crumbs: readonly string[]; readonly width: number}) {
	// Crumbs are names from the database (organization, fleet, vehicle): safe before they are measured.
	const crumbs = rawCrumbs.map(crumb => sanitizeForTerminal(crumb));
	// Keep the end of the trail (where the person is) when it is too long.
	let shown = [...crumbs];
	while (shown.length > 1 && shown.join(' › ').length > width) shown = shown.slice(1);
	const text = (shown.length < crumbs.length ? '… › ' : '') + shown.join(' › ');
	return (
		<Box width={width} height={1}>
			<Text dimColor wrap="truncate">
				{text}
			</Text>
		</Box>
	);
}
