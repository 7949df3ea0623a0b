// Through a real PgBouncer in transaction pooling with ONE server connection (default_pool_size = 1): tenants
// never see each other's rows, no setting survives a transaction, and the console's paths work through it.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import postgres from 'postgres';
import {connect, createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {listVehicles} from '../../source/db/queries/vehicles.js';
import {openBrowse, openScoped} from '../../source/db/scope.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCliInPty} from '../helpers/pty.js';
import {startPgbouncer, type Pooler} from '../helpers/scale-out.js';
import {fleet, organization, vehicle} from './browse-fixtures.js';

let db: TestDatabase;
let pooler: Pooler;
let pooledUrl: string;
const orgs: Record<'a' | 'b', {id: string; slug: string; vins: string[]}> = {a: {id: '', slug: '', vins: []}, b: {id: '', slug: '', vins: []}};

beforeAll(async () => {
	db = await createTestDatabase();
	pooler = await startPgbouncer({poolSize: 1});
	pooledUrl = pooler.through(db.url, {pooler: 'transaction'});
	for (const key of ['a', 'b'] as const) {
		const org = await organization(db.sql, {slug: `tenant-${key}`});
		const f = await fleet(db.sql, org.id);
		const vehicles = [await vehicle(db.sql, {organizationId: org.id, fleetId: f.id}), await vehicle(db.sql, {organizationId: org.id, fleetId: f.id})];
		orgs[key] = {id: org.id, slug: org.slug, vins: vehicles.map(v => v.vin).sort()};
	}
});

afterAll(async () => {
	await pooler?.stop();
	await db?.close();
});

const pooledTarget = () => parseConnectionUrl(pooledUrl, '--url');

async function backendPid(sql: Sql): Promise<number> {
	const [row] = await sql<{pid: number}[]>`select pg_backend_pid() as pid`;
	return row!.pid;
}

describe('why the organization is never session state', () => {
	it('a startup parameter is refused by PgBouncer (what evfleet sent before)', async () => {
		const old = postgres(pooledUrl.replace(/\?.*$/, ''), {max: 1, prepare: false, connection: {[`app.current_org_id`]: orgs.a.id}, onnotice: () => {}});
		await expect(old`select 1`).rejects.toThrow(/unsupported startup parameter/);
		await old.end({timeout: 1});
	});

	it('a session-level SET through the pooler reaches the next client of the same server connection', async () => {
		const first = createSql(pooledTarget(), {max: 1});
		const second = createSql(pooledTarget(), {max: 1});
		try {
			await first.unsafe(`set app.current_org_id = '${orgs.a.id}'`);
			const [row] = await second<{org: string | null}[]>`select current_setting('app.current_org_id', true) as org`;
			expect(row!.org).toBe(orgs.a.id);
			await first.unsafe('reset app.current_org_id');
		} finally {
			await Promise.all([first.end({timeout: 1}), second.end({timeout: 1})]);
		}
	});
});

describe('two tenants through one pooled server connection', () => {
	it('share the server connection and never see each other\'s rows, interleaved', async () => {
		const a = await openScoped(pooledTarget(), orgs.a.slug, {max: 2}, {readOnly: true});
		const b = await openScoped(pooledTarget(), orgs.b.slug, {max: 2}, {readOnly: true});
		try {
			expect(await backendPid(a.sql)).toBe(await backendPid(b.sql));
			for (let round = 0; round < 10; round++) {
				const [pageA, pageB, pageA2, pageB2] = await Promise.all([
					listVehicles(a.sql, {limit: 50}),
					listVehicles(b.sql, {limit: 50}),
					listVehicles(a.sql, {limit: 50}),
					listVehicles(b.sql, {limit: 50}),
				]);
				expect(pageA.rows.map(v => v.vin).sort()).toEqual(orgs.a.vins);
				expect(pageA2.rows.map(v => v.vin).sort()).toEqual(orgs.a.vins);
				expect(pageB.rows.map(v => v.vin).sort()).toEqual(orgs.b.vins);
				expect(pageB2.rows.map(v => v.vin).sort()).toEqual(orgs.b.vins);
			}
		} finally {
			await Promise.all([a.sql.end({timeout: 1}), b.sql.end({timeout: 1})]);
		}
	});

	it('leaves no organization, role or read-only mode on the server connection after a scoped transaction', async () => {
		const a = await openScoped(pooledTarget(), orgs.a.slug, {max: 1}, {readOnly: true});
		const plain = createSql(pooledTarget(), {max: 1});
		try {
			expect((await listVehicles(a.sql, {limit: 5})).rows.length).toBe(2);
			const [row] = await plain<{org: string | null; role: string; readOnly: string; pid: number}[]>`
				select current_setting('app.current_org_id', true) as org, current_user as role,
				       current_setting('transaction_read_only') as read_only, pg_backend_pid() as pid`;
			expect(row).toMatchObject({org: expect.toSatisfy((v: string | null) => v === null || v === ''), role: 'postgres', readOnly: 'off'});
			expect(row!.pid).toBe(await backendPid(a.sql));
		} finally {
			await Promise.all([a.sql.end({timeout: 1}), plain.end({timeout: 1})]);
		}
	});

	it('browses unscoped through the pooler in read-only transactions', async () => {
		const browse = await openBrowse(pooledTarget(), undefined, {max: 1});
		try {
			await expect(browse.sql`insert into organizations (name, slug) values ('x', 'x-ro')`).rejects.toMatchObject({code: '25006'});
			expect((await listVehicles(browse.sql, {limit: 50})).rows.length).toBe(4);
		} finally {
			await browse.sql.end({timeout: 1});
		}
	});

	it('connects through port-detected and URL-declared poolers without prepared statements', async () => {
		const sql = await connect(pooledTarget(), {max: 1});
		try {
			// A named prepared statement would be missing on the next transaction's server connection: none is created.
			await sql`select 1`;
			await sql`select 1`;
			const [row] = await sql<{prepared: number}[]>`select count(*) as prepared from pg_prepared_statements`;
			expect(row!.prepared).toBe(0);
		} finally {
			await sql.end({timeout: 1});
		}
	});
});

describe('the console commands through PgBouncer', () => {
	const cli = (...args: string[]) => runCli([...args, '--url', pooledUrl]);
	/** Exit 0 and no error line (progress and summaries on stderr are fine). */
	const outcome = (args: string[], result: {code: number | null; stderr: string}) => ({args, code: result.code, error: result.stderr.split('\n').filter(line => line.startsWith('evfleet:'))});
	const ok = (args: string[]) => ({args, code: 0, error: []});

	it('orgs, fleets, vehicles, users, vehicle, battery, energy scoped to one tenant', async () => {
		const orgsList = await cli('orgs', '--json');
		expect(orgsList.stderr).toBe('');
		expect(orgsList.code).toBe(0);
		expect(orgsList.stdout).toContain(orgs.a.slug);
		const vehicles = await cli('vehicles', '--org', orgs.b.slug, '--json');
		expect(vehicles.code).toBe(0);
		const vins = (JSON.parse(vehicles.stdout) as Array<{vin: string}>).map(v => v.vin).sort();
		expect(vins).toEqual(orgs.b.vins);
		for (const args of [['fleets', '--org', orgs.a.slug], ['users', '--org', orgs.a.slug], ['vehicle', orgs.a.vins[0]!, '--org', orgs.a.slug], ['battery', '--org', orgs.a.slug], ['energy', '--org', orgs.a.slug]]) {
			expect(outcome(args, await cli(...args))).toEqual(ok(args));
		}
		const other = await cli('vehicle', orgs.a.vins[0]!, '--org', orgs.b.slug);
		expect(other.code).toBe(2);
	}, 120_000);

	it('watch --once, maint status, maint log, db status', async () => {
		for (const args of [['watch', 'vehicles', '--once', '--org', orgs.a.slug], ['watch', 'charging', '--once'], ['watch', 'routes', '--once'], ['maint', 'status'], ['maint', 'log'], ['db', 'status']]) {
			expect(outcome(args, await cli(...args))).toEqual(ok(args));
		}
	}, 120_000);

	it('the simulator runs its ticks through the pooler', async () => {
		const result = await cli('simulate', '--ticks', '2', '--tick', '100ms');
		expect(result.stderr).not.toMatch(/failed/);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/tick 2/);
	}, 60_000);

	it('maintenance that needs a session asks for a direct URL, and runs with --direct-url', async () => {
		const refused = await cli('maint', 'analyze', 'vehicles', '--yes');
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/transaction pooler/);
		expect(refused.stderr).toMatch(/--direct-url/);
		const args = ['maint', 'analyze', 'vehicles', '--yes', '--url', pooledUrl, '--direct-url', db.url];
		expect(outcome(args, await runCli(args))).toEqual(ok(args));
	}, 60_000);

	it('the interactive console browses and opens the live view through the pooler', async () => {
		const run = runCliInPty(['--url', pooledUrl, '--org', orgs.a.slug, '--view', 'live']);
		try {
			await run.waitFor(text => text.includes('Live vehicles') && text.includes('updated'));
			run.write(':vehicles\r');
			await run.waitFor(text => text.includes(orgs.a.vins[0]!));
			expect(run.output()).not.toContain(orgs.b.vins[0]!);
			run.write('q');
			expect(await run.exited).toBe(0);
		} finally {
			run.kill();
		}
	}, 60_000);
});
