// Sessions that hold locks for a test: an open transaction kept until released, and waiting on pg_blocking_pids
// with a deadline (never a sleep).
import {expect, vi} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import type {TestDatabase} from './db.js';

export type HeldTransaction = {
	sql: Sql;
	pid: number;
	release(): Promise<void>;
	done: Promise<unknown>;
	/** Settles once `work` has run (the lock it takes is held; it may wait for one): await it before relying on the lock. */
	worked: Promise<void>;
};

/** A session (application_name `application`) that opens a transaction, runs `work` in it and keeps it open until released or killed. */
export async function holdTransaction(db: TestDatabase, application: string, work: (tx: Sql) => Promise<unknown>): Promise<HeldTransaction> {
	const sql = db.connect({max: 1, parameters: {application_name: application}});
	const [row] = await sql<{pid: number}[]>`select pg_backend_pid() as pid`;
	let release!: () => void;
	const released = new Promise<void>(resolve => (release = resolve));
	let ran!: () => void;
	const worked = new Promise<void>(resolve => (ran = resolve));
	const done = sql
		.begin(async tx => {
			await work(tx as unknown as Sql);
			ran();
			await released;
		})
		.catch((error: unknown) => (ran(), error));
	return {
		sql,
		pid: row!.pid,
		async release() {
			release();
			await done;
			await sql.end({timeout: 1}).catch(() => {});
		},
		done,
		worked,
	};
}

/** Waits (polling, 10 s deadline) until pg_blocking_pids(pid) is exactly `by`. */
export async function waitUntilBlocked(db: TestDatabase, pid: number, by: number[]): Promise<void> {
	await vi.waitFor(async () => {
		const [row] = await db.sql<{pids: number[]}[]>`select pg_blocking_pids(${pid}) as pids`;
		expect([...row!.pids].sort()).toEqual([...by].sort());
	}, {timeout: 10_000, interval: 25});
}
