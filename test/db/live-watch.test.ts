import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {Refresher} from '../../source/app/refresh.js';
import {liveVehiclesSource} from '../../source/db/sources/live.js';
import type {Sql} from '../../source/db/connection.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCli} from '../helpers/cli.js';
import {fleet, organization, report, vehicle} from './live-fixtures.js';

let db: TestDatabase;
let org: string;

beforeAll(async () => {
	db = await createTestDatabase();
	org = await organization(db.sql, 'watch-live');
	const fleetId = await fleet(db.sql, org, 'Watch depot');
	for (const [plate, soc, secondsAgo] of [['W 1', 64, 3], ['W 2', 12, 3], ['W 3', 80, 4000]] as const) {
		const v = await vehicle(db.sql, org, fleetId, {plate});
		await report(db.sql, org, v.id, {soc, secondsAgo});
	}
});

afterAll(async () => {
	await db?.close();
});

async function backendPids(sql: Sql): Promise<number[]> {
	const rows = await sql<{pid: number}[]>`select pid from pg_stat_activity where datname = current_database() and application_name = 'evfleet_watch_test'`;
	return rows.map(row => row.pid);
}

describe('a watch against the real database', () => {
	it('survives its backend being terminated: the next refresh succeeds on a new connection', async () => {
		const watched = db.connect({max: 1, parameters: {application_name: 'evfleet_watch_test'}});
		const refresher = new Refresher({load: () => liveVehiclesSource(watched).snapshot({limit: 10}), intervalMs: 500});
		const errors: Array<{connectionLost: boolean}> = [];
		refresher.subscribe(() => {
			if (refresher.state.error) errors.push({connectionLost: refresher.state.connectionLost});
		});
		try {
			refresher.start();
			await vi.waitFor(() => expect(refresher.state.generation).toBeGreaterThanOrEqual(1), {timeout: 10_000});
			const [pid] = await backendPids(db.sql);
			expect(pid).toBeTypeOf('number');
			const [terminated] = await db.sql<{ok: boolean}[]>`select pg_terminate_backend(${pid!}) as ok`;
			expect(terminated!.ok).toBe(true);
			const generation = refresher.state.generation;
			// Backoff starts at 1 s: recovery takes a few seconds at most.
			await vi.waitFor(
				async () => {
					expect(refresher.state.generation).toBeGreaterThan(generation + 1);
					expect(refresher.state.error).toBeUndefined();
				},
				{timeout: 15_000, interval: 100},
			);
			const [newPid] = await backendPids(db.sql);
			expect(newPid).not.toBe(pid);
			// Whatever failed in between was recognised as a lost connection, not a broken query.
			expect(errors.every(error => error.connectionLost)).toBe(true);
			expect(refresher.state.data?.rows.map(row => row.plate)).toEqual(['W 3', 'W 2', 'W 1']);
		} finally {
			refresher.stop();
		}
	});

	// Each CLI run starts a process (tsx from source): generous timeouts for a loaded machine.
	it('--once --json prints one parseable snapshot, the same twice when nothing moved', {timeout: 120_000}, async () => {
		const first = await runCli(['watch', 'vehicles', '--url', db.url, '--once', '--json']);
		expect(first.stderr).toBe('');
		expect(first.code).toBe(0);
		const a = JSON.parse(first.stdout) as {at: string; counts: unknown; rows: Array<Record<string, unknown>>};
		expect(a.counts).toEqual({vehicles: 3, matching: 3, byStatus: {active: 3, charging: 0, idle: 0, maintenance: 0, offline: 0}, byConnectivity: {online: 2, stale: 0, offline: 1}});
		expect(a.rows.map(row => row['plate'])).toEqual(['W 3', 'W 2', 'W 1']);
		expect(Object.keys(a.rows[0]!)).toEqual(['id', 'vin', 'plate', 'make', 'model', 'fleetId', 'fleetName', 'organizationId', 'status', 'connectivity', 'attention', 'lastSeenAt', 'socPct', 'speedKmh', 'powerKw', 'packTempC', 'headingDeg', 'latitude', 'longitude']);
		expect(new Date(a.rows[0]!['lastSeenAt'] as string).toISOString()).toBe(a.rows[0]!['lastSeenAt']);
		const second = JSON.parse((await runCli(['watch', 'vehicles', '--url', db.url, '--once', '--json'])).stdout) as typeof a;
		expect({...second, at: null}).toEqual({...a, at: null});
	});

	it('--once --json works for charging and routes too', {timeout: 120_000}, async () => {
		const charging = await runCli(['watch', 'charging', '--url', db.url, '--once', '--json', '--near', '30.0444,31.2357', '--radius', '5']);
		expect(charging.code).toBe(0);
		expect(Object.keys(JSON.parse(charging.stdout))).toEqual(['at', 'summary', 'sessions', 'stations']);
		const routes = await runCli(['watch', 'routes', '--url', db.url, '--once', '--json']);
		expect(routes.code).toBe(0);
		expect(JSON.parse(routes.stdout)).toMatchObject({summary: {inProgress: 0, late: 0, cannotFinish: 0}, rows: []});
	});

	it('refuses to watch without a terminal, and bad options, with exit code 2', {timeout: 180_000}, async () => {
		const noTerminal = await runCli(['watch', 'vehicles', '--url', db.url]);
		expect(noTerminal.code).toBe(2);
		expect(noTerminal.stderr).toContain('use --once');
		const fast = await runCli(['watch', 'routes', '--url', db.url, '--once', '--interval', '100ms']);
		expect(fast.code).toBe(2);
		expect(fast.stderr).toContain('shortest interval is 0.5 s');
		const near = await runCli(['watch', 'charging', '--url', db.url, '--once', '--near', 'cairo']);
		expect(near.code).toBe(2);
		expect(near.stderr).toContain('latitude,longitude');
		const fleetMissing = await runCli(['watch', 'vehicles', '--url', db.url, '--once', '--fleet', 'No such depot']);
		expect(fleetMissing.code).toBe(2);
		expect(fleetMissing.stderr).toContain('no fleet "No such depot"');
	});
});
