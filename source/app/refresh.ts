// The refresh engine of the live views: a headless scheduler (testable with fake timers) that runs one load at a
// time, on an interval, with pause, interval steps, a slow-query warning and backoff while the database is away.

export type Clock = {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const defaultIntervalMs = 2000;
export const minimumIntervalMs = 500;
/** What `+` and `-` step through (as pg_activity does), in milliseconds. */
export const intervalSteps = [500, 1000, 2000, 3000, 5000, 10_000, 15_000, 30_000, 60_000] as const;
/** Waits after consecutive failures: 1, 2, 4, 8, 16, then 30 s. */
export const backoffMs = (failures: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));

export type RefreshState<T> = {
	/** Latest successful result; kept while later refreshes fail so the screen still shows something. */
	readonly data: T | undefined;
	/** Result before `data`: screens diff the two to highlight what changed in the last cycle. */
	readonly previous: T | undefined;
	/** Increments with every successful refresh. */
	readonly generation: number;
	readonly loading: boolean;
	readonly inFlight: boolean;
	readonly paused: boolean;
	readonly intervalMs: number;
	/** When the latest successful refresh finished (clock ms). */
	readonly updatedAt: number | undefined;
	/** How long the latest refresh took, successful or not. */
	readonly queryMs: number | undefined;
	/** The latest refresh took longer than the interval. */
	readonly slow: boolean;
	readonly error: Error | undefined;
	/** The error looks like a lost connection (banner: "connection lost — retrying in 4 s"). */
	readonly connectionLost: boolean;
	readonly failures: number;
	/** When the next attempt after a failure starts (clock ms). */
	readonly retryAt: number | undefined;
};

export type RefresherOptions<T> = {
	load: () => Promise<T>;
	intervalMs?: number;
	clock?: Clock;
	paused?: boolean;
};

type Listener = () => void;

// Driver and server codes that mean "the connection is gone", not "the query is wrong".
const connectionCodes = new Set([
	'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT',
	'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
	'57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
]);

export function isConnectionLost(error: unknown): boolean {
	if (!error || typeof error !== 'object') return false;
	if ((error as Error).name === 'ConnectionError') return true;
	const code = (error as {code?: unknown}).code;
	return typeof code === 'string' && connectionCodes.has(code);
}

export function clampInterval(ms: number): number {
	return Math.max(minimumIntervalMs, Math.round(ms));
}

/** The next step of intervalSteps above (+1) or below (-1) the current interval. */
export function stepInterval(current: number, direction: 1 | -1): number {
	if (direction > 0) return intervalSteps.find(step => step > current) ?? intervalSteps.at(-1)!;
	return [...intervalSteps].reverse().find(step => step < current) ?? intervalSteps[0];
}

function toError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs `load` now and then every interval. Never two loads at once: the next load starts one interval after the
 * previous one started, or, when that one took longer than the interval, one interval after it finished.
 */
export class Refresher<T> {
	private readonly load: () => Promise<T>;
	private readonly clock: Clock;
	private readonly listeners = new Set<Listener>();
	private timer: unknown;
	private started = false;
	private stopped = false;
	/** The view is kept for `esc` but not on screen: refreshes wait until it is shown again. */
	private hidden = false;
	private due = false;
	private lastStart: number | undefined;
	private current: RefreshState<T>;

	constructor(options: RefresherOptions<T>) {
		this.load = options.load;
		this.clock = options.clock ?? systemClock;
		this.current = {
			data: undefined,
			previous: undefined,
			generation: 0,
			loading: true,
			inFlight: false,
			paused: options.paused ?? false,
			intervalMs: clampInterval(options.intervalMs ?? defaultIntervalMs),
			updatedAt: undefined,
			queryMs: undefined,
			slow: false,
			error: undefined,
			connectionLost: false,
			failures: 0,
			retryAt: undefined,
		};
	}

	get state(): RefreshState<T> {
		return this.current;
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The first load runs even when paused, so a paused view is never empty. */
	start(): void {
		if (this.started || this.stopped) return;
		this.started = true;
		void this.run();
	}

	stop(): void {
		this.stopped = true;
		this.cancelTimer();
		this.listeners.clear();
	}

	/** Hidden views (kept under the one on screen) do not query; shown again, one that fell due refreshes at once. */
	setHidden(hidden: boolean): void {
		if (this.hidden === hidden) return;
		this.hidden = hidden;
		if (!hidden && this.due) {
			this.due = false;
			void this.run();
		}
	}

	pause(): void {
		if (this.current.paused) return;
		this.cancelTimer();
		this.update({paused: true, retryAt: undefined});
	}

	resume(): void {
		if (!this.current.paused) return;
		this.update({paused: false});
		if (!this.current.inFlight) void this.run();
	}

	togglePause(): void {
		if (this.current.paused) this.resume();
		else this.pause();
	}

	/** Refresh now (the `r` key, or a retry without waiting); ignored while a load is in flight. */
	refreshNow(): void {
		if (this.current.inFlight || this.stopped) return;
		this.cancelTimer();
		void this.run();
	}

	setIntervalMs(ms: number): void {
		const intervalMs = clampInterval(ms);
		if (intervalMs === this.current.intervalMs) return;
		this.update({intervalMs});
		// Reschedule the pending refresh from the last start with the new interval (not while backing off).
		if (this.timer !== undefined && this.current.error === undefined && this.lastStart !== undefined) {
			this.cancelTimer();
			this.schedule(Math.max(0, this.lastStart + intervalMs - this.clock.now()));
		}
	}

	faster(): void {
		this.setIntervalMs(stepInterval(this.current.intervalMs, -1));
	}

	slower(): void {
		this.setIntervalMs(stepInterval(this.current.intervalMs, 1));
	}

	private async run(): Promise<void> {
		if (this.current.inFlight || this.stopped) return;
		if (this.hidden) {
			this.due = true;
			return;
		}
		const startedAt = this.clock.now();
		this.lastStart = startedAt;
		this.update({inFlight: true, retryAt: undefined});
		let result: {ok: true; data: T} | {ok: false; error: Error};
		try {
			result = {ok: true, data: await this.load()};
		} catch (error) {
			result = {ok: false, error: toError(error)};
		}
		if (this.stopped) return;
		const finishedAt = this.clock.now();
		const queryMs = finishedAt - startedAt;
		if (result.ok) {
			this.update({
				previous: this.current.data,
				data: result.data,
				generation: this.current.generation + 1,
				loading: false,
				inFlight: false,
				updatedAt: finishedAt,
				queryMs,
				slow: queryMs > this.current.intervalMs,
				error: undefined,
				connectionLost: false,
				failures: 0,
			});
			if (!this.current.paused) {
				const next = queryMs > this.current.intervalMs ? finishedAt + this.current.intervalMs : startedAt + this.current.intervalMs;
				this.schedule(Math.max(0, next - finishedAt));
			}
			return;
		}
		const failures = this.current.failures + 1;
		const wait = backoffMs(failures);
		this.update({
			loading: false,
			inFlight: false,
			queryMs,
			slow: false,
			error: result.error,
			connectionLost: isConnectionLost(result.error),
			failures,
			retryAt: this.current.paused ? undefined : finishedAt + wait,
		});
		if (!this.current.paused) this.schedule(wait);
	}

	private schedule(ms: number): void {
		this.cancelTimer();
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			void this.run();
		}, ms);
	}

	private cancelTimer(): void {
		if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
		this.timer = undefined;
	}

	private update(patch: Partial<RefreshState<T>>): void {
		this.current = {...this.current, ...patch};
		for (const listener of this.listeners) listener();
	}
}

/** "updated 3s ago · 4 ms" / "paused" / "connection lost — retrying in 4 s": the status line every live view shows. */
export function describeRefresh(state: RefreshState<unknown>, now: number): {text: string; tone: 'normal' | 'warning' | 'error'} {
	if (state.error) {
		const seconds = state.retryAt === undefined ? undefined : Math.max(0, Math.ceil((state.retryAt - now) / 1000));
		const retry = state.inFlight ? 'retrying now' : state.paused || seconds === undefined ? 'paused' : `retrying in ${seconds} s`;
		// The countdown comes before the server's message, which may be long: a narrow terminal cuts the end.
		const text = state.connectionLost ? `connection lost — ${retry}` : `refresh failed, ${retry}: ${firstLine(state.error.message)}`;
		return {text, tone: 'error'};
	}
	if (state.updatedAt === undefined) return {text: 'loading…', tone: 'normal'};
	const age = Math.max(0, Math.floor((now - state.updatedAt) / 1000));
	const parts = [`updated ${age}s ago`, `query ${formatMs(state.queryMs ?? 0)}`, `every ${formatMs(state.intervalMs)}`];
	if (state.paused) parts.unshift('PAUSED');
	if (state.slow) return {text: `${parts.join(' · ')} · slow: query took longer than the interval`, tone: 'warning'};
	return {text: parts.join(' · '), tone: state.paused ? 'warning' : 'normal'};
}

export function formatMs(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	return `${Number((ms / 1000).toFixed(1))} s`;
}

function firstLine(text: string): string {
	return text.split('\n')[0] ?? '';
}

/** Keys of rows that are new or whose fingerprint differs from the previous refresh: highlighted for one cycle. */
export function changedKeys<Row>(previous: readonly Row[] | undefined, next: readonly Row[], key: (row: Row) => string, fingerprint: (row: Row) => string): Set<string> {
	const changed = new Set<string>();
	if (!previous) return changed;
	const before = new Map(previous.map(row => [key(row), fingerprint(row)]));
	for (const row of next) {
		const k = key(row);
		if (before.get(k) !== fingerprint(row)) changed.add(k);
	}
	return changed;
}
