// Cancel / terminate a backend (pg_activity's C and K) against a real database: plan, privileges, run, audit, CLI.
import {randomBytes} from 'node:crypto';
import React from 'react';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {createSql, parseConnectionUrl, type ConnectionTarget, type Sql} from '../../source/db/connection.js';
import {createMaintenanceData} from '../../source/db/maintenance/data.js';
import {runPlan} from '../../source/db/maintenance/runner.js';
import {prepareAction} from '../../source/db/maintenance/service.js';
import {MaintenanceAction, type FlowOutcome} from '../../source/screens/MaintenanceAction.js';
import {NotFoundError, PrivilegeError, UsageError} from '../../source/model/errors.js';
import {runCli, type CliResult} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {waitForFrame} from '../helpers/fakes.js';

let db: TestDatabase;
const suffix = randomBytes(3).toString('hex');
const operator = `signal_operator_${suffix}`;
const worker = `signal_worker_${suffix}`;

function targetFor(user?: string): ConnectionTarget {
	const url = new URL(db.url);
	if (user) url.username = user;
	return parseConnectionUrl(url.toString(), 'test');
}

type Sleeper = {sql: Sql; pid: number; done: Promise<{code: string | undefined}>};

/** A second connection (not evfleet's: application_name psql) running select pg_sleep(60). */
async function startSleeper({user, application = 'psql', seconds = 60}: {user?: string; application?: string; seconds?: number} = {}): Promise<Sleeper> {
	const sql = db.connect({user, max: 1, parameters: {application_name: application}});
	const [row] = await sql<{pid: number}[]>`select pg_backend_pid() as pid`;
	const pid = row!.pid;
	const done = sql`select pg_sleep(${seconds})`.then(
		() => ({code: undefined}),
		(error: {code?: string}) => ({code: error.code}),
	);
	await vi.waitFor(async () => {
		const rows = await db.sql`select 1 from pg_stat_activity where pid = ${pid} and state = 'active' and query like '%pg_sleep%'`;
		expect(rows).toHaveLength(1);
	}, {timeout: 10_000, interval: 25});
	return {sql, pid, done};
}

async function stop(sleeper: Sleeper) {
	await db.sql`select pg_terminate_backend(${sleeper.pid})`;
	await sleeper.done;
	await sleeper.sql.end({timeout: 1}).catch(() => {});
}

/** The guarded statements: the session (and for cancel the query) the plan showed, read back from the server. */
async function expectedSql(verb: 'cancel' | 'terminate', pid: number): Promise<string> {
	const [row] = await db.sql<{backendStart: string; queryStart: string}[]>`
		select backend_start::text as backend_start, query_start::text as query_start from pg_stat_activity where pid = ${pid}`;
	return verb === 'cancel'
		? `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = ${pid} AND backend_start = '${row!.backendStart}' AND query_start = '${row!.queryStart}'`
		: `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = ${pid} AND backend_start = '${row!.backendStart}'`;
}

async function activeQuery(pid: number): Promise<boolean> {
	const rows = await db.sql`select 1 from pg_stat_activity where pid = ${pid} and state = 'active'`;
	return rows.length > 0;
}

async function lastLog(action: string) {
	const [row] = await db.sql<{action: string; target: string | null; outcome: string | null; error: string | null; sql: string | null; dbUser: string}[]>`
		select action, target, outcome, error, sql, db_user from maintenance_log where action = ${action} order by id desc limit 1`;
	return row;
}

// stdin is a pipe, not a terminal: what cron and scripts give the command.
function evfleet(args: string[]): Promise<CliResult> {
	return runCli(args, {env: {DATABASE_URL: db.url, NO_COLOR: '1'}});
}

beforeAll(async () => {
	db = await createTestDatabase();
	await db.sql.unsafe(`create role ${operator} login; grant evfleet_operator to ${operator}`);
	await db.sql.unsafe(`create role ${worker} login`);
});

afterAll(async () => {
	await db.close();
	const url = new URL(db.url);
	url.pathname = '/postgres';
	const cluster = createSql(parseConnectionUrl(url.toString(), 'test'), {max: 1});
	await cluster.unsafe(`drop role if exists ${operator}; drop role if exists ${worker}`).catch(() => {});
	await cluster.end();
});

describe('cancel', () => {
	it('shows who and what, cancels the query (the session stays), and logs done', async () => {
		const sleeper = await startSleeper();
		const plan = await prepareAction(db.sql, targetFor(), {action: 'cancel', pid: sleeper.pid});
		const statement = await expectedSql('cancel', sleeper.pid);
		expect(plan.steps.map(s => s.sql)).toEqual([statement]);
		expect(plan.destructive).toBe(false);
		const affects = plan.affects.map(a => `${a.object}: ${a.change}`).join('\n');
		expect(affects).toMatch(/who: postgres · psql · 127\.0\.0\.1:\d+/);
		expect(affects).toMatch(/state: active for \d+s? ?.*since \d\d:\d\d:\d\dZ/);
		expect(affects).toContain('query: select pg_sleep($1)');

		const result = await runPlan(targetFor(), plan);
		expect(result.outcome).toBe('done');
		expect((await sleeper.done).code).toBe('57014');
		expect(await activeQuery(sleeper.pid)).toBe(false);
		const [still] = await db.sql<{state: string}[]>`select state from pg_stat_activity where pid = ${sleeper.pid}`;
		expect(still?.state).toBe('idle');
		const log = await lastLog('cancel');
		expect(log).toMatchObject({outcome: 'done', error: null, sql: `${statement};`});
		expect(log!.target).toContain(`pid ${sleeper.pid} postgres (psql)`);
		await sleeper.sql.end({timeout: 1});
	});

	it('answering n in the dialog changes nothing and logs refused', async () => {
		const sleeper = await startSleeper();
		const data = createMaintenanceData(targetFor(), db.sql);
		const outcomes: FlowOutcome[] = [];
		const view = render(React.createElement(MaintenanceAction, {data, request: {action: 'cancel', pid: sleeper.pid}, width: 80, height: 22, onFinish: (outcome: FlowOutcome) => outcomes.push(outcome)}));
		try {
			const frame = await waitForFrame(view.lastFrame, f => f.includes('[y/N]'), 10_000);
			expect(frame.replaceAll(/\s+/g, ' ')).toContain(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = ${sleeper.pid} AND`);
			expect(frame).toContain('Cancel query?');
			view.stdin.write('n');
			await vi.waitFor(() => expect(outcomes).toHaveLength(1), {timeout: 10_000});
			expect(outcomes[0]!.outcome).toBe('refused');
			expect(await lastLog('cancel')).toMatchObject({outcome: 'refused', error: 'answered no'});
			expect(await activeQuery(sleeper.pid)).toBe(true);
		} finally {
			view.unmount();
			await stop(sleeper);
		}
	});

	it('refuses an idle backend after the privilege check, and logs it', async () => {
		const idle = db.connect({max: 1, parameters: {application_name: 'psql'}});
		const [row] = await idle<{pid: number}[]>`select pg_backend_pid() as pid`;
		await expect(prepareAction(db.sql, targetFor(), {action: 'cancel', pid: row!.pid})).rejects.toThrow(/refusing to cancel pid \d+: it is idle .*not running anything/);
		expect(await lastLog('cancel')).toMatchObject({outcome: 'refused'});
		await idle.end({timeout: 1});
	});

	it("refuses this console's own connections", async () => {
		const [self] = await db.sql<{pid: number}[]>`select pg_backend_pid() as pid`;
		await expect(prepareAction(db.sql, targetFor(), {action: 'cancel', pid: self!.pid})).rejects.toThrow(/connection of this evfleet console/);
		// Another evfleet connection of this same process (as the console's browse pool would be).
		const own = await startSleeper({application: 'evfleet'});
		try {
			await expect(prepareAction(db.sql, targetFor(), {action: 'terminate', pid: own.pid})).rejects.toBeInstanceOf(UsageError);
			expect(await activeQuery(own.pid)).toBe(true);
		} finally {
			await stop(own);
		}
	});

	it('cancels nothing when the query shown ended and the session started another before the run', async () => {
		const sleeper = await startSleeper();
		try {
			const plan = await prepareAction(db.sql, targetFor(), {action: 'cancel', pid: sleeper.pid});
			// the query ends (cancelled by someone else) and the same session starts another one
			await db.sql`select pg_cancel_backend(${sleeper.pid})`;
			expect((await sleeper.done).code).toBe('57014');
			const next = sleeper.sql`select pg_sleep(60)`.then(() => undefined, (error: {code?: string}) => error.code);
			await vi.waitFor(async () => expect(await activeQuery(sleeper.pid)).toBe(true), {timeout: 10_000, interval: 25});
			const result = await runPlan(targetFor(), plan);
			expect(result.outcome).toBe('failed');
			expect(result.error).toMatch(new RegExp(`nothing cancelled: pid ${sleeper.pid} no longer runs the query shown`));
			expect(await activeQuery(sleeper.pid)).toBe(true);
			expect(await lastLog('cancel')).toMatchObject({outcome: 'failed'});
			await db.sql`select pg_cancel_backend(${sleeper.pid})`;
			expect(await next).toBe('57014');
		} finally {
			await stop(sleeper);
		}
	});

	it('an unknown pid is a NotFoundError (exit 2)', async () => {
		await expect(prepareAction(db.sql, targetFor(), {action: 'cancel', pid: 2_147_483_000})).rejects.toBeInstanceOf(NotFoundError);
	});
});

describe('terminate', () => {
	it('asks for the pid to be typed, ends the session, and logs done', async () => {
		const sleeper = await startSleeper();
		const plan = await prepareAction(db.sql, targetFor(), {action: 'terminate', pid: sleeper.pid});
		const statement = await expectedSql('terminate', sleeper.pid);
		expect(plan.steps.map(s => s.sql)).toEqual([statement]);
		expect(plan.destructive).toBe(true);
		expect(plan.confirmText).toBe(String(sleeper.pid));
		const result = await runPlan(targetFor(), plan);
		expect(result.outcome).toBe('done');
		// done means gone: terminate waits for the session to exit
		expect(await db.sql`select 1 from pg_stat_activity where pid = ${sleeper.pid}`).toHaveLength(0);
		expect(['57P01', 'CONNECTION_CLOSED']).toContain((await sleeper.done).code);
		expect(await lastLog('terminate')).toMatchObject({outcome: 'done', sql: `${statement};`});
		await sleeper.sql.end({timeout: 1});
	});

	it('a backend that is gone by the time it runs: failed, logged', async () => {
		const sleeper = await startSleeper();
		const plan = await prepareAction(db.sql, targetFor(), {action: 'terminate', pid: sleeper.pid});
		await stop(sleeper);
		await vi.waitFor(async () => expect(await db.sql`select 1 from pg_stat_activity where pid = ${sleeper.pid}`).toHaveLength(0), {timeout: 10_000, interval: 25});
		const result = await runPlan(targetFor(), plan);
		expect(result.outcome).toBe('failed');
		expect(result.error).toMatch(/not terminated: the session of pid \d+ had already ended/);
		expect(await lastLog('terminate')).toMatchObject({outcome: 'failed'});
	});
});

describe('privileges', () => {
	it('names what is needed: superuser for a superuser session, else the same role or pg_signal_backend', async () => {
		const operatorSql = db.connect({user: operator, max: 1});
		const superSleeper = await startSleeper();
		const workerSleeper = await startSleeper({user: worker});
		try {
			await expect(prepareAction(operatorSql, targetFor(operator), {action: 'cancel', pid: superSleeper.pid})).rejects.toThrow(/only a superuser can cancel pid \d+'s query/);
			const refused = prepareAction(operatorSql, targetFor(operator), {action: 'terminate', pid: workerSleeper.pid});
			await expect(refused).rejects.toBeInstanceOf(PrivilegeError);
			await expect(refused).rejects.toThrow(new RegExp(`needs superuser, the role "${worker}".*or membership in pg_signal_backend`));
			expect(await lastLog('terminate')).toMatchObject({outcome: 'refused', dbUser: operator});

			// With pg_signal_backend but without pg_read_all_stats the query is hidden: refused, nothing sent.
			await db.sql.unsafe(`grant pg_signal_backend to ${operator}`);
			await expect(prepareAction(operatorSql, targetFor(operator), {action: 'cancel', pid: workerSleeper.pid})).rejects.toThrow(/hidden from this role/);
			expect(await activeQuery(workerSleeper.pid)).toBe(true);

			await db.sql.unsafe(`grant pg_read_all_stats to ${operator}`);
			const plan = await prepareAction(operatorSql, targetFor(operator), {action: 'cancel', pid: workerSleeper.pid});
			expect((await runPlan(targetFor(operator), plan)).outcome).toBe('done');
			expect((await workerSleeper.done).code).toBe('57014');
		} finally {
			await stop(superSleeper);
			await stop(workerSleeper);
			await operatorSql.end({timeout: 1});
		}
	});
});

describe('evfleet maint cancel / terminate without a terminal', () => {
	it('an unknown pid: one clear line, exit 2', async () => {
		const run = await evfleet(['maint', 'cancel', '2147483000', '--yes']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/no backend with pid 2147483000/);
		expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
	});

	it('a pid that is not a number: exit 2', async () => {
		const run = await evfleet(['maint', 'terminate', '12x']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/invalid pid "12x"/);
	});

	it('refuses without --yes (exit 2); --dry-run prints the SQL; --yes cancels', async () => {
		const sleeper = await startSleeper();
		try {
			const refused = await evfleet(['maint', 'cancel', String(sleeper.pid)]);
			expect(refused.code).toBe(2);
			expect(refused.stderr).toMatch(/refusing to run a maintenance action without a terminal/);
			const dry = await evfleet(['maint', 'terminate', String(sleeper.pid), '--dry-run']);
			expect(dry.code).toBe(0);
			expect(dry.stdout).toContain(`${await expectedSql('terminate', sleeper.pid)};`);
			expect(dry.stdout).toContain('query: select pg_sleep($1)');
			expect(await activeQuery(sleeper.pid)).toBe(true);
			const run = await evfleet(['maint', 'cancel', String(sleeper.pid), '--yes', '--lock-timeout', '2s', '--statement-timeout', '10s']);
			expect(run.code).toBe(0);
			expect(run.stdout).toMatch(new RegExp(`done: evfleet maint cancel ${sleeper.pid}`));
			expect((await sleeper.done).code).toBe('57014');
		} finally {
			await stop(sleeper);
		}
	});
});
