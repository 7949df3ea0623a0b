// React side of the refresh engine: one Refresher per mounted view, its state as React state, and a clock that
// ticks every second so ages ("updated 3s ago", last-seen) move between refreshes.
import {useCallback, useEffect, useRef, useState, useSyncExternalStore} from 'react';
import {useViewVisible, type KeyBinding} from './keys.js';
import {Refresher, type Clock, type RefreshState} from './refresh.js';

export type RefreshControls = {
	togglePause(): void;
	refreshNow(): void;
	faster(): void;
	slower(): void;
};

export type UseRefreshOptions = {
	intervalMs?: number;
	paused?: boolean;
	clock?: Clock;
};

/** Loads with `load` now and every interval until unmount; `load` is read once (remount the view to change it). */
export function useRefresh<T>(load: () => Promise<T>, options: UseRefreshOptions = {}): [RefreshState<T>, RefreshControls] {
	const ref = useRef<Refresher<T> | null>(null);
	ref.current ??= new Refresher<T>({load, intervalMs: options.intervalMs, paused: options.paused, clock: options.clock});
	const refresher = ref.current;
	const subscribe = useCallback((listener: () => void) => refresher.subscribe(listener), [refresher]);
	const state = useSyncExternalStore(subscribe, () => refresher.state);
	useEffect(() => {
		refresher.start();
		return () => refresher.stop();
	}, [refresher]);
	const visible = useViewVisible();
	useEffect(() => refresher.setHidden(!visible), [refresher, visible]);
	const controls = useRef<RefreshControls>({
		togglePause: () => refresher.togglePause(),
		refreshNow: () => refresher.refreshNow(),
		faster: () => refresher.faster(),
		slower: () => refresher.slower(),
	});
	return [state, controls.current];
}

/** The current time: re-renders every `everyMs` (default 1 s) while mounted, and reads the clock on every render. */
export function useNow(everyMs = 1000, clock: Pick<Clock, 'now'> = Date): number {
	const [, setTick] = useState(0);
	const visible = useViewVisible();
	useEffect(() => {
		if (!visible) return; // a view kept hidden under another does not redraw every second
		const timer = setInterval(() => setTick(tick => tick + 1), everyMs);
		return () => clearInterval(timer);
	}, [everyMs, visible]);
	return clock.now();
}

/** Tells the shell (header indicator, banner) when a refresh failed because the connection is gone. */
export function useReportConnectionLoss(state: RefreshState<unknown>, reportError: ((error: unknown) => void) | undefined): void {
	useEffect(() => {
		if (state.error && state.connectionLost) reportError?.(state.error);
		// Once per failure: the shell ignores repeats while it reconnects.
		// eslint-disable-next-line react-hooks/exhaustive-deps -- once per failure: the shell ignores repeats while it reconnects
	}, [state.error]);
}

/** The keys every live view shares (space, r, +, -), with handlers, for useKeyBindings. */
export function refreshBindings(controls: RefreshControls, paused: boolean): KeyBinding[] {
	return [
		{key: 'space', label: paused ? 'resume' : 'pause', match: [' '], handler: controls.togglePause},
		{key: 'r', label: 'refresh', handler: controls.refreshNow, footerPriority: 1},
		{key: '+/-', label: 'interval', match: ['+', '='], handler: controls.slower, hidden: true},
		{key: '+/-', label: 'interval', match: ['-', '_'], handler: controls.faster, footerPriority: 1},
	];
}

/** Moving in a live list (documentation; the rows are the latest snapshot, there are no pages to load). */
export const liveListKeys: KeyBinding[] = [
	{key: '↑↓ j/k', label: 'move'},
	{key: 'g/G', label: 'top / bottom'},
	{key: 'PgUp/PgDn', label: 'page up / down'},
];

/** The same keys as documentation, for a screen's exported key table (help overlay). */
export const refreshKeys: KeyBinding[] = [
	{key: 'space', label: 'pause / resume the refresh'},
	{key: 'r', label: 'refresh now'},
	{key: '+ / -', label: 'refresh less / more often (0.5 s … 60 s)'},
];
