// A generic table for every list screen: columns shrunk or dropped by priority to fit the width (text/columns.ts), one line per row
// (never wraps), only the visible window rendered, the selected row marked. Plus useListNavigation.
import React, {useMemo, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import type {KeyBinding} from './key-binding.js';
import {colorEnabled, textAttributesEnabled} from '../text/terminal.js';
import {fit} from '../text/cells.js';
import {consoleFrame, fitColumns, type FitColumn} from '../text/columns.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

export type Column<T> = FitColumn & {
	readonly key: string;
	readonly header: string;
	readonly value: (row: T) => string;
	readonly align?: 'left' | 'right';
	/** A color for the cell (ignored with NO_COLOR). */
	readonly color?: (row: T) => string | undefined;
};

export type ColumnLayout<T> = {column: Column<T>; width: number};

const gap = 1;

/**
 * The column as drawn: header and values terminal-safe on one line (database strings show control characters as
 * `\x1b`, never emit them), so widths are measured on what is drawn. Idempotent.
 */
export function terminalColumn<T>(column: Column<T>): Column<T> {
	return {...column, header: sanitizeForTerminal(column.header), value: row => sanitizeForTerminal(column.value(row), {keepSpaces: true})};
}

/** Which columns fit in `width` and how wide each is (text/columns.ts, the one fitter; a value is at most 40 cells unless maxWidth says otherwise). */
export function layoutColumns<T>(unsafeColumns: readonly Column<T>[], rows: readonly T[], width: number): ColumnLayout<T>[] {
	// The one entry of every cell into a table: the fitter sees and returns safe columns.
	const columns = unsafeColumns.map(terminalColumn);
	const widest = (column: Column<T>) => {
		let widest = column.header.length;
		for (const row of rows) widest = Math.max(widest, column.value(row).length);
		return Math.min(widest, column.maxWidth ?? 40);
	};
	return fitColumns(columns, widest, consoleFrame(width));
}

export type DataTableProps<T> = {
	readonly columns: readonly Column<T>[];
	readonly rows: readonly T[];
	readonly width: number;
	/** Lines for the header plus rows. */
	readonly height: number;
	readonly selected?: number;
	/** Index of the first visible row (from useListNavigation). */
	readonly offset?: number;
	readonly rowKey?: (row: T, index: number) => string;
	/** Marks a row (e.g. a gap in reporting) with a color and a leading "!" marker. */
	readonly flag?: (row: T) => boolean;
	/** The marker of flagged rows (default "!"; live views use "*" for "changed in the last refresh"). */
	readonly flagMarker?: string;
};

export function DataTable<T>({columns, rows, width, height, selected = -1, offset = 0, rowKey, flag, flagMarker = '!'}: DataTableProps<T>) {
	const color = colorEnabled();
	// The selected row is drawn inverse whenever the terminal can (NO_COLOR too); in a pipe only › marks it.
	const attributes = textAttributesEnabled();
	const visibleCount = Math.max(0, height - 1);
	const visible = rows.slice(offset, offset + visibleCount);
	const layout = useMemo(() => layoutColumns(columns, visible, width), [columns, visible, width]);
	const line = (cells: string[]) => cells.join(' '.repeat(gap));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{'  '}
				{line(layout.map(({column, width: w}) => fit(column.header.toUpperCase(), w, column.align)))}
			</Text>
			{visible.map((row, i) => {
				const index = offset + i;
				const isSelected = index === selected;
				const flagged = flag?.(row) ?? false;
				return (
					<Text key={rowKey?.(row, index) ?? index} wrap="truncate" inverse={attributes && isSelected}>
						{isSelected ? '›' : flagged ? flagMarker : ' '}
						{' '}
						{layout.map(({column, width: w}, c) => {
							const cell = fit(column.value(row), w, column.align);
							const cellColor = color ? (flagged ? 'yellow' : column.color?.(row)) : undefined;
							return (
								<Text key={column.key} color={cellColor}>
									{c > 0 ? ' '.repeat(gap) : ''}
									{cell}
								</Text>
							);
						})}
					</Text>
				);
			})}
		</Box>
	);
}

export type ListNavigation = {
	selected: number;
	/** First visible row. */
	offset: number;
	select(index: number): void;
	/** The selection right now, even before the next render (for handlers of keys typed fast). */
	current(): number;
	/** Keys for moving: include them in the screen's useKeyBindings table. */
	bindings: KeyBinding[];
};

export type ListNavigationOptions = {
	count: number;
	/** Rows visible at once (PgUp/PgDn move by this much). */
	visibleRows: number;
	/** Moving down past the last row (e.g. load the next page from the server). */
	onPastEnd?: () => void;
	/** Moving up past the first row (e.g. load the previous page). */
	onBeforeStart?: () => void;
	/** Called with the new index after each move. */
	onSelect?: (index: number) => void;
};

/** Headless list navigation: ↑↓/j k, g/G, PgUp/PgDn, home/end; keeps the selection inside the visible window. */
export function useListNavigation({count, visibleRows, onPastEnd, onBeforeStart, onSelect}: ListNavigationOptions): ListNavigation {
	const [state, setState] = useState({selected: 0, offset: 0});
	const page = Math.max(1, visibleRows);
	const clampState = (selected: number, offset: number) => {
		const s = count === 0 ? 0 : Math.min(Math.max(selected, 0), count - 1);
		let o = Math.min(offset, s);
		if (s >= o + page) o = s - page + 1;
		o = Math.max(0, Math.min(o, Math.max(0, count - page)));
		return {selected: s, offset: o};
	};
	void state;
	// Mirrors the state synchronously, so keys handled before the next render (typed fast) build on each other.
	const mirror = useRef({selected: 0, offset: 0});
	mirror.current = clampState(mirror.current.selected, mirror.current.offset);
	const move = (to: number) => {
		const next = clampState(to, mirror.current.offset);
		mirror.current = next;
		setState(next);
		onSelect?.(next.selected);
	};
	const at = () => mirror.current.selected;
	const up = () => (at() === 0 && onBeforeStart ? onBeforeStart() : move(at() - 1));
	const down = () => (at() >= count - 1 && onPastEnd ? onPastEnd() : move(at() + 1));
	// One visible entry ("↑↓ move") stands for the group; the rest are handled but hidden from the footer.
	const handlers: KeyBinding[] = [
		{key: '↑↓', label: 'move', match: ['up', 'k'], handler: up, hidden: true},
		{key: '↑↓', label: 'move', match: ['down', 'j'], handler: down, footerPriority: 2},
		{key: 'g/G', label: 'top/bottom', match: ['g', 'home'], handler: () => move(0), hidden: true},
		{key: 'g/G', label: 'top/bottom', match: ['G', 'end'], handler: () => move(count - 1), hidden: true},
		{key: 'PgUp/PgDn', label: 'page', match: ['pageup'], handler: () => (at() === 0 && onBeforeStart ? onBeforeStart() : move(at() - page)), hidden: true},
		{key: 'PgUp/PgDn', label: 'page', match: ['pagedown'], handler: () => (at() >= count - 1 && onPastEnd ? onPastEnd() : move(at() + page)), hidden: true},
	];
	return {
		selected: mirror.current.selected,
		offset: mirror.current.offset,
		select: move,
		current: at,
		bindings: count > 1 || onPastEnd || onBeforeStart ? handlers : [],
	};
}

/** The navigation keys as documentation (for a screen's exported `keys` table and the help overlay). */
export const listKeys: KeyBinding[] = [
	{key: '↑↓ j/k', label: 'move'},
	{key: 'g/G', label: 'top / bottom'},
	{key: 'PgUp/PgDn', label: 'page up / down (loads the next page from the server)'},
];
