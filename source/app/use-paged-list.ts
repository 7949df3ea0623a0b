// Pages a list from its data source with keyset cursors: one page of rows in memory, a stack of cursors
// to go back, stale answers ignored. Errors become a message (the screen shows it), never a throw.
import {useCallback, useEffect, useRef, useState} from 'react';
import type {Cursor, Page, PageRequest} from '../model/page.js';
import {errorMessage, type Loaded} from './use-load.js';

/** One page in the shape of every load (use-load.ts), with its rows and paging. */
export type PagedList<T> = Pick<Loaded<T[]>, 'status' | 'error' | 'updatedAt'> & {
	rows: T[];
	/** 1-based number of the first row on this page. */
	firstRow: number;
	total: number | null;
	estimated: boolean;
	hasNext: boolean;
	hasPrevious: boolean;
	nextPage(): void;
	previousPage(): void;
	refresh(): void;
};

export type PagedListOptions<T> = {
	load(request: PageRequest): Promise<Page<T>>;
	pageSize: number;
	search?: string;
	sort?: string;
	/** Changes to these reload from the first page (e.g. a fleet id, a status filter). */
	deps?: readonly unknown[];
	/** Called after a page arrives: 'next' lands on its first row, 'previous' on its last. */
	onPage?(direction: 'first' | 'next' | 'previous' | 'same'): void;
	reportError?(error: unknown): void;
};

export function usePagedList<T>({load, pageSize, search, sort, deps = [], onPage, reportError}: PagedListOptions<T>): PagedList<T> {
	const [state, setState] = useState<{status: PagedList<T>['status']; page?: Page<T>; error?: string; index: number; updatedAt?: number}>({status: 'loading', index: 0});
	const cursors = useRef<Array<Cursor | undefined>>([undefined]);
	const request = useRef(0);
	const callbacks = useRef({load, onPage, reportError});
	callbacks.current = {load, onPage, reportError};

	const fetchPage = useCallback(
		(index: number, direction: 'first' | 'next' | 'previous' | 'same') => {
			const id = ++request.current;
			// Loading while any query runs (the rows of the last page stay on screen meanwhile, marked as loading).
			setState(previous => ({...previous, status: 'loading'}));
			callbacks.current
				.load({search: search || undefined, sort, after: cursors.current[index], limit: pageSize})
				.then(
					page => {
						if (id !== request.current) return;
						cursors.current[index + 1] = page.next ?? undefined;
						cursors.current.length = index + 2;
						setState({status: 'ready', page, index, updatedAt: Date.now()});
						callbacks.current.onPage?.(direction);
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
		cursors.current = [undefined];
		fetchPage(0, 'first');
		return () => {
			// eslint-disable-next-line react-hooks/exhaustive-deps -- a counter, not a node: bumping its live value drops the answers to this effect's requests
			request.current++;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's filters (spread); fetchPage already covers the rest
	}, [fetchPage, ...deps]);

	const page = state.page;
	const hasNext = Boolean(page?.next);
	return {
		status: state.status,
		rows: page?.rows ?? [],
		error: state.error,
		updatedAt: state.updatedAt,
		firstRow: state.index * pageSize + 1,
		total: page?.total ?? null,
		estimated: page?.estimated ?? false,
		hasNext,
		hasPrevious: state.index > 0,
		nextPage: () => {
			if (hasNext) fetchPage(state.index + 1, 'next');
		},
		previousPage: () => {
			if (state.index > 0) fetchPage(state.index - 1, 'previous');
		},
		refresh: () => fetchPage(state.index, 'same'),
	};
}

/** "rows 1–40 of ~12,345" */
export function describeRows(list: Pick<PagedList<unknown>, 'rows' | 'firstRow' | 'total' | 'estimated'>, formatNumber: (n: number) => string = n => n.toLocaleString('en-US')): string {
	if (list.rows.length === 0) return 'no rows';
	const last = list.firstRow + list.rows.length - 1;
	const of = list.total === null ? '' : ` of ${list.estimated ? '~' : ''}${formatNumber(list.total)}`;
	return `rows ${formatNumber(list.firstRow)}–${formatNumber(last)}${of}`;
}
