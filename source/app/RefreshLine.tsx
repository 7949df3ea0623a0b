// The status line of a live view: "updated 3s ago · query 4 ms · every 2 s", slow-query warning, or the
// "connection lost — retrying in 4 s" banner. Generic: it knows the refresh state, not what is refreshed.
import React from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import {describeRefresh, formatMs, type RefreshState} from './refresh.js';
import {colorEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

export type RefreshLineProps = {
	readonly state: RefreshState<unknown>;
	readonly now: number;
	readonly width: number;
	/** Words after the status, e.g. the active filters. */
	readonly note?: string;
	/** The data came from a replica this far behind its primary (ms; null: unknown), shown beside its age. */
	readonly replicaLagMs?: number | null;
};

const toneColor = {normal: undefined, warning: 'yellow', error: 'red'} as const;

/** "replica 1.2 s behind", "replica caught up", "replica lag unknown". */
export function describeReplicaLag(lagMs: number | null): string {
	if (lagMs === null) return 'replica lag unknown';
	return lagMs <= 0 ? 'replica caught up' : `replica ${formatMs(lagMs)} behind`;
}

export function RefreshLine({state, now, width, note, replicaLagMs}: RefreshLineProps) {
	const color = colorEnabled();
	const {text, tone} = describeRefresh(state, now);
	const prefix = tone === 'error' ? '✖ ' : tone === 'warning' && state.slow ? '⚠ ' : '';
	const lag = replicaLagMs === undefined || state.error ? undefined : describeReplicaLag(replicaLagMs);
	const line = [prefix + text, lag, note].filter(Boolean).join('  ·  ');
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate" color={color ? toneColor[tone] : undefined} bold={tone === 'error'} dimColor={tone === 'normal'}>
				{truncate(line, width)}
			</Text>
		</Box>
	);
}
