// Maintenance actions against a real database: plans, privileges, locks, cancel, audit.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {parseConnectionUrl, type ConnectionTarget} from '../../source/db/connection.js';
import {planCreatePartitions, planDetach, planRefresh} from '../../source/db/maintenance/plan.js';
import {ActionBusyError, runPlan} from '../../source/db/maintenance/runner.js';
import {prepareAction, recordWithoutRunning} from '../../source/db/maintenance/service.js';
import type {ActionPlan} from '../../source/model/maintenance.js';
import {addMonths, currentMonth} from '../../source/db/queries/maintenance.js';
import {PrivilegeError, UsageError} from '../../source/model/errors.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let month: string;
const suffix = randomBytes(3).toString('hex');
const reader = `maint_reader_${suffix}`;
const operator = `maint_operator_${suffix}`;

function targetFor(user?: string): ConnectionTarget {
	const url = new URL(db.url);
	if (user) url.username = user;
	return parseConnectionUrl(url.toString(), 'test');
}

const partitionName = (table: string, m: string) => `${table}_${m.replace('-', '_')}`;

async function exists(name: string): Promise<boolean> {
	const [row] = await db.sql<{ok: boolean}[]>`select to_regclass(${`public.${name}`}) is not null as ok`;
	return row!.ok;
}

async function isAttached(name: string): Promise<boolean> {
	const [row] = await db.sql<{ok: boolean}[]>`select exists (select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relname = ${name}) as ok`;
	return row!.ok;
}

async function lastLog(action?: string) {
	const [row] = await db.sql<{action: string; outcome: string | null; error: string | null; dbUser: string; sql: string | null}[]>`
		select action, outcome, error, db_user, sql from maintenance_log ${action ? db.sql`where action = ${action}` : db.sql``} order by id desc limit 1`;
	return row;
}

/** A plan whose only statement sleeps: the test hook for a long-running action. */
function sleepPlan(seconds: number, key = `test:${randomBytes(3).toString('hex')}`): ActionPlan {
	return {
		action: 'vacuum', title: `test sleep ${seconds}s`, target: 'pg_sleep', steps: [{sql: `SELECT pg_sleep(${seconds})`, object: 'pg_sleep', progress: 'none'}],
		atomic: false, affects: [], notes: [], destructive: false, confirmText: null, privileges: [], lockKeys: [key], nothingToDo: null, followUp: null,
	};
}

async function waitForOurStatement(pattern: string): Promise<void> {
	await vi.waitFor(async () => {
		const rows = await db.sql`select 1 from pg_stat_activity where application_name = 'evfleet maint' and state = 'active' and query like ${pattern}`;
		expect(rows.length).toBe(1);
	}, {timeout: 10_000, interval: 50});
}

beforeAll(async () => {
	db = await createTestDatabase();
	month = await currentMonth(db.sql);
	await db.sql.unsafe(`create role ${reader} login; grant evfleet_reader to ${reader}`);
	await db.sql.unsafe(`create role ${operator} login; grant evfleet_operator to ${operator}`);
});

afterAll(async () => {
	await db.close();
	// Roles are cluster-wide: remove them once their database is gone.
	const {createSql} = await import('../../source/db/connection.js');
	const url = new URL(db.url);
	url.pathname = '/postgres';
	const cluster = createSql(parseConnectionUrl(url.toString(), 'test'), {max: 1});
	await cluster.unsafe(`drop role if exists ${reader}; drop role if exists ${operator}`).catch(() => {});
	await cluster.end();
});

describe('partitions create', () => {
	it('is idempotent: the second run finds nothing to do and changes nothing', async () => {
		const far = partitionName('vehicle_telematics', addMonths(month, 3));
		await db.sql.unsafe(`drop table if exists public.${far}`);
		const plan = await planCreatePartitions(db.sql, {ahead: 3, table: 'vehicle_telematics'});
		expect(plan.affects.map(a => a.object)).toEqual([far]);
		expect(plan.steps[0]!.sql).toBe(`SELECT create_monthly_partitions('public.vehicle_telematics'::regclass, 3)`);
		const first = await runPlan(targetFor(), plan);
		expect(first.outcome).toBe('done');
		expect(await isAttached(far)).toBe(true);
		const again = await planCreatePartitions(db.sql, {ahead: 3, table: 'vehicle_telematics'});
		expect(again.nothingToDo).toMatch(/exists/);
		const before = await db.sql`select count(*) from pg_inherits where inhparent = 'vehicle_telematics'::regclass`;
		expect((await runPlan(targetFor(), again)).outcome).toBe('done');
		const after = await db.sql`select count(*) from pg_inherits where inhparent = 'vehicle_telematics'::regclass`;
		expect(after).toEqual(before);
	});

	it('fails after lock_timeout when another session holds the table, naming the holder, and changes nothing', async () => {
		const tables = ['charging_session_metrics', 'energy_consumption_records', 'vehicle_telematics'];
		const far = tables.map(t => partitionName(t, addMonths(month, 3)));
		for (const name of far) await db.sql.unsafe(`drop table if exists public.${name}`);
		const plan = await planCreatePartitions(db.sql, {ahead: 3});
		expect(plan.affects).toHaveLength(3);
		const holder = db.connect({max: 1});
		let release!: () => void;
		const released = new Promise<void>(resolve => (release = resolve));
		let locked!: () => void;
		const isLocked = new Promise<void>(resolve => (locked = resolve));
		const holding = holder.begin(async tx => {
			await tx`lock table vehicle_telematics in access exclusive mode`;
			locked();
			await released;
		});
		await isLocked;
		try {
			// A slow poll: the holder is named from pg_locks after the timeout, not only when the poller saw the wait.
			const result = await runPlan(targetFor(), plan, {lockTimeoutMs: 1500, pollMs: 60_000});
			expect(result.outcome).toBe('failed');
			expect(result.error).toMatch(/could not lock vehicle_telematics within lock_timeout \(1\.5 s\)/);
			expect(result.error).toMatch(/held by pid \d+/);
			expect(result.error).toMatch(/rolled back: nothing was changed/);
			expect(result.completed).toEqual([]);
		} finally {
			release();
			await holding;
		}
		// The first two tables' partitions were created inside the same transaction: rolled back too.
		for (const name of far) expect(await exists(name)).toBe(false);
		expect(await lastLog('partitions.create')).toMatchObject({outcome: 'failed'});
	});
});

describe('partitions detach', () => {
	it('refuses to detach the current month', async () => {
		await expect(planDetach(db.sql, {partition: partitionName('vehicle_telematics', month)})).rejects.toThrow(UsageError);
		await expect(planDetach(db.sql, {partition: partitionName('vehicle_telematics', month)})).rejects.toThrow(/current or a future month/);
	});

	it('refuses to detach a future month', async () => {
		await expect(planDetach(db.sql, {partition: partitionName('vehicle_telematics', addMonths(month, 1))})).rejects.toThrow(/current or a future month/);
	});

	it('never picks the current month, even with --older-than 0mo', async () => {
		const plan = await planDetach(db.sql, {olderThanMonths: 0});
		const objects = plan.steps.map(s => s.object);
		expect(objects.some(o => o.endsWith(month.replace('-', '_')))).toBe(false);
	});

	it('detaches old months (plain DETACH beside a default partition) and drops them in a second step', async () => {
		await db.sql`select create_monthly_partitions('vehicle_telematics'::regclass, '2024-01-01'::date, 2)`;
		const plan = await planDetach(db.sql, {olderThanMonths: 12, table: 'vehicle_telematics', drop: true});
		expect(plan.steps.map(s => s.sql)).toEqual([
			'ALTER TABLE public.vehicle_telematics DETACH PARTITION public.vehicle_telematics_2024_01',
			'ALTER TABLE public.vehicle_telematics DETACH PARTITION public.vehicle_telematics_2024_02',
		]);
		expect(plan.destructive).toBe(true);
		expect(plan.confirmText).toBe('2 partitions');
		expect((await runPlan(targetFor(), plan)).outcome).toBe('done');
		expect(await isAttached('vehicle_telematics_2024_01')).toBe(false);
		expect(await exists('vehicle_telematics_2024_01')).toBe(true);
		expect(plan.followUp!.steps.map(s => s.sql)).toEqual(['DROP TABLE public.vehicle_telematics_2024_01', 'DROP TABLE public.vehicle_telematics_2024_02']);
		expect((await runPlan(targetFor(), plan.followUp!)).outcome).toBe('done');
		expect(await exists('vehicle_telematics_2024_01')).toBe(false);
	});

	it('detaches CONCURRENTLY (outside a transaction block) when the table has no default partition', async () => {
		await db.sql`create table archive_probe (recorded_at timestamptz not null, v int) partition by range (recorded_at)`;
		// create_monthly_partitions serves evfleet's own tables only: the month is created by hand, as it would name it
		await db.sql`create table archive_probe_2024_03 partition of archive_probe for values from ('2024-03-01 00:00:00+00') to ('2024-04-01 00:00:00+00')`;
		const plan = await planDetach(db.sql, {olderThanMonths: 12, table: 'archive_probe'});
		expect(plan.steps.map(s => s.sql)).toEqual(['ALTER TABLE public.archive_probe DETACH PARTITION public.archive_probe_2024_03 CONCURRENTLY']);
		expect((await runPlan(targetFor(), plan)).outcome).toBe('done');
		expect(await isAttached('archive_probe_2024_03')).toBe(false);
	});
});

describe('refresh', () => {
	it('runs concurrently while another connection reads the view', async () => {
		await db.sql`select refresh_battery_health_trends()`; // populated: later refreshes are concurrent
		const readerSql = db.connect({max: 1});
		let release!: () => void;
		const released = new Promise<void>(resolve => (release = resolve));
		let reading!: () => void;
		const isReading = new Promise<void>(resolve => (reading = resolve));
		const open = readerSql.begin(async tx => {
			await tx`select count(*) from battery_health_trends`;
			reading();
			await released;
			return tx`select count(*)::int as n from battery_health_trends`;
		});
		await isReading;
		let result;
		try {
			const plan = await planRefresh(db.sql, {view: 'battery_health_trends'});
			expect(plan.affects[0]!.change).toMatch(/concurrently/);
			result = await runPlan(targetFor(), plan, {lockTimeoutMs: 2000});
		} finally {
			release();
		}
		expect(result.outcome).toBe('done');
		await expect(open).resolves.toBeDefined();
		const [log] = await db.sql<{concurrent: boolean}[]>`select concurrent from matview_refresh_log where view_name like '%battery_health_trends' order by id desc limit 1`;
		expect(log!.concurrent).toBe(true);
	});
});

describe('cancel and concurrency', () => {
	it('cancelling during a long statement leaves no running statement of ours on the server', async () => {
		const abort = new AbortController();
		const running = runPlan(targetFor(), sleepPlan(30), {signal: abort.signal});
		await waitForOurStatement('SELECT pg_sleep(30)%');
		abort.abort();
		const result = await running;
		expect(result.outcome).toBe('cancelled');
		expect(result.interrupted?.object).toBe('pg_sleep');
		const active = await db.sql`select pid from pg_stat_activity where application_name like 'evfleet maint%' and state = 'active'`;
		expect(active).toHaveLength(0);
		expect(await lastLog('vacuum')).toMatchObject({outcome: 'cancelled'});
	});

	it('a second session running the same action is refused and told who holds it', async () => {
		const abort = new AbortController();
		const plan = sleepPlan(30, 'vacuum:same_table');
		const first = runPlan(targetFor(), plan, {signal: abort.signal});
		await waitForOurStatement('SELECT pg_sleep(30)%');
		try {
			await expect(runPlan(targetFor(), plan)).rejects.toThrow(ActionBusyError);
			await expect(runPlan(targetFor(), plan)).rejects.toThrow(/already running .*held by postgres \(evfleet maint\).*pid \d+/);
			expect(await lastLog('vacuum')).toMatchObject({outcome: 'refused'});
		} finally {
			abort.abort();
			await first;
		}
	});
});

describe('refusals and privileges', () => {
	it('refusing (answer n) changes nothing and is logged', async () => {
		const far = partitionName('energy_consumption_records', addMonths(month, 3));
		await db.sql.unsafe(`drop table if exists public.${far}`);
		const plan = await prepareAction(db.sql, targetFor(), {action: 'partitions.create', table: 'energy_consumption_records'});
		expect(await recordWithoutRunning(targetFor(), plan, 'refused', 'answered no')).toBe(true);
		expect(await exists(far)).toBe(false);
		expect(await lastLog('partitions.create')).toMatchObject({outcome: 'refused', error: 'answered no', sql: plan.steps.map(s => `${s.sql};`).join('\n')});
	});

	it('an evfleet_reader login is refused before any SQL runs, told it needs evfleet_operator, and the refusal is audited', async () => {
		const far = partitionName('charging_session_metrics', addMonths(month, 3));
		await db.sql.unsafe(`drop table if exists public.${far}`);
		const sql = db.connect({user: reader, max: 1});
		const error = await prepareAction(sql, targetFor(reader), {action: 'partitions.create'}).then(() => null, (e: unknown) => e as PrivilegeError);
		expect(error).toBeInstanceOf(PrivilegeError);
		expect(error!.message).toMatch(new RegExp(`needs the evfleet_operator role .*"${reader}" has evfleet_reader`));
		expect(error!.hint).toMatch(new RegExp(`GRANT evfleet_operator TO ${reader}`));
		// A reader may not insert into maintenance_log; the refusal is audited through evfleet_log_refusal().
		expect(error!.hint).not.toMatch(/could not be written/);
		expect(await lastLog('partitions.create')).toMatchObject({outcome: 'refused', dbUser: reader, error: error!.message});
		expect(await exists(far)).toBe(false);
	});

	it('an operator may create partitions (logged as the operator) but must own a table to vacuum it', async () => {
		const sql = db.connect({user: operator, max: 1});
		const plan = await prepareAction(sql, targetFor(operator), {action: 'partitions.create'});
		expect((await runPlan(targetFor(operator), plan)).outcome).toBe('done');
		expect(await lastLog('partitions.create')).toMatchObject({outcome: 'done', dbUser: operator});
		const error = await prepareAction(sql, targetFor(operator), {action: 'vacuum', table: 'vehicles'}).then(() => null, (e: unknown) => e as PrivilegeError);
		expect(error).toBeInstanceOf(PrivilegeError);
		expect(error!.message).toMatch(/must run as the owner of vehicles/);
		expect(await lastLog('vacuum')).toMatchObject({outcome: 'refused', dbUser: operator});
	});
});
