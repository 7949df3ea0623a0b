// The top line: where we are connected, as whom, server version, badges, scope and connection state.
import React from 'react';
import {Box, Text} from 'ink';
import {colorEnabled} from '../terminal.js';
import {truncate} from './text.js';

export type HeaderProps = {
	readonly width: number;
	readonly title: string;
	/** e.g. "db.example.com/fleet" */
	readonly location: string;
	readonly user: string;
	readonly version?: string;
	/** Short badges, e.g. ['READ-ONLY', 'org acme']. */
	readonly badges: readonly string[];
	readonly status: 'connected' | 'reconnecting' | 'connecting';
};

const statusText = {connected: '● connected', reconnecting: '○ reconnecting', connecting: '◌ connecting'} as const;
const statusColor = {connected: 'green', reconnecting: 'red', connecting: 'yellow'} as const;

export function Header({width, title, location, user, version, badges, status}: HeaderProps) {
	const color = colorEnabled();
	const right = `${badges.map(b => `[${b}]`).join(' ')} ${statusText[status]}`;
	const leftRoom = Math.max(0, width - right.length - 1);
	const left = truncate([title, `${user}@${location}`, version].filter(Boolean).join('  '), leftRoom);
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate">
				<Text bold>{left.padEnd(leftRoom)}</Text> {badges.map(b => `[${b}] `).join('')}
				<Text color={color ? statusColor[status] : undefined}>{statusText[status]}</Text>
			</Text>
		</Box>
	);
}
