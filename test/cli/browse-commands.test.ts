// evfleet orgs / fleets / users / vehicles / vehicle as a script uses them: real process, stdout a pipe, real database.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {spawn} from 'node:child_process';
import {cliCommand, cliEnv, runCli} from '../helpers/cli.js';
import * as fixture from '../db/browse-fixtures.js';

let db: TestDatabase;
let env: Record<string, string | undefined>;
let reporting: fixture.VehicleFixture;
let other: fixture.VehicleFixture;

const ansi = /\u001B\[/;

beforeAll(async () => {
	db = await createTestDatabase();
	const acme = await fixture.organization(db.sql, {slug: 'acme', name: 'Acme'});
	const globex = await fixture.organization(db.sql, {slug: 'globex', name: 'Globex'});
	const berlin = await fixture.fleet(db.sql, acme.id, {name: 'Berlin'});
	const paris = await fixture.fleet(db.sql, globex.id, {name: 'Paris'});
	reporting = await fixture.vehicle(db.sql, {organizationId: acme.id, fleetId: berlin.id}, {vin: 'WVWZZZ1KZAW000101', plate: 'B-EV 101'});
	await fixture.vehicle(db.sql, {organizationId: acme.id, fleetId: berlin.id}, {vin: 'WVWZZZ1KZAW000102', plate: 'B-EV 102', status: 'maintenance'});
	other = await fixture.vehicle(db.sql, {organizationId: globex.id, fleetId: paris.id}, {vin: 'VF1RFA00X60000201', plate: 'GB-201-XY', make: 'Renault', model: 'Megane E-Tech'});
	const end = new Date(Date.now() - 60_000);
	// 10 reports a minute apart, a 41-minute silence, then 5 more
	await fixture.telematics(db.sql, reporting, [
		...fixture.series(5, end, 60),
		...fixture.series(10, new Date(end.getTime() - 45 * 60_000), 60),
	]);
	await db.sql`insert into users (organization_id, email, full_name, last_login_at) values (${acme.id}, 'ann@acme.example', 'Ann Example', '2026-11-20T10:00:00Z')`;
	env = {DATABASE_URL: db.url};
});

afterAll(async () => {
	await db?.close();
});

function tsv(text: string): string[][] {
	return text.replace(/\n+$/, '').split('\n').map(line => line.split('\t'));
}

describe('evfleet vehicles', () => {
	it('--json is one document of typed rows that matches the piped table', async () => {
		const [json, table] = await Promise.all([runCli(['vehicles', '--json'], {env}), runCli(['vehicles'], {env})]);
		expect(json.code).toBe(0);
		expect(table.code).toBe(0);
		const rows = JSON.parse(json.stdout) as Array<{vin: string; socPct: number | null; lastSeenAt: string | null; status: string; fleetName: string}>;
		const [header, ...lines] = tsv(table.stdout);
		expect(header).toEqual(['VIN', 'plate', 'model', 'status', 'SoC', 'conn', 'last seen', 'location', 'fleet', 'organization']);
		expect(lines.map(line => line[0])).toEqual(rows.map(row => row.vin));
		expect(rows.map(row => row.vin)).toEqual(['VF1RFA00X60000201', 'WVWZZZ1KZAW000101', 'WVWZZZ1KZAW000102']);
		const first = rows[1]!;
		expect(typeof first.socPct).toBe('number');
		expect(first.lastSeenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(lines[1]).toEqual(['WVWZZZ1KZAW000101', 'B-EV 101', 'Volkswagen ID.4', 'active', `${Math.round(first.socPct!)}%`, 'online', first.lastSeenAt, expect.stringMatching(/km E of depot$/), 'Berlin', 'Acme']);
	});

	it('stops quietly with 0 when the reader closes the pipe early (`| head`)', async () => {
		const [command, argv] = cliCommand(['vehicles', '--csv']);
		const child = spawn(command, argv, {env: {...process.env, ...cliEnv(db.url)}, stdio: ['ignore', 'pipe', 'pipe']});
		// The reader goes away before a row is written, as `head` does after its lines.
		child.stdout.destroy();
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		const code = await new Promise<number | null>(resolve => child.on('close', resolve));
		expect(stderr).not.toMatch(/EPIPE|Error/);
		expect(code).toBe(0);
	});

	it('piped output has no color codes, even with a color-loving TERM', async () => {
		const result = await runCli(['vehicles', '--status', 'maintenance'], {env: {...env, TERM: 'xterm-256color'}});
		expect(result.code).toBe(0);
		expect(result.stdout).not.toMatch(ansi);
		expect(tsv(result.stdout).slice(1).map(line => line[0])).toEqual(['WVWZZZ1KZAW000102']);
	});

	it('--org shows only that organization (row-level security)', async () => {
		const result = await runCli(['vehicles', '--org', 'globex', '--json'], {env});
		expect(result.code).toBe(0);
		expect((JSON.parse(result.stdout) as Array<{vin: string}>).map(row => row.vin)).toEqual([other.vin]);
	});

	it('--search takes a VIN prefix or a model, --csv prints CSV', async () => {
		const byVin = await runCli(['vehicles', '--search', 'wvwzzz1kzaw00010', '--csv'], {env});
		expect(byVin.stdout.split('\n')[0]).toBe('vin,plate,model,status,socPct,connectivity,lastSeenAt,location,fleetName,organizationName');
		expect(byVin.stdout.trim().split('\n')).toHaveLength(3);
		const byModel = await runCli(['vehicles', '--search', 'megane', '--json'], {env});
		expect((JSON.parse(byModel.stdout) as Array<{vin: string}>).map(row => row.vin)).toEqual([other.vin]);
	});

	it('an unknown --org exits 2 with close matches', async () => {
		const result = await runCli(['vehicles', '--org', 'acmee'], {env});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('no organization "acmee"');
		expect(result.stderr).toContain('acme');
	});
});

describe('evfleet vehicle', () => {
	it('finds a vehicle by plate and shows its telematics with the silence marked', async () => {
		const result = await runCli(['vehicle', 'b-ev 101', '--telematics', '--limit', '8'], {env});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('WVWZZZ1KZAW000101');
		expect(result.stdout).toMatch(/^location\t.*km E of depot/m);
		const history = result.stdout.split('\n\n')[1]!;
		const [header, ...lines] = tsv(history);
		expect(header).toEqual(['recorded at', 'SoC', 'km/h', 'kW', '°C', 'position', 'odometer', 'gap']);
		expect(lines).toHaveLength(8);
		expect(lines.map(line => line[7])).toEqual(['', '', '', '', '', '41m silent after', '', '']);
		expect(result.stderr).toContain('showing 8 of 15');
	});

	it('--json has the detail and the history as numbers and ISO timestamps', async () => {
		const result = await runCli(['vehicle', reporting.id, '--since', '10m', '--json'], {env});
		expect(result.code).toBe(0);
		const doc = JSON.parse(result.stdout) as {vehicle: {vin: string}; state: {socPct: number}; telematics: {rows: Array<{recordedAt: string; socPct: number}>; total: number}};
		expect(doc.vehicle.vin).toBe(reporting.vin);
		expect(typeof doc.state.socPct).toBe('number');
		expect(doc.telematics.rows).toHaveLength(5);
		expect(doc.telematics.total).toBe(5);
		expect(doc.telematics.rows[0]!.recordedAt).toMatch(/Z$/);
	});

	it('an unknown VIN exits 2 and suggests the close ones', async () => {
		const result = await runCli(['vehicle', 'WVWZZZ1KZAW000109'], {env});
		expect(result.code).toBe(2);
		const lines = result.stderr.trim().split('\n');
		expect(lines[0]).toBe('evfleet: no vehicle with VIN, plate or id "WVWZZZ1KZAW000109"');
		expect(lines[1]).toMatch(/did you mean: WVWZZZ1KZAW000101 \(B-EV 101\), WVWZZZ1KZAW000102/);
		expect(lines).toHaveLength(2);
	});

	it('a vehicle of another organization is unknown under --org', async () => {
		const result = await runCli(['vehicle', other.vin, '--org', 'acme'], {env});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('in organization acme');
	});

	it('a bad --since exits 2 and says which formats work', async () => {
		const result = await runCli(['vehicle', reporting.vin, '--since', 'yesterday'], {env});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('invalid --since "yesterday"');
		expect(result.stderr).toContain('2h');
		expect(result.stderr).toContain('2026-11-20 14:00');
	});
});

describe('evfleet orgs, fleets, users', () => {
	it('orgs lists organizations with their counts', async () => {
		const result = await runCli(['orgs', '--json'], {env});
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual([
			expect.objectContaining({slug: 'acme', fleets: 1, vehicles: 2, onlineNow: 1, users: 1}),
			expect.objectContaining({slug: 'globex', fleets: 1, vehicles: 1, onlineNow: 0, users: 0}),
		]);
	});

	it('fleets --org lists that organization only', async () => {
		const result = await runCli(['fleets', '--org', 'acme'], {env});
		expect(result.code).toBe(0);
		expect(tsv(result.stdout)).toEqual([
			['fleet', 'depot', 'vehicles', 'by status', 'avg SoC', 'online'],
			['Berlin', 'Depot street 1', '2', 'active 1, maintenance 1', expect.stringMatching(/^\d+%$/), '50%'],
		]);
	});

	it('users needs --org, and lists who to call', async () => {
		const missing = await runCli(['users'], {env});
		expect(missing.code).toBe(2);
		const result = await runCli(['users', '--org', 'acme'], {env});
		expect(tsv(result.stdout)[1]).toEqual(['Ann Example', 'ann@acme.example', '', '', 'active', '2026-11-20T10:00:00.000Z']);
	});
});
