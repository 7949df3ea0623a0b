import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Refresher, backoffMs, changedKeys, describeRefresh, isConnectionLost, stepInterval} from '../../source/app/refresh.js';

// A fake data source: each load takes `durationMs` of (fake) time and fails while `failing` is set.
function fakeSource(options: {durationMs?: number} = {}) {
	const source = {
		durationMs: options.durationMs ?? 10,
		failing: undefined as Error | undefined,
		calls: 0,
		inFlight: 0,
		maxInFlight: 0,
		startedAt: [] as number[],
		load: async (): Promise<number> => {
			source.calls++;
			source.inFlight++;
			source.maxInFlight = Math.max(source.maxInFlight, source.inFlight);
			source.startedAt.push(Date.now());
			try {
				if (source.durationMs > 0) await new Promise(resolve => setTimeout(resolve, source.durationMs));
				if (source.failing) throw source.failing;
				return source.calls;
			} finally {
				source.inFlight--;
			}
		},
	};
	return source;
}

function connectionLost(): Error {
	return Object.assign(new Error('terminating connection due to administrator command'), {code: '57P01'});
}

let refresher: Refresher<number> | undefined;

beforeEach(() => {
	vi.useFakeTimers({now: 0});
});

afterEach(() => {
	refresher?.stop();
	refresher = undefined;
	vi.useRealTimers();
});

describe('Refresher', () => {
	it('does not query while its view is hidden under another, and refreshes at once when shown again if one fell due', async () => {
		const source = fakeSource();
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(500);
		refresher.setHidden(true);
		await vi.advanceTimersByTimeAsync(5000);
		expect(source.startedAt).toEqual([0]);
		refresher.setHidden(false);
		await vi.advanceTimersByTimeAsync(500);
		expect(source.startedAt).toEqual([0, 5500]);
	});

	it('loads at once and then every interval', async () => {
		const source = fakeSource();
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(3500);
		expect(source.startedAt).toEqual([0, 1000, 2000, 3000]);
		expect(refresher.state.data).toBe(4);
		expect(refresher.state.queryMs).toBe(10);
		expect(refresher.state.slow).toBe(false);
	});

	it('never runs two loads at once when a load is slower than the interval', async () => {
		const source = fakeSource({durationMs: 2500});
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(20_000);
		expect(source.maxInFlight).toBe(1);
		// each slow load is followed by a full interval of rest: starts at 0, 3500, 7000 …
		expect(source.startedAt.slice(0, 3)).toEqual([0, 3500, 7000]);
		expect(refresher.state.slow).toBe(true);
	});

	it('flags a slow query and clears the flag when queries are fast again', async () => {
		const source = fakeSource({durationMs: 1500});
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(1500);
		expect(refresher.state.slow).toBe(true);
		expect(describeRefresh(refresher.state, Date.now()).text).toContain('slow');
		source.durationMs = 10;
		await vi.advanceTimersByTimeAsync(3000);
		expect(refresher.state.slow).toBe(false);
	});

	it('backs off 1, 2, 4, 8, 16, 30, 30 s while loads fail', async () => {
		const source = fakeSource({durationMs: 0});
		source.failing = connectionLost();
		refresher = new Refresher({load: source.load, intervalMs: 2000});
		refresher.start();
		await vi.advanceTimersByTimeAsync((1 + 2 + 4 + 8 + 16 + 30 + 30) * 1000);
		const gaps = source.startedAt.slice(1).map((t, i) => t - source.startedAt[i]!);
		expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
		expect(refresher.state.connectionLost).toBe(true);
		expect(refresher.state.failures).toBe(8);
	});

	it('says when it retries after a lost connection and keeps the last data', async () => {
		const source = fakeSource({durationMs: 0});
		refresher = new Refresher({load: source.load, intervalMs: 2000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(0);
		source.failing = connectionLost();
		await vi.advanceTimersByTimeAsync(2000 + 1000 + 2000); // fail, fail after 1 s, fail after 2 s: next wait 4 s
		expect(refresher.state.failures).toBe(3);
		expect(describeRefresh(refresher.state, Date.now()).text).toBe('connection lost — retrying in 4 s');
		expect(refresher.state.data).toBe(1);
	});

	it('resumes the normal interval by itself once the database is back', async () => {
		const source = fakeSource({durationMs: 0});
		source.failing = connectionLost();
		refresher = new Refresher({load: source.load, intervalMs: 2000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(1000 + 2000);
		expect(refresher.state.failures).toBe(3);
		source.failing = undefined;
		await vi.advanceTimersByTimeAsync(4000);
		expect(refresher.state.error).toBeUndefined();
		expect(refresher.state.failures).toBe(0);
		const recoveredAt = Date.now();
		const before = source.calls;
		await vi.advanceTimersByTimeAsync(6000);
		expect(source.calls - before).toBe(3);
		expect(source.startedAt.at(-1)! - source.startedAt.at(-2)!).toBe(2000);
		expect(recoveredAt).toBe(7000);
	});

	it('a failing query (not a lost connection) shows its message', async () => {
		const source = fakeSource({durationMs: 0});
		source.failing = Object.assign(new Error('relation "vehicle_live_state" does not exist'), {code: '42P01'});
		refresher = new Refresher({load: source.load});
		refresher.start();
		await vi.advanceTimersByTimeAsync(0);
		expect(refresher.state.connectionLost).toBe(false);
		expect(describeRefresh(refresher.state, Date.now()).text).toBe('refresh failed, retrying in 1 s: relation "vehicle_live_state" does not exist');
	});

	it('stops loading while paused and loads at once on resume', async () => {
		const source = fakeSource();
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(100);
		refresher.togglePause();
		expect(refresher.state.paused).toBe(true);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(source.calls).toBe(1);
		expect(describeRefresh(refresher.state, Date.now()).text).toMatch(/^PAUSED · updated 10s ago/);
		refresher.togglePause();
		await vi.advanceTimersByTimeAsync(20);
		expect(source.calls).toBe(2);
		await vi.advanceTimersByTimeAsync(1000);
		expect(source.calls).toBe(3);
	});

	it('pausing during a load keeps its result and schedules nothing', async () => {
		const source = fakeSource({durationMs: 500});
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(100);
		refresher.pause();
		await vi.advanceTimersByTimeAsync(5000);
		expect(refresher.state.data).toBe(1);
		expect(source.calls).toBe(1);
	});

	it('+ and - step the interval, never below 0.5 s', async () => {
		const source = fakeSource();
		refresher = new Refresher({load: source.load, intervalMs: 2000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(20);
		refresher.faster();
		expect(refresher.state.intervalMs).toBe(1000);
		refresher.faster();
		refresher.faster();
		expect(refresher.state.intervalMs).toBe(500);
		await vi.advanceTimersByTimeAsync(2000);
		expect(source.calls).toBe(5);
		refresher.slower();
		expect(refresher.state.intervalMs).toBe(1000);
		expect(new Refresher({load: source.load, intervalMs: 10}).state.intervalMs).toBe(500);
	});

	it('r refreshes now, and is ignored while a load is in flight', async () => {
		const source = fakeSource({durationMs: 300});
		refresher = new Refresher({load: source.load, intervalMs: 5000});
		refresher.start();
		refresher.refreshNow();
		expect(source.calls).toBe(1);
		await vi.advanceTimersByTimeAsync(400);
		refresher.refreshNow();
		expect(source.calls).toBe(2);
		await vi.advanceTimersByTimeAsync(300);
		expect(source.maxInFlight).toBe(1);
	});

	it('keeps the previous result for change highlighting', async () => {
		const source = fakeSource();
		refresher = new Refresher({load: source.load, intervalMs: 1000});
		refresher.start();
		await vi.advanceTimersByTimeAsync(1500);
		expect(refresher.state.previous).toBe(1);
		expect(refresher.state.data).toBe(2);
		expect(refresher.state.generation).toBe(2);
	});
});

describe('helpers', () => {
	it('backoffMs doubles to a 30 s ceiling', () => {
		expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
	});

	it('stepInterval walks the steps and stays within them', () => {
		expect(stepInterval(2000, 1)).toBe(3000);
		expect(stepInterval(2500, -1)).toBe(2000);
		expect(stepInterval(500, -1)).toBe(500);
		expect(stepInterval(60_000, 1)).toBe(60_000);
	});

	it('isConnectionLost knows driver and server codes', () => {
		expect(isConnectionLost(Object.assign(new Error('x'), {code: 'ECONNREFUSED'}))).toBe(true);
		expect(isConnectionLost(Object.assign(new Error('x'), {code: 'CONNECTION_CLOSED'}))).toBe(true);
		expect(isConnectionLost(Object.assign(new Error('x'), {code: '42P01'}))).toBe(false);
	});

	it('changedKeys marks new and changed rows only', () => {
		const before = [{id: 'a', v: 1}, {id: 'b', v: 2}];
		const after = [{id: 'a', v: 1}, {id: 'b', v: 3}, {id: 'c', v: 1}];
		expect([...changedKeys(before, after, r => r.id, r => String(r.v))]).toEqual(['b', 'c']);
		expect(changedKeys(undefined, after, r => r.id, r => String(r.v)).size).toBe(0);
	});
});
