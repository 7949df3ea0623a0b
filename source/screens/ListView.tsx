// The shape every browse list shares: a title line (rows x–y of ~N, sort, filter), a server-paged
// DataTable, `/` filter, `s` sort, `r` refresh, `enter` open, and a one-line error in the view.
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import type {Page, PageRequest} from '../model/page.js';
import {useKeyBindings, type KeyBinding} from '../app/keys.js';
import {describeShownRows, usePagedList, wholeListKeys} from '../app/use-paged-list.js';
import {DataTable, listKeys, useListNavigation, type Column} from '../components/DataTable.js';
import {FilterInput} from '../components/FilterInput.js';
import {Spinner} from '../components/Spinner.js';
import {Banner} from '../components/Banner.js';
import {truncate} from '../text/cells.js';
import {colorEnabled} from '../text/terminal.js';

export type SortOption = {readonly key: string; readonly label: string};

export type ListViewProps<T> = {
	readonly title: string;
	readonly width: number;
	readonly height: number;
	readonly isActive: boolean;
	readonly columns: readonly Column<T>[];
	load(request: PageRequest): Promise<Page<T>>;
	readonly sorts: readonly SortOption[];
	readonly rowKey: (row: T) => string;
	/** Reload from the first page when these change. */
	readonly deps?: readonly unknown[];
	/** `enter` on a row. */
	readonly onOpen?: (row: T) => void;
	readonly openLabel?: string;
	/** More keys for the selected row (or for the list, when there is no row). */
	readonly extraKeys?: (row: T | undefined) => KeyBinding[];
	/** Extra words on the title line (e.g. "status: charging"). */
	readonly note?: string;
	readonly emptyText?: string;
	readonly pageSize?: number;
	reportError?(error: unknown): void;
};

/** Documentation of the keys every list has (the help overlay merges it with a screen's own). */
export const listViewKeys: KeyBinding[] = [
	...listKeys.filter(k => k.key !== 'g/G' && k.key !== 'PgUp/PgDn'),
	{key: 'g/G  Home/End', label: 'first / last row of the whole list'},
	{key: 'PgUp/PgDn', label: 'a screen up / down; the next page at the edges'},
	{key: 'enter', label: 'open the selected row'},
	{key: '/', label: 'filter (searched on the server); esc clears it'},
	{key: 's', label: 'cycle the sort column'},
	{key: 'r', label: 'refresh'},
];

export function ListView<T>(props: ListViewProps<T>) {
	const {title, width, height, isActive, columns, load, sorts, rowKey, deps = [], onOpen, openLabel = 'open', extraKeys, note, emptyText = 'nothing here', pageSize = 100, reportError} = props;
	const [search, setSearch] = useState('');
	const [filtering, setFiltering] = useState(false);
	const [sortIndex, setSortIndex] = useState(0);
	const sort = sorts[sortIndex];
	const tableHeight = Math.max(2, height - 2);
	const visibleRows = tableHeight - 1;
	// Where the selection lands once a page's rows are in: its first row after first/next, its last after last/previous.
	const landing = useRef<'first' | 'last' | undefined>(undefined);
	const list = usePagedList<T>({
		load,
		pageSize,
		search,
		sort: sort?.key,
		deps,
		reportError,
		onPage: move => {
			if (move !== 'same') landing.current = move === 'previous' || move === 'last' ? 'last' : 'first';
		},
	});
	const nav = useListNavigation({
		count: list.rows.length,
		visibleRows,
		onPastEnd: list.hasNext ? list.nextPage : undefined,
		onBeforeStart: list.hasPrevious ? list.previousPage : undefined,
	});
	useEffect(() => {
		if (!landing.current) return;
		nav.select(landing.current === 'last' ? list.rows.length - 1 : 0);
		landing.current = undefined;
		// eslint-disable-next-line react-hooks/exhaustive-deps -- only a new page moves the selection; nav is a new object every render
	}, [list.rows]);
	const row = list.rows[nav.selected];
	// g/G (Home/End) go to the first/last row of the whole list, before the page's own g/G.
	const wholeList = wholeListKeys(list, nav.select);
	const bindings: KeyBinding[] = [...wholeList, ...nav.bindings];
	if (onOpen && row) bindings.push({key: 'enter', label: openLabel, match: ['enter'], handler: () => onOpen(list.rows[nav.current()] ?? row)});
	// Every list has / and s (help lists them): at 80 columns the footer gives the view's own keys (extraKeys) room first.
	bindings.push({key: '/', label: 'filter', handler: () => setFiltering(true), footerPriority: 1});
	if (search) bindings.push({key: 'esc', label: 'clear filter', match: ['escape'], handler: () => setSearch('')});
	if (sorts.length > 1) bindings.push({key: 's', label: `sort:${sort?.label ?? ''}`, handler: () => setSortIndex(i => (i + 1) % sorts.length), footerPriority: 1});
	bindings.push({key: 'r', label: 'refresh', handler: list.refresh, footerPriority: 1});
	if (extraKeys) bindings.push(...extraKeys(row));
	// Keys typed ahead of a page being read (`:vehicles⏎jjj`, `Gk`) wait for its rows.
	useKeyBindings(bindings, {isActive: isActive && !filtering, capturing: filtering, waiting: list.status === 'loading'});

	const color = colorEnabled();
	const loading = list.status === 'loading';
	const windowed = list.rows.length === 0 ? (loading ? 'loading…' : 'no rows') : (loading ? 'loading… · ' : '') + describeShownRows(list, nav.offset, visibleRows);
	const titleLine = [title, windowed, sort && sorts.length > 1 ? `sort: ${sort.label}` : '', search ? `filter: "${search}"` : '', note ?? ''].filter(Boolean).join('  ·  ');
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold color={color ? 'cyan' : undefined}>
				{truncate(titleLine, width)}
			</Text>
			{list.status === 'loading' && list.rows.length === 0 ? (
				<Box height={tableHeight}>
					<Spinner label={`loading ${title.toLowerCase()}`}/>
				</Box>
			) : list.rows.length === 0 && list.status !== 'error' ? (
				<Box height={tableHeight}>
					<Text dimColor>{search ? `no match for "${search}" — esc clears the filter` : emptyText}</Text>
				</Box>
			) : (
				<DataTable columns={columns} rows={list.rows} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} rowKey={rowKey}/>
			)}
			{filtering ? (
				<FilterInput
					width={width}
					initial={search}
					onSubmit={text => {
						setFiltering(false);
						setSearch(text);
					}}
					onCancel={() => setFiltering(false)}
				/>
			) : list.status === 'error' ? (
				<Banner kind="error" width={width}>{`query failed: ${list.error ?? ''} — r retries`}</Banner>
			) : (
				<Text> </Text>
			)}
		</Box>
	);
}
