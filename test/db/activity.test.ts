// Server activity against a real database: every backend (not only evfleet's), lock waits as a blocker tree with
// the right root, --all for the cluster, the sanitizer on plain output, and the single-flight refresh guard.
// Locks are held by open transactions and advisory locks; waits are observed by polling with a deadline.
import {inject} from 'vitest';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';
import {createActivitySource, readActivity} from '../../source/db/queries/activity.js';
import {buildBlockerTree, flattenBlockerTree} from '../../source/model/activity.js';
import {singleFlight} from '../../source/model/single-flight.js';
import {planSignal} from '../../source/db/maintenance/signal.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {holdTransaction as hold, waitUntilBlocked as waitBlocked, type HeldTransaction as Held} from '../helpers/locks.js';

let db: TestDatabase;

function evfleet(args: string[]) {
	return runCli(args, {env: {DATABASE_URL: db.url, NO_COLOR: '1'}});
}

const holdTransaction = (application: string, work: Parameters<typeof hold>[2]) => hold(db, application, work);
const waitUntilBlocked = (pid: number, by: number[]) => waitBlocked(db, pid, by);

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db.close();
});

describe('a lock chain of three backends', () => {
	let a: Held;
	let b: Held;
	let c: Held;
	const key = 917_001;

	beforeAll(async () => {
		// a holds fleets; b takes an advisory lock, then waits for fleets; c waits for b's advisory lock.
		a = await holdTransaction('psql', tx => tx`lock table fleets in exclusive mode`);
		b = await holdTransaction('chain-b', async tx => {
			await tx`select pg_advisory_xact_lock(${key})`;
			await tx`lock table fleets in exclusive mode`;
		});
		await waitUntilBlocked(b.pid, [a.pid]);
		c = await holdTransaction('chain-c', tx => tx`select pg_advisory_xact_lock(${key}) /* \u001B]0;pwned\u0007 */`);
		await waitUntilBlocked(c.pid, [b.pid]);
	});

	afterAll(async () => {
		await a.release();
		await b.release();
		await c.release();
	});

	it('shows as a tree under the right root, with the locked relation and mode', async () => {
		const snapshot = await readActivity(db.sql);
		const roots = buildBlockerTree(snapshot.backends);
		const root = roots.find(node => node.backend.pid === a.pid)!;
		expect(root).toBeDefined();
		expect(roots[0]!.backend.pid).toBe(a.pid);
		expect(root.blockedCount).toBe(2);
		expect(root.children.map(n => n.backend.pid)).toEqual([b.pid]);
		expect(root.children[0]!.children.map(n => n.backend.pid)).toEqual([c.pid]);
		const bRow = snapshot.backends.find(x => x.pid === b.pid)!;
		expect(bRow.lockWait).toEqual({lockType: 'relation', mode: 'ExclusiveLock', relation: 'public.fleets'});
		expect(bRow.waitEventType).toBe('Lock');
		expect(bRow.xactSeconds).toBeGreaterThanOrEqual(0);
		expect(snapshot.backends.find(x => x.pid === c.pid)!.lockWait).toMatchObject({lockType: 'advisory', mode: 'ExclusiveLock', relation: null});
		expect(snapshot.backends.find(x => x.pid === a.pid)).toMatchObject({application: 'psql', state: 'idle in transaction', blockedBy: [], lockWait: null});
	});

	it('keeps the microseconds of backend_start and query_start as the server wrote them', async () => {
		const snapshot = await readActivity(db.sql);
		const [server] = await db.sql<{backendStart: string; queryStart: string}[]>`
			select backend_start::text as backend_start, query_start::text as query_start from pg_stat_activity where pid = ${c.pid}`;
		const row = snapshot.backends.find(x => x.pid === c.pid)!;
		expect(row.backendStartText).toBe(server!.backendStart);
		expect(row.queryStartText).toBe(server!.queryStart);
	});

	it('`maint activity --json` prints the tree in order, exact query texts included', async () => {
		const result = await evfleet(['maint', 'activity', '--json']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const parsed = JSON.parse(result.stdout) as {scope: string; backends: Array<{pid: number; depth: number; parentPid: number | null; blockedCount: number; query: string; lockWait: unknown; backendStartText: string}>};
		expect(parsed.scope).toBe('database');
		const chain = parsed.backends.filter(x => [a.pid, b.pid, c.pid].includes(x.pid));
		expect(chain.map(x => [x.pid, x.depth, x.parentPid])).toEqual([[a.pid, 0, null], [b.pid, 1, a.pid], [c.pid, 2, b.pid]]);
		expect(parsed.backends[0]!.pid).toBe(a.pid);
		expect(chain[0]!.blockedCount).toBe(2);
		// JSON stays exact: the escape sequence in c's query is there, as JSON escapes.
		expect(chain[2]!.query).toContain('\u001B]0;pwned\u0007');
		expect(chain[2]!.backendStartText).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{1,6}\+00$/);
	});

	it('piped, prints one plain row per backend with depth and blockers, and no control character from a query', async () => {
		const result = await evfleet(['maint', 'activity', '--sort', 'blocked']);
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]!.split('\t').slice(0, 4)).toEqual(['depth', 'pid', 'blocked_by', 'blocks']);
		const byPid = new Map(lines.slice(1).map(line => [Number(line.split('\t')[1]), line.split('\t')]));
		expect(byPid.get(a.pid)!.slice(0, 4)).toEqual(['0', String(a.pid), '', '2']);
		expect(byPid.get(b.pid)!.slice(0, 3)).toEqual(['1', String(b.pid), String(a.pid)]);
		expect(byPid.get(c.pid)!.slice(0, 3)).toEqual(['2', String(c.pid), String(b.pid)]);
		expect(byPid.get(b.pid)!.join('\t')).toContain('ExclusiveLock public.fleets');
		expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
		expect(byPid.get(c.pid)!.at(-1)).toContain('\\x1b]0;pwned\\x07');
	});
});

describe('which backends are listed', () => {
	it('every client backend of this database, whatever its application_name, but not the reader itself', async () => {
		const psql = db.connect({max: 1, parameters: {application_name: 'psql'}});
		const nameless = db.connect({max: 1});
		try {
			const [p] = await psql<{pid: number}[]>`select pg_backend_pid() as pid`;
			const [n] = await nameless<{pid: number}[]>`select pg_backend_pid() as pid`;
			const [self] = await db.sql<{pid: number}[]>`select pg_backend_pid() as pid`;
			const snapshot = await readActivity(db.sql);
			expect(snapshot.backends.find(x => x.pid === p!.pid)).toMatchObject({application: 'psql', state: 'idle', database: db.name});
			expect(snapshot.backends.some(x => x.pid === n!.pid)).toBe(true);
			expect(snapshot.backends.some(x => x.pid === self!.pid)).toBe(false);
		} finally {
			await psql.end({timeout: 1});
			await nameless.end({timeout: 1});
		}
	});

	it('a backend of another database only with --all', async () => {
		const url = new URL(inject('adminUrl'));
		url.pathname = '/postgres';
		const other = createSql(parseConnectionUrl(url.toString(), 'test'), {max: 1, parameters: {application_name: 'other-db-psql'}});
		try {
			const [row] = await other<{pid: number}[]>`select pg_backend_pid() as pid`;
			expect((await readActivity(db.sql)).backends.some(x => x.pid === row!.pid)).toBe(false);
			const cluster = await readActivity(db.sql, {all: true});
			expect(cluster.scope).toBe('cluster');
			expect(cluster.backends.find(x => x.pid === row!.pid)).toMatchObject({database: 'postgres', application: 'other-db-psql'});
			const result = await evfleet(['maint', 'activity', '--all', '--json']);
			expect(result.code).toBe(0);
			expect((JSON.parse(result.stdout) as {backends: Array<{pid: number}>}).backends.some(x => x.pid === row!.pid)).toBe(true);
		} finally {
			await other.end({timeout: 1});
		}
	});

	it('--sort with an unknown order is refused with exit 2 before connecting', async () => {
		const result = await runCli(['maint', 'activity', '--sort', 'size'], {env: {DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none'}});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/invalid --sort "size"/);
	});
});

describe('the refresh guard', () => {
	it('a refresh hanging on a lock is joined, not started again: one waiting backend however often it is asked', async () => {
		const key = 917_002;
		const application = `evfleet guard ${process.pid}`;
		const holder = await holdTransaction('psql', tx => tx`select pg_advisory_xact_lock(${key})`);
		// Up to 4 connections: without the guard every ask would get a backend of its own and queue on the lock.
		const pool = db.connect({max: 4, parameters: {application_name: application}});
		const guard = singleFlight(() => pool`select pg_advisory_xact_lock(${key}) as locked`);
		try {
			const asks = [guard.run()];
			const waiting = async () => db.sql<{pid: number}[]>`select pid from pg_stat_activity where application_name = ${application} and wait_event_type = 'Lock'`;
			await vi.waitFor(async () => expect(await waiting()).toHaveLength(1), {timeout: 10_000, interval: 25});
			// The ticks and `r` presses that come while it hangs.
			for (let i = 0; i < 4; i++) asks.push(guard.run());
			expect(guard.started).toBe(1);
			expect(new Set(asks).size).toBe(1);
			const [count] = await db.sql<{n: number}[]>`select count(*)::int as n from pg_stat_activity where application_name = ${application}`;
			expect(count!.n).toBe(1);
			await holder.release();
			await Promise.all(asks);
			expect(guard.running).toBe(false);
		} finally {
			await holder.release();
			await pool.end({timeout: 1});
		}
	});

	it('the activity source joins a snapshot that is still being read', async () => {
		const source = createActivitySource(db.sql);
		const first = source.snapshot();
		const second = source.snapshot();
		expect(second).toBe(first);
		const cluster = source.snapshot({all: true});
		expect(cluster).not.toBe(first);
		const [a, c] = await Promise.all([first, cluster]);
		expect(a.scope).toBe('database');
		expect(c.scope).toBe('cluster');
		expect(source.snapshot()).not.toBe(first);
	});
});

describe('the blocker tree from a real snapshot', () => {
	it('with nothing waiting, every backend is a root', async () => {
		const idle = db.connect({max: 1, parameters: {application_name: 'psql'}});
		try {
			await idle`select 1`;
			const lines = flattenBlockerTree(buildBlockerTree((await readActivity(db.sql)).backends));
			expect(lines.length).toBeGreaterThan(0);
			expect(lines.every(line => line.depth === 0)).toBe(true);
		} finally {
			await idle.end({timeout: 1});
		}
	});
});

describe('cancel and terminate from a snapshot', () => {
	it('plan on the session and query the snapshot showed, and refuse once the backend moved on', async () => {
		const key = 917_003;
		const holder = await holdTransaction('psql', tx => tx`select pg_advisory_xact_lock(${key})`);
		const waiter = db.connect({max: 1, parameters: {application_name: 'psql'}});
		try {
			const [w] = await waiter<{pid: number}[]>`select pg_backend_pid() as pid`;
			const first = waiter`select pg_advisory_xact_lock(${key})`.execute().then(() => undefined, (error: {code?: string}) => error.code);
			await waitUntilBlocked(w!.pid, [holder.pid]);
			const shown = (await readActivity(db.sql)).backends.find(b => b.pid === w!.pid)!;
			const expect_ = {backendStartText: shown.backendStartText, queryStartText: shown.queryStartText};
			const plan = await planSignal(db.sql, {pid: w!.pid, verb: 'cancel', expect: expect_});
			expect(plan.steps[0]!.sql).toContain(`query_start = '${shown.queryStartText}'`);
			await expect(planSignal(db.sql, {pid: w!.pid, verb: 'terminate', expect: {backendStartText: '2000-01-01 00:00:00.000001+00'}})).rejects.toThrow(/it is now another session than the one shown/);
			// The query shown ends and the same session starts another one: cancel refuses, terminate still may.
			await db.sql`select pg_cancel_backend(${w!.pid})`;
			expect(await first).toBe('57014');
			const second = waiter`select pg_advisory_xact_lock(${key})`.execute().then(() => undefined, (error: {code?: string}) => error.code);
			await waitUntilBlocked(w!.pid, [holder.pid]);
			await expect(planSignal(db.sql, {pid: w!.pid, verb: 'cancel', expect: expect_})).rejects.toThrow(/runs another query than the one shown/);
			expect((await planSignal(db.sql, {pid: w!.pid, verb: 'terminate', expect: expect_})).action).toBe('terminate');
			await holder.release();
			expect(await second).toBeUndefined();
		} finally {
			await holder.release();
			await waiter.end({timeout: 1});
		}
	});
});
