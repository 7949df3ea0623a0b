import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCli} from '../helpers/cli.js';
import {windowStart} from '../../source/db/queries/battery.js';

let db: TestDatabase;
const vin = (n: number) => `WVWZZZ1KZAW${String(n).padStart(6, '0')}`;

beforeAll(async () => {
	db = await createTestDatabase();
	const [org] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Acme', 'acme') returning id`;
	const [other] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Other', 'other') returning id`;
	for (const [orgId, offset] of [[org!.id, 0], [other!.id, 10]] as const) {
		const [fleet] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${orgId}, 'Vans') returning id`;
		for (let k = 1; k <= 4; k++) {
			const [vehicle] = await db.sql<Array<{id: string}>>`
				insert into vehicles (organization_id, fleet_id, vin, plate, make, model, battery_capacity_kwh)
				values (${orgId}, ${fleet!.id}, ${vin(offset + k)}, ${`P-${offset + k}`}, 'VW', 'ID.4', 77) returning id`;
			const start = windowStart(12);
			for (let i = 0; i < 12; i++) {
				const at = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 10));
				await db.sql`
					insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh, cycle_count)
					values (${orgId}, ${vehicle!.id}, ${at}, ${99 - (k * i) / 6}, ${70}, ${i * 25})`;
			}
		}
	}
	await db.sql`select refresh_battery_health_trends()`;
}, 120_000);

afterAll(async () => {
	await db?.close();
});

describe('evfleet battery', () => {
	it('prints the chart and the fade table for an organization, without escape codes in a pipe', async () => {
		const result = await runCli(['battery', '--url', db.url, '--org', 'acme', '--months', '12']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Battery health — organization Acme, last 12 months');
		expect(result.stdout).toMatch(/battery_health_trends refreshed \d+s ago/);
		expect(result.stdout).toMatch(/─── median +··· p10 +\+\+\+ p90/);
		expect(result.stdout).not.toContain('\u001B[');
		// Fastest first, only this organization's vans.
		const rows = result.stdout.split('\n').filter(line => /^\d+\t/.test(line));
		expect(rows.map(line => line.split('\t')[1])).toEqual([vin(4), vin(3), vin(2), vin(1)]);
	});

	it('returns the series and the fade table as JSON', async () => {
		const result = await runCli(['battery', '--url', db.url, '--vehicle', vin(2), '--months', '1y', '--json']);
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout);
		expect(report.scope).toEqual({kind: 'vehicle', label: `vehicle ${vin(2)} (P-2)`});
		expect(report.dates).toHaveLength(12);
		expect(report.series.map((series: {name: string}) => series.name)).toEqual(['SoH', 'fleet median']);
		expect(report.fade).toHaveLength(1);
		expect(report.fade[0].fadePctPerYear).toBeCloseTo(4, 0);
		expect(report.fade[0].rank).toBe(3);
	});

	it('exits 2 with one or two lines for a bad window or an unknown vehicle', async () => {
		const months = await runCli(['battery', '--url', db.url, '--months', 'soon']);
		expect(months.code).toBe(2);
		expect(months.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(months.stderr).toMatch(/invalid --months "soon"/);
		const unknown = await runCli(['battery', '--url', db.url, '--vehicle', 'NOPE']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/no vehicle "NOPE"/);
	});
});

describe('evfleet energy', () => {
	it('prints the energy view even with no records yet', async () => {
		const result = await runCli(['energy', '--url', db.url, '--org', 'acme', '--months', '6']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Energy — organization Acme, last 6 months');
		expect(result.stdout).toMatch(/not enough data to chart/);
		expect(result.stdout).toMatch(/energy_efficiency_metrics never refreshed/);
		expect(result.stdout).toMatch(/refresh with `evfleet maint refresh energy_efficiency_metrics`/);
	});
});
