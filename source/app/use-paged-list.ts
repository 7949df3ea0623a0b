// Pages a list from its data source with keyset cursors: one page of rows in memory, reached from the top
// (first page, then `next`) or from the bottom (the last page, then `previous`), so g/G go to the true first and
// last rows of the whole list without reading what lies between. Stale answers are ignored; errors become a
// message (the screen shows it), never a throw.
import {useCallback, useEffect, useRef, useState} from 'react';
import type {Page, PageRequest} from '../model/page.js';
import type {KeyBinding} from './keys.js';
import {errorMessage, type Loaded} from './use-load.js';

/** Which page to read, and where the selection lands on it: first/next on its first row, last/previous on its last. */
export type PageMove = 'first' | 'next' | 'previous' | 'last' | 'same';

/** One page in the shape of every load (use-load.ts), with its rows and paging. */
export type PagedList<T> = Pick<Loaded<T[]>, 'status' | 'error' | 'updatedAt'> & {
	rows: T[];
	/** 1-based number of the first row on this page (counted back from the total after G: approximate when it is an estimate). */
	firstRow: number;
	/** Whether firstRow is counted from an estimated total. */
	approximate: boolean;
	total: number | null;
	estimated: boolean;
	hasNext: boolean;
	hasPrevious: boolean;
	nextPage(): void;
	previousPage(): void;
	/** The first page of the whole list (g, Home). */
	firstPage(): void;
	/** The last page of the whole list (G, End), read backwards from its end. */
	lastPage(): void;
	refresh(): void;
};

export type PagedListOptions<T> = {
	load(request: PageRequest): Promise<Page<T>>;
	pageSize: number;
	search?: string;
	sort?: string;
	/** Changes to these reload from the first page (e.g. a fleet id, a status filter). */
	deps?: readonly unknown[];
	/** Called after a page arrives, with the move that asked for it. */
	onPage?(move: PageMove): void;
	reportError?(error: unknown): void;
};

/** Where a page sits: rows above it (counted from the top) or below it (counted from the bottom, after G). */
type Position = {readonly from: 'top' | 'bottom'; readonly rows: number};

type State<T> = {
	status: PagedList<T>['status'];
	page?: Page<T>;
	/** The request that read `page` (r reads it again). */
	request: Pick<PageRequest, 'after' | 'before' | 'last'>;
	/** The requests of the pages above, for a source whose pages carry no `previous` (it pages forward only). */
	trail: ReadonlyArray<Pick<PageRequest, 'after' | 'before' | 'last'>>;
	position: Position;
	error?: string;
	updatedAt?: number;
};

/** Where the page that `move` reads sits, given where the current one sits and the rows each holds. */
function positionAfter(move: PageMove, current: Position, currentRows: number, page: Page<unknown>): Position {
	switch (move) {
		case 'first':
			return {from: 'top', rows: 0};
		case 'last':
			return {from: 'bottom', rows: 0};
		case 'same':
			return current;
		case 'next':
			return current.from === 'top' ? {from: 'top', rows: current.rows + currentRows} : page.next ? {from: 'bottom', rows: Math.max(0, current.rows - page.rows.length)} : {from: 'bottom', rows: 0};
		case 'previous':
			// Back at the top, the count from the top is exact again.
			if (page.previous === null) return {from: 'top', rows: 0};
			return current.from === 'bottom' ? {from: 'bottom', rows: current.rows + currentRows} : {from: 'top', rows: Math.max(0, current.rows - page.rows.length)};
	}
}

export function usePagedList<T>({load, pageSize, search, sort, deps = [], onPage, reportError}: PagedListOptions<T>): PagedList<T> {
	const [state, setState] = useState<State<T>>({status: 'loading', request: {}, trail: [], position: {from: 'top', rows: 0}});
	const latest = useRef(state);
	latest.current = state;
	const request = useRef(0);
	const callbacks = useRef({load, onPage, reportError});
	callbacks.current = {load, onPage, reportError};

	const fetchPage = useCallback(
		(move: PageMove, where: State<T>['request']) => {
			const id = ++request.current;
			// Loading while any query runs (the rows of the last page stay on screen meanwhile, marked as loading).
			setState(previous => ({...previous, status: 'loading'}));
			callbacks.current
				.load({search: search || undefined, sort, ...where, limit: pageSize})
				.then(
					page => {
						if (id !== request.current) return;
						setState(previous => ({
							status: 'ready',
							page,
							request: where,
							trail: move === 'next' ? [...previous.trail, previous.request] : move === 'previous' ? previous.trail.slice(0, -1) : move === 'same' ? previous.trail : [],
							position: positionAfter(move, previous.position, previous.page?.rows.length ?? 0, page),
							updatedAt: Date.now(),
						}));
						callbacks.current.onPage?.(move);
					},
					error => {
						if (id !== request.current) return;
						callbacks.current.reportError?.(error);
						setState(previous => ({...previous, status: 'error', error: errorMessage(error)}));
					},
				);
		},
		[search, sort, pageSize],
	);

	useEffect(() => {
		fetchPage('first', {});
		return () => {
			// eslint-disable-next-line react-hooks/exhaustive-deps -- a counter, not a node: bumping its live value drops the answers to this effect's requests
			request.current++;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's filters (spread); fetchPage already covers the rest
	}, [fetchPage, ...deps]);

	const {page, position} = state;
	const rows = page?.rows ?? [];
	const total = page?.total ?? null;
	const fromBottom = position.from === 'bottom' && total !== null;
	return {
		status: state.status,
		rows,
		error: state.error,
		updatedAt: state.updatedAt,
		firstRow: fromBottom ? Math.max(1, total - position.rows - rows.length + 1) : position.rows + 1,
		approximate: fromBottom && (page?.estimated ?? false),
		total,
		estimated: page?.estimated ?? false,
		hasNext: Boolean(page?.next),
		hasPrevious: page?.previous === undefined ? state.trail.length > 0 : page.previous !== null,
		nextPage: () => {
			const next = latest.current.page?.next;
			if (next) fetchPage('next', {after: next});
		},
		previousPage: () => {
			const {page: current, trail} = latest.current;
			if (current?.previous) fetchPage('previous', {before: current.previous});
			else if (current?.previous === undefined && trail.length > 0) fetchPage('previous', trail.at(-1)!);
		},
		firstPage: () => fetchPage('first', {}),
		lastPage: () => fetchPage('last', {last: true}),
		refresh: () => fetchPage('same', latest.current.request),
	};
}

/**
 * g/G (Home/End) on the first/last row of the whole list: its first or last page is read when this is not it.
 * Put them before the page navigation's own g/G (first match wins), which stop at the page's edges.
 */
export function wholeListKeys(list: Pick<PagedList<unknown>, 'rows' | 'hasNext' | 'hasPrevious' | 'firstPage' | 'lastPage'>, select: (index: number) => void): KeyBinding[] {
	if (list.rows.length <= 1 && !list.hasNext && !list.hasPrevious) return [];
	return [
		{key: 'g/G', label: 'top/bottom', match: ['g', 'home'], handler: () => (list.hasPrevious ? list.firstPage() : select(0)), hidden: true},
		{key: 'g/G', label: 'top/bottom', match: ['G', 'end'], handler: () => (list.hasNext ? list.lastPage() : select(list.rows.length - 1)), hidden: true},
	];
}

/** "rows 1–40 of ~12,345" (after G on an estimated total: "rows ~12,306–~12,345 of ~12,345") */
export function describeRows(list: Pick<PagedList<unknown>, 'rows' | 'firstRow' | 'total' | 'estimated'> & {approximate?: boolean}, formatNumber: (n: number) => string = n => n.toLocaleString('en-US')): string {
	if (list.rows.length === 0) return 'no rows';
	const last = list.firstRow + list.rows.length - 1;
	const about = list.approximate ? '~' : '';
	const of = list.total === null ? '' : ` of ${list.estimated ? '~' : ''}${formatNumber(list.total)}`;
	return `rows ${about}${formatNumber(list.firstRow)}–${about}${formatNumber(last)}${of}`;
}

/**
 * The rows on screen of a paged list, as every list titles them ("rows 41–57 of ~12,345"): `offset` and `count` are
 * the window on the loaded page. Without a total from the source, the last page tells it (no more rows after it).
 */
export function describeShownRows(list: Pick<PagedList<unknown>, 'rows' | 'firstRow' | 'total' | 'estimated' | 'approximate' | 'hasNext'>, offset: number, count: number): string {
	const total = list.total ?? (list.hasNext ? null : list.firstRow + list.rows.length - 1);
	return describeRows({rows: list.rows.slice(offset, offset + count), firstRow: list.firstRow + offset, approximate: list.approximate, total, estimated: list.estimated});
}
