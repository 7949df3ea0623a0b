// Bounded console queries against a real database: a refresh stuck on a lock is never started a second time (one
// backend, counted in the server's own activity), a live query cut by the SET LOCAL statement_timeout keeps the last
// data and says it timed out, and the timeout does not outlive its transaction. Locks are held by open transactions;
// waits are observed by polling with a deadline, never by sleeping.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {createActivitySource} from '../../source/db/queries/activity.js';
import {liveVehiclesSource} from '../../source/db/sources/live.js';
import {browseScopeWith, scopedHandle} from '../../source/db/scope.js';
import {describeRefresh, Refresher, type Clock} from '../../source/app/refresh.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {holdTransaction, type HeldTransaction} from '../helpers/locks.js';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db.close();
});

/** Timers the test fires by hand: the refresh loop never ticks on its own, so every load is one the test asked for. */
function manualClock(): Clock & {fire(): void; pending(): number} {
	let now = 1_000_000;
	const timers: Array<() => void> = [];
	return {
		now: () => (now += 1),
		setTimeout(callback) {
			timers.push(callback);
			return timers.length;
		},
		clearTimeout() {
			timers.length = 0;
		},
		fire() {
			const due = timers.splice(0);
			for (const callback of due) callback();
		},
		pending: () => timers.length,
	};
}

/** Client backends with this application_name, read through the function (the view may be the locked object). */
async function backendsOf(application: string): Promise<Array<{pid: number; waitEventType: string | null; state: string | null}>> {
	return db.sql<Array<{pid: number; waitEventType: string | null; state: string | null}>>`
		select pid, wait_event_type, state from pg_stat_get_activity(null) where application_name = ${application} and backend_type = 'client backend'`;
}

/** A console-like handle: one connection, each query its own read-only transaction with SET LOCAL statement_timeout. */
function consoleHandle(application: string, statementTimeoutMs: number): {sql: Sql; raw: Sql} {
	const raw = db.connect({max: 1, parameters: {application_name: application}});
	return {raw, sql: scopedHandle(raw, browseScopeWith(statementTimeoutMs))};
}

describe('an Activity refresh stuck on a lock', () => {
	let holder: HeldTransaction;

	afterAll(async () => {
		await holder?.release();
	});

	it('is not started again by ticks or r while it waits: one backend, one query', async () => {
		const application = 'evfleet-activity-stuck';
		const {sql} = consoleHandle(application, 60_000);
		const source = createActivitySource(sql);
		const clock = manualClock();
		let loads = 0;
		const refresher = new Refresher({load: () => (loads++, source.snapshot()), intervalMs: 500, clock});
		refresher.start();
		await vi.waitFor(() => expect(refresher.state.generation).toBe(1), {timeout: 10_000, interval: 20});

		// Another session takes the activity view itself: reading it now waits for that lock (so do new connections:
		// the counting connection is opened before).
		await backendsOf(application);
		holder = await holdTransaction(db, 'psql', tx => tx`lock table pg_catalog.pg_stat_activity in access exclusive mode`);
		await holder.worked;
		clock.fire();
		await vi.waitFor(async () => {
			const rows = await backendsOf(application);
			expect(rows.filter(row => row.waitEventType === 'Lock')).toHaveLength(1);
		}, {timeout: 10_000, interval: 25});

		// Every way of asking again while it waits: r, the timer, the source directly (another caller).
		for (let i = 0; i < 5; i++) {
			refresher.refreshNow();
			clock.fire();
			void source.snapshot();
		}
		expect(refresher.state.inFlight).toBe(true);
		expect(loads).toBe(2);
		expect(source.snapshot()).toBe(source.snapshot()); // a second caller joins the running query
		const rows = await backendsOf(application);
		expect(rows).toHaveLength(1);

		await holder.release();
		await vi.waitFor(() => expect(refresher.state.generation).toBe(2), {timeout: 10_000, interval: 20});
		expect(refresher.state.error).toBeUndefined();
		expect(await backendsOf(application)).toHaveLength(1);
		refresher.stop();
	});
});

describe('a live view whose query hits the statement timeout', () => {
	it('keeps the last data, says the query timed out, retries on the next tick, and the timeout ends with its transaction', async () => {
		const application = 'evfleet-live-timeout';
		const {sql, raw} = consoleHandle(application, 300);
		const live = liveVehiclesSource(sql);
		const clock = manualClock();
		const refresher = new Refresher({load: () => live.snapshot({limit: 50}), intervalMs: 2000, clock});
		refresher.start();
		await vi.waitFor(() => expect(refresher.state.generation).toBe(1), {timeout: 10_000, interval: 20});
		const first = refresher.state.data;

		const holder = await holdTransaction(db, 'psql', tx => tx`lock table vehicles in access exclusive mode`);
		await holder.worked;
		try {
			for (let attempt = 1; attempt <= 3; attempt++) {
				clock.fire();
				await vi.waitFor(() => expect(refresher.state.failures).toBe(attempt), {timeout: 10_000, interval: 20});
				expect(refresher.state.timedOut).toBe(true);
				expect(refresher.state.data).toBe(first);
				// the next try is one interval away (not a backoff, not right away), and nothing is left running
				expect(refresher.state.retryAt! - clock.now()).toBeGreaterThan(1500);
				expect(await backendsOf(application)).toEqual([expect.objectContaining({state: 'idle'})]);
			}
			const line = describeRefresh(refresher.state, clock.now()).text;
			expect(line).toMatch(/^query timed out after .*, retrying in 2 s · showing data from \d+s ago$/);
		} finally {
			await holder.release();
		}
		clock.fire();
		await vi.waitFor(() => expect(refresher.state.generation).toBe(2), {timeout: 10_000, interval: 20});
		expect(refresher.state.error).toBeUndefined();
		refresher.stop();

		// SET LOCAL: the same connection, outside the scoped transactions, has the server's default again.
		const [setting] = await raw<Array<{timeout: string}>>`select current_setting('statement_timeout') as timeout`;
		expect(setting!.timeout).toBe('0');
	});
});
