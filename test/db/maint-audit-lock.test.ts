// Actions that cannot get stuck on their own audit: with maintenance_log locked elsewhere, terminate, cancel and a
// view refresh still run; the audit is written late when the lock goes away, else the failure is said loudly and
// the command exits 1. Locks are held by open transactions; waits are observed by polling with a deadline.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {parseConnectionUrl, type ConnectionTarget} from '../../source/db/connection.js';
import {runPlan} from '../../source/db/maintenance/runner.js';
import {prepareAction} from '../../source/db/maintenance/service.js';
import {describeResult, resultExitCode} from '../../source/print/maintenance-text.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {holdTransaction as hold, waitUntilBlocked, type HeldTransaction as Held} from '../helpers/locks.js';

let db: TestDatabase;
const target = (): ConnectionTarget => parseConnectionUrl(db.url, 'test');

const holdTransaction = (work: Parameters<typeof hold>[2]) => hold(db, 'psql', work);

async function lockMaintenanceLog(mode: string): Promise<Held> {
	const held = await holdTransaction(tx => tx.unsafe(`lock table maintenance_log in ${mode} mode`));
	await vi.waitFor(async () => {
		const rows = await db.sql`select 1 from pg_locks where pid = ${held.pid} and relation = 'maintenance_log'::regclass and granted`;
		expect(rows).toHaveLength(1);
	}, {timeout: 10_000, interval: 25});
	return held;
}

const exists = async (pid: number) => (await db.sql`select 1 from pg_stat_activity where pid = ${pid}`).length > 0;
const logRows = async (action: string) => db.sql<{target: string; outcome: string | null; error: string | null; startedAt: Date; finishedAt: Date | null}[]>`
	select target, outcome, error, started_at, finished_at from maintenance_log where action = ${action} order by id`;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db.close();
});

describe('with maintenance_log locked elsewhere', () => {
	it('terminating the very session that holds the lock succeeds, and the audit is written once it is gone', async () => {
		const locker = await lockMaintenanceLog('access exclusive');
		try {
			const plan = await prepareAction(db.sql, target(), {action: 'terminate', pid: locker.pid});
			const before = Date.now();
			const result = await runPlan(target(), plan);
			expect(result.outcome).toBe('done');
			expect(await exists(locker.pid)).toBe(false);
			expect(result.auditError ?? null).toBeNull();
			expect(result.auditNote).toMatch(new RegExp(`maintenance_log is locked by pid ${locker.pid} postgres \\(psql\\)`));
			expect(describeResult(plan, result).join('\n')).toContain('the audit row was written after the action');
			expect(resultExitCode(result)).toBe(0);
			const [row] = (await logRows('terminate')).filter(r => r.target.startsWith(`pid ${locker.pid} `));
			expect(row).toMatchObject({outcome: 'done'});
			expect(row!.error).toContain('audit written after the action');
			// started_at is when the action started, not when the row could be written.
			expect(row!.startedAt.getTime()).toBeLessThanOrEqual(row!.finishedAt!.getTime());
			expect(row!.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
		} finally {
			await locker.release();
		}
	});

	it('`maint terminate --yes` of another session runs, says the audit was not written, and exits 1', async () => {
		const locker = await lockMaintenanceLog('exclusive');
		const victim = await holdTransaction(tx => tx`select 1`);
		try {
			const result = await runCli(['maint', 'terminate', String(victim.pid), '--yes'], {env: {DATABASE_URL: db.url, NO_COLOR: '1'}});
			expect(await exists(victim.pid)).toBe(false);
			expect(result.code).toBe(1);
			expect(result.stdout).toMatch(/^done: evfleet maint terminate/m);
			expect(result.stdout).toMatch(new RegExp(`AUDIT NOT WRITTEN: no audit row was written: maintenance_log is locked by pid ${locker.pid} postgres \\(psql\\)`));
			expect(await exists(locker.pid)).toBe(true);
		} finally {
			await victim.release();
			await locker.release();
		}
		expect((await logRows('terminate')).filter(r => r.target.startsWith(`pid ${victim.pid} `))).toHaveLength(0);
	});

	it('cancel still cancels the query, and reports the audit it could not write', async () => {
		const key = 917_101;
		const holder = await holdTransaction(tx => tx`select pg_advisory_xact_lock(${key})`);
		const waiter = await holdTransaction(tx => tx`select pg_advisory_xact_lock(${key})`);
		await waitUntilBlocked(db, waiter.pid, [holder.pid]);
		const locker = await lockMaintenanceLog('exclusive');
		try {
			const plan = await prepareAction(db.sql, target(), {action: 'cancel', pid: waiter.pid});
			const result = await runPlan(target(), plan);
			expect(result.outcome).toBe('done');
			expect((await waiter.done) as {code?: string}).toMatchObject({code: '57014'});
			expect(result.auditError).toMatch(/no audit row was written: maintenance_log is locked by pid \d+/);
			expect(resultExitCode(result)).toBe(1);
			expect(describeResult(plan, result).join('\n')).toMatch(/AUDIT NOT WRITTEN: .*carried out without its maintenance_log record/);
		} finally {
			await locker.release();
			await waiter.release();
			await holder.release();
		}
	});

	it('a view refresh still runs (its own log is matview_refresh_log), with the audit failure reported', async () => {
		const locker = await lockMaintenanceLog('exclusive');
		try {
			const [{n: before}] = await db.sql<[{n: number}]>`select count(*)::int as n from matview_refresh_log where view_name like '%energy_efficiency_metrics'`;
			const plan = await prepareAction(db.sql, target(), {action: 'refresh', view: 'energy_efficiency_metrics'});
			const result = await runPlan(target(), plan);
			expect(result.outcome).toBe('done');
			expect(result.auditError).toMatch(/maintenance_log is locked/);
			const [{n: after}] = await db.sql<[{n: number}]>`select count(*)::int as n from matview_refresh_log where view_name like '%energy_efficiency_metrics'`;
			expect(after).toBe(before + 1);
		} finally {
			await locker.release();
		}
	});
});
