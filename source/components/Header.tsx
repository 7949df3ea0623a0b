// The top line: where we are connected, as whom, server version, badges, scope and connection state.
// When it does not fit (80 columns, a long host or org), parts go in this order: the title, the word
// "connected" (the dot stays), the middle of user@host:port/db (user and database stay), then the version.
// Badges and a reconnecting state are never dropped.
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {colorEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

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

/** Cuts the middle out of `text` ("postgres@db.exa…:5432/fleet"), keeping both ends. */
export function truncateMiddle(text: string, width: number): string {
	if (text.length <= width) return text;
	if (width <= 1) return truncate(text, width);
	const tail = Math.floor((width - 1) / 2);
	return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** The header's text parts for `width` cells (exported for tests). */
export function headerLayout({width, title, location, user, version, badges, status}: Omit<HeaderProps, 'width'> & {width: number}): {left: string; badges: string; status: string} {
	const who = `${user}@${location}`;
	const badgeText = badges.map(b => `[${b}]`).join(' ');
	const fits = (left: string, state: string) => left.length + 1 + badgeText.length + 1 + state.length <= width;
	const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join('  ');
	const full = statusText[status];
	const short = status === 'connected' ? '●' : full;
	for (const [left, state] of [[join(title, who, version), full], [join(who, version), full], [join(who, version), short]] as const) {
		if (fits(left, state)) return {left, badges: badgeText, status: state};
	}
	const room = Math.max(0, width - badgeText.length - short.length - 2);
	const versionPart = version ? `  ${version}` : '';
	// The version stays while user@host keeps at least 20 cells; after that the location wins.
	if (version && room - versionPart.length >= Math.min(20, who.length)) {
		return {left: truncateMiddle(who, room - versionPart.length) + versionPart, badges: badgeText, status: short};
	}
	return {left: truncateMiddle(who, room), badges: badgeText, status: short};
}

export function Header(props: HeaderProps) {
	const color = colorEnabled();
	const {left, badges, status} = headerLayout(props);
	const pad = Math.max(1, props.width - left.length - (badges ? badges.length + 1 : 0) - status.length);
	return (
		<Box width={props.width} height={1}>
			<Text wrap="truncate">
				<Text bold>{left}</Text>
				{' '.repeat(pad)}
				{badges ? `${badges} ` : ''}
				<Text color={color ? statusColor[props.status] : undefined}>{status}</Text>
			</Text>
		</Box>
	);
}
