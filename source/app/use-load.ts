// The one loading pattern of every screen: a load is `loading` (nothing yet, or a reload in flight), `ready` (data
// and when it arrived) or `error` (a one-line message; the last data is kept). Live views reach the same shape from
// their Refresher (loadedFromRefresh), paged lists from usePagedList, one-shot sections from useLoad.
import {useEffect, useRef, useState} from 'react';
import type {RefreshState} from './refresh.js';

export type Loaded<T> = {
	readonly status: 'loading' | 'ready' | 'error';
	/** The latest answer; kept while a reload runs or fails. */
	readonly data?: T;
	/** First line of the failure, for the screen to show. */
	readonly error?: string;
	/** When `data` arrived (clock ms), for "updated 3s ago". */
	readonly updatedAt?: number;
};

export type UseLoadOptions = {
	/** False: do not load (yet); the state stays as it is. */
	enabled?: boolean;
	reportError?(error: unknown): void;
	now?(): number;
};

export function errorMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0] ?? 'query failed';
}

/** Loads with `load` on mount and whenever one of `deps` changes; answers to superseded loads are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], {enabled = true, reportError, now = Date.now}: UseLoadOptions = {}): Loaded<T> {
	const [state, setState] = useState<Loaded<T>>({status: 'loading'});
	useEffect(() => {
		if (!enabled) return undefined;
		let live = true;
		setState({status: 'loading'});
		load().then(
			data => {
				if (live) setState({status: 'ready', data, updatedAt: now()});
			},
			(error: unknown) => {
				reportError?.(error);
				if (live) setState({status: 'error', error: errorMessage(error)});
			},
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's (spread): load, reportError and now are read once per change of them
	}, [...deps, enabled]);
	return state;
}

/** A live view's refresh state in the same shape (data survives failed refreshes). */
export function loadedFromRefresh<T>(state: RefreshState<T>): Loaded<T> {
	if (state.error) return {status: 'error', data: state.data, error: errorMessage(state.error), updatedAt: state.updatedAt};
	if (state.data === undefined) return {status: 'loading'};
	return {status: 'ready', data: state.data, updatedAt: state.updatedAt};
}

/** "…" while loading, "query failed: …" on error, else what `describe` says about the data. */
export function describeLoaded<T>(loaded: Loaded<T>, describe: (data: T) => string): string {
	if (loaded.status === 'loading') return '…';
	if (loaded.status === 'error') return `query failed: ${loaded.error ?? ''}`;
	return describe(loaded.data as T);
}

/** Runs `reload` when one of `deps` changes after the first render (a new filter is read by the next load: run it now). */
export function useReloadOnChange(reload: () => void, deps: readonly unknown[]): void {
	const first = useRef(true);
	useEffect(() => {
		if (first.current) {
			first.current = false;
			return;
		}
		reload();
		// eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's filters (spread); reload is a stable control
	}, deps);
}
