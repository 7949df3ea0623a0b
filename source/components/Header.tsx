// The top line: where we are connected, as whom, server version, badges, scope and connection state.
// When it does not fit (80 columns, a long host or org), parts go in this order: the title, the word
// "connected" (the dot stays), the end of the database name, the end of the user, then the version.
// host:port is never cut (it is what a DBA reads to know which server this is); badges and a reconnecting
// state are never dropped.
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
	const versionPart = version ? `  ${version}` : '';
	const roomBeside = (badgeLine: string) => Math.max(0, width - badgeLine.length - short.length - 2);
	// The version stays while user and database keep a few letters each; after that the location wins.
	const withVersion = version ? fitLocation(user, location, roomBeside(badgeText) - versionPart.length, 4) : undefined;
	if (withVersion !== undefined) return {left: withVersion + versionPart, badges: badgeText, status: short};
	const withoutVersion = fitLocation(user, location, roomBeside(badgeText), 4);
	if (withoutVersion !== undefined) return {left: withoutVersion, badges: badgeText, status: short};
	// Still too long (a very long host name): long badges (an organization slug) are shortened, never dropped,
	// then user and database go down to "…"; only a host that cannot fit even then loses the end of its name,
	// and keeps its port.
	const shortBadges = badges.map(b => `[${shorten(b, 12)}]`).join(' ');
	const room = roomBeside(shortBadges);
	const left = fitLocation(user, location, room, 4) ?? fitLocation(user, location, room, 1) ?? cutHost(user, location, room);
	return {left, badges: shortBadges, status: short};
}

/** The last resort: "…@very-long-host-na…:5432/…" (the port and the fact that it is cut stay visible). */
function cutHost(user: string, location: string, width: number): string {
	const slash = location.lastIndexOf('/');
	const hostPort = slash === -1 ? location : location.slice(0, slash);
	const colon = hostPort.lastIndexOf(':');
	const port = colon === -1 ? '' : hostPort.slice(colon);
	const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
	const head = user ? '…@' : '';
	const tail = slash === -1 ? '' : '/…';
	return truncate(`${head}${shorten(host, Math.max(1, width - head.length - port.length - tail.length))}${port}${tail}`, width);
}

/** `text` cut at the end to `width` cells, marked with "…". */
function shorten(text: string, width: number): string {
	if (text.length <= width) return text;
	return width <= 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/**
 * user@host:port/db in `width` cells: the database name is shortened first, then the user, each to no less
 * than `least` cells; host:port is never cut (undefined when it cannot fit that way).
 */
export function fitLocation(user: string, location: string, width: number, least: number): string | undefined {
	const slash = location.lastIndexOf('/');
	const hostPort = slash === -1 ? location : location.slice(0, slash);
	const database = slash === -1 ? '' : location.slice(slash + 1);
	const separators = 1 + (slash === -1 ? 0 : 1);
	let spare = width - hostPort.length - separators - user.length - database.length;
	if (spare >= 0) return `${user}@${location}`;
	const databaseWidth = Math.max(Math.min(database.length, least), database.length + spare);
	spare += database.length - databaseWidth;
	const userWidth = Math.max(Math.min(user.length, least), user.length + spare);
	spare += user.length - userWidth;
	if (spare < 0) return undefined;
	return `${shorten(user, userWidth)}@${hostPort}${slash === -1 ? '' : `/${shorten(database, databaseWidth)}`}`;
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
