// Issue 16.5/16.6 attacked from the database side: a login writes escape sequences (OSC retitle, CSI clear and
// cursor-up, C1 CSI, BEL, bidi override, newlines) into names, the audit log (through evfleet_log_refusal, whose
// os_user/client_host the caller chooses) and its own query text (pg_stat_activity). Every plain output must show
// them as visible text (`\x1b`), never emit the bytes; --json must keep them exact.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCli} from '../helpers/cli.js';
import {holdTransaction, waitUntilBlocked, type HeldTransaction} from '../helpers/locks.js';
import * as fixture from '../db/browse-fixtures.js';

/** Retitles the window, clears the screen, moves up a line, a C1 CSI, a bidi override and a forged line. */
const evil = (what: string) => `${what}\u001B]0;pwned\u0007\u001B[2J\u001B[1A\u009B31m\u202Eevil\nforged: all good`;
const raw = /[\u001B\u009B\u0007\u202E]/;

let db: TestDatabase;
let env: Record<string, string | undefined>;
let orgId: string;
let vehicleVin: string;
const suffix = randomBytes(3).toString('hex');
const reader = `inject_reader_${suffix}`;
const lockKey = 4_216_000 + Number.parseInt(suffix, 16) % 1000;
let holder: HeldTransaction;
let hostile: Sql;
let hostilePid: number;
let hostileQuery: Promise<unknown>;

/** What every plain output must satisfy: no raw control bytes, the sequences visible. */
function expectVisible(text: string, ...markers: string[]) {
	expect(text).not.toMatch(raw);
	expect(text).toContain('\\x1b]0;pwned\\x07\\x1b[2J\\x1b[1A\\x9b31m\\u202eevil');
	expect(text).not.toMatch(/\nforged: all good/);
	for (const marker of markers) expect(text).toContain(marker);
}

beforeAll(async () => {
	db = await createTestDatabase();
	const org = await fixture.organization(db.sql, {name: evil('Org')});
	orgId = org.id;
	const fleet = await fixture.fleet(db.sql, org.id, {name: evil('Fleet')});
	const v = await fixture.vehicle(db.sql, {organizationId: org.id, fleetId: fleet.id}, {make: evil('Make'), model: 'X', plate: evil('Plate')});
	vehicleVin = v.vin;
	await fixture.telematics(db.sql, v, fixture.series(3, new Date(Date.now() - 60_000), 60));
	await db.sql`insert into users (organization_id, email, full_name) values (${org.id}, 'mallory@example.com', ${evil('User')})`;
	await db.sql.unsafe(`create role ${reader} login; grant evfleet_reader to ${reader}`);

	// The reader audits a "refusal" whose every free-text field is an attack.
	const asReader = db.connect({user: reader, max: 1});
	await asReader`select evfleet_log_refusal('vacuum', ${evil('target')}, ${evil('select 1')}, ${evil('error')}, ${evil('osuser')}, ${evil('host')})`;
	await asReader.end();

	// A hostile backend whose query text is the attack, held (not slept) on an advisory lock the test owns.
	// (A transaction, not a session lock: the pool's idle timeout would close an idle holder and let it go.)
	holder = await holdTransaction(db, 'inject-holder', tx => tx`select pg_advisory_xact_lock(${lockKey})`);
	hostile = db.connect({user: reader, max: 1});
	const [row] = await hostile<{pid: number}[]>`select pg_backend_pid() as pid`;
	hostilePid = row!.pid;
	hostileQuery = hostile.unsafe(`select pg_advisory_xact_lock(${lockKey}) /* ${evil('query')} */`).catch((error: unknown) => error);
	await waitUntilBlocked(db, hostilePid, [holder.pid]);

	env = {DATABASE_URL: db.url, COLUMNS: '400'};
});

afterAll(async () => {
	await holder?.release();
	await hostileQuery;
	await hostile?.end({timeout: 1}).catch(() => {});
	await db?.close();
	const url = new URL(db.url);
	url.pathname = '/postgres';
	const cluster = createSql(parseConnectionUrl(url.toString(), 'test'), {max: 1});
	await cluster.unsafe(`drop role if exists ${reader}`).catch(() => {});
	await cluster.end();
});

describe('escape sequences from names reach plain output as visible text', () => {
	it.each([
		['orgs', ['orgs'], 'Org'],
		['fleets', ['fleets'], 'Fleet'],
		['vehicles', ['vehicles'], 'Make'],
		['users', ['users', '--org', '<org>'], 'User'],
	])('%s', async (_name, args, marker) => {
		const result = await runCli(args.map(arg => (arg === '<org>' ? orgId : arg)), {env});
		expect(result.code, result.stderr).toBe(0);
		expectVisible(result.stdout, marker);
	});

	it('vehicle <VIN> (fields and telematics)', async () => {
		const result = await runCli(['vehicle', vehicleVin, '--telematics'], {env});
		expect(result.code, result.stderr).toBe(0);
		expectVisible(result.stdout, 'Make', 'Org', 'Fleet');
	});

	it('watch vehicles --once', async () => {
		const result = await runCli(['watch', 'vehicles', '--once'], {env});
		expect(result.code, result.stderr).toBe(0);
		expectVisible(result.stdout, 'Plate');
	});

	it('battery and energy reports', async () => {
		for (const command of ['battery', 'energy']) {
			const result = await runCli([command, '--org', orgId, '--months', '3'], {env});
			expect(result.code, `${command}: ${result.stderr}`).toBe(0);
			expect(result.stdout + result.stderr, command).not.toMatch(raw);
		}
	});

	it('--json keeps the names exact', async () => {
		const [orgs, vehicles] = await Promise.all([runCli(['orgs', '--json'], {env}), runCli(['vehicles', '--json'], {env})]);
		expect((JSON.parse(orgs.stdout) as Array<{name: string}>).map(o => o.name)).toContain(evil('Org'));
		expect((JSON.parse(vehicles.stdout) as Array<{model: string; make?: string}>).some(row => JSON.stringify(row).includes(JSON.stringify(evil('Make')).slice(1, -1)))).toBe(true);
	});
});

describe('escape sequences from the audit log (evfleet_log_refusal by a reader)', () => {
	it('maint log --sql shows claimed os_user, client_host, target, error and SQL visibly', async () => {
		const result = await runCli(['maint', 'log', '--sql'], {env});
		expect(result.code, result.stderr).toBe(0);
		expectVisible(result.stdout, 'osuser', 'host', 'target', 'error', 'select 1');
	});

	it('maint log --json keeps them exact', async () => {
		const result = await runCli(['maint', 'log', '--json'], {env});
		const [row] = JSON.parse(result.stdout) as Array<{osUser: string; clientHost: string; error: string; sql: string; target: string}>;
		expect(row).toMatchObject({osUser: evil('osuser'), clientHost: evil('host'), error: evil('error'), sql: evil('select 1'), target: evil('target')});
	});

	it('maint log prints the server\'s view (the real login and its address) beside the forged claim', async () => {
		const [server] = await db.sql<Array<{addr: string | null}>>`select host(server_client_addr) as addr from maintenance_log where server_user = ${reader}`;
		const from = server!.addr ?? 'local';
		const result = await runCli(['maint', 'log'], {env});
		expect(result.code, result.stderr).toBe(0);
		const [head, ...lines] = result.stdout.split('\n');
		const columns = head!.split('\t');
		const row = lines.find(line => line.includes('osuser'))!.split('\t');
		expect(row[columns.indexOf('login@address (server)')]).toBe(`${reader}@${from}`);
		expect(row[columns.indexOf('os user@host (claimed)')]).toMatch(/^osuser\\x1b.*@host\\x1b/);
		const json = await runCli(['maint', 'log', '--json'], {env});
		const [entry] = JSON.parse(json.stdout) as Array<{serverUser: string; serverClientAddr: string | null; osUser: string}>;
		expect(entry).toMatchObject({serverUser: reader, serverClientAddr: server!.addr, osUser: evil('osuser')});
	});
});

describe('escape sequences in a hostile login\'s query text (pg_stat_activity)', () => {
	it('maint activity shows it visibly, one line', async () => {
		const result = await runCli(['maint', 'activity'], {env});
		expect(result.code, result.stderr).toBe(0);
		expectVisible(result.stdout, 'query');
	});

	it('maint activity --json keeps it exact', async () => {
		const result = await runCli(['maint', 'activity', '--json'], {env});
		const {backends} = JSON.parse(result.stdout) as {backends: Array<{pid: number; query: string}>};
		expect(backends.find(b => b.pid === hostilePid)?.query).toBe(`select pg_advisory_xact_lock(${lockKey}) /* ${evil('query')} */`);
	});

	it.each(['cancel', 'terminate'])('maint %s --dry-run shows the plan visibly', async verb => {
		const result = await runCli(['maint', verb, String(hostilePid), '--dry-run'], {env});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout + result.stderr).not.toMatch(raw);
		expect(result.stdout).toContain('\\x1b]0;pwned');
	});

	it('maint status does not emit it', async () => {
		const result = await runCli(['maint', 'status'], {env});
		expect(result.stdout + result.stderr).not.toMatch(raw);
	});
});
