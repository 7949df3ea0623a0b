// The status line of a live view: "updated 3s ago · query 4 ms · every 2 s", slow-query warning, or the
// "connection lost — retrying in 4 s" banner. Generic: it knows the refresh state, not what is refreshed.
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {describeRefresh, type RefreshState} from '../app/refresh.js';
import {colorEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

export type RefreshLineProps = {
	readonly state: RefreshState<unknown>;
	readonly now: number;
	readonly width: number;
	/** Words after the status, e.g. the active filters. */
	readonly note?: string;
};

const toneColor = {normal: undefined, warning: 'yellow', error: 'red'} as const;

export function RefreshLine({state, now, width, note}: RefreshLineProps) {
	const color = colorEnabled();
	const {text, tone} = describeRefresh(state, now);
	const prefix = tone === 'error' ? '✖ ' : tone === 'warning' && state.slow ? '⚠ ' : '';
	const line = [prefix + text, note].filter(Boolean).join('  ·  ');
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate" color={color ? toneColor[tone] : undefined} bold={tone === 'error'} dimColor={tone === 'normal'}>
				{truncate(line, width)}
			</Text>
		</Box>
	);
}
