import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {median} from '../../source/text/charts.js';
import {lastRefresh, resolveScope, windowStart} from '../../source/db/queries/battery.js';
import {consumptionByTemperature, efficiencyByWeek, v2gByMonth} from '../../source/db/queries/energy.js';
import {createBatteryData, loadEnergyReport} from '../../source/db/sources/battery.js';

const now = new Date();
const months = 3;
let db: TestDatabase;
let org: string;
const fleets: {[name: string]: string} = {};
const vehicles: Array<{id: string; fleet: string; vin: string}> = [];

type EnergyRecord = {vehicleId: string; periodStart: Date; distanceKm: number; consumedKwh: number; regeneratedKwh: number; ambientC: number};
const records: EnergyRecord[] = [];

function mondayOf(date: Date): string {
	const day = (date.getUTCDay() + 6) % 7;
	return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day)).toISOString().slice(0, 10);
}

beforeAll(async () => {
	db = await createTestDatabase();
	const [created] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Acme', 'acme') returning id`;
	org = created!.id;
	for (const name of ['Vans', 'Cars', 'Trucks']) {
		const [row] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, ${name}) returning id`;
		fleets[name] = row!.id;
	}
	let n = 0;
	for (const [name, id] of Object.entries(fleets)) {
		for (let k = 0; k < 3; k++) {
			const vin = `WVWZZZ1KZAW${String(++n).padStart(6, '0')}`;
			const [row] = await db.sql<Array<{id: string}>>`
				insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
				values (${org}, ${id}, ${vin}, 'VW', 'ID.4', 77) returning id`;
			vehicles.push({id: row!.id, fleet: name, vin});
		}
	}
	// One record a day per vehicle over the last 60 days, consumption depending on fleet, vehicle and temperature.
	const start = Date.now() - 60 * 86_400_000;
	for (const [v, vehicle] of vehicles.entries()) {
		for (let d = 0; d < 60; d++) {
			const periodStart = new Date(start + d * 86_400_000);
			const ambientC = -8 + ((d * 7 + v * 3) % 35);
			const distanceKm = 50 + ((d * 13 + v * 5) % 70);
			const consumedKwh = distanceKm * (0.15 + v * 0.004 + Math.abs(ambientC - 18) * 0.002);
			const regeneratedKwh = consumedKwh * (0.08 + (v % 3) * 0.02);
			records.push({vehicleId: vehicle.id, periodStart, distanceKm, consumedKwh, regeneratedKwh, ambientC});
			await db.sql`
				insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh, energy_regenerated_kwh, ambient_temp_c)
				values (${vehicle.id}, ${org}, ${periodStart}, ${new Date(periodStart.getTime() + 3_600_000)}, ${distanceKm}, ${consumedKwh}, ${regeneratedKwh}, ${ambientC})`;
		}
	}
	for (const [i, direction] of ['to_grid', 'to_grid', 'from_grid'].entries()) {
		await db.sql`
			insert into v2g_energy_transactions (organization_id, vehicle_id, direction, energy_kwh, price_per_kwh, grid_operator, started_at)
			values (${org}, ${vehicles[0]!.id}, ${direction}, ${10 + i}, ${direction === 'to_grid' ? 0.3 : 0.2}, 'TenneT', ${new Date(Date.now() - 3_600_000 * (i + 1))})`;
	}
	await db.sql`select refresh_energy_efficiency_metrics()`;
});

afterAll(async () => {
	await db?.close();
});

function whPerKm(rows: readonly EnergyRecord[]): number {
	const consumed = rows.reduce((sum, r) => sum + r.consumedKwh - r.regeneratedKwh, 0);
	return (1000 * consumed) / rows.reduce((sum, r) => sum + r.distanceKm, 0);
}

describe('efficiencyByWeek', () => {
	it('gives a vehicle its weekly Wh/km and the median of its fleet’s vehicles, as computed from the records', async () => {
		const vehicle = vehicles[4]!;
		const scope = await resolveScope(db.sql, {vehicle: vehicle.vin});
		const weeks = await efficiencyByWeek(db.sql, scope, {months, now});
		const withData = weeks.filter(row => row.whPerKm !== null);
		expect(withData.length).toBeGreaterThanOrEqual(8);
		const inFleet = vehicles.filter(v => v.fleet === vehicle.fleet).map(v => v.id);
		for (const row of withData) {
			const week = row.week.toISOString().slice(0, 10);
			const mine = records.filter(r => r.vehicleId === vehicle.id && mondayOf(r.periodStart) === week);
			expect(row.whPerKm).toBeCloseTo(whPerKm(mine), 6);
			const peers = inFleet.map(id => records.filter(r => r.vehicleId === id && mondayOf(r.periodStart) === week)).filter(rows => rows.length > 0);
			expect(row.peerMedianWhPerKm).toBeCloseTo(median(peers.map(whPerKm))!, 6);
		}
		// Weeks without records are there (the x axis stays even) but empty.
		expect(weeks.length).toBeGreaterThan(withData.length);
	});

	it('gives a fleet its own total and the median of the organization’s fleets', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme', fleet: 'Cars'});
		const weeks = (await efficiencyByWeek(db.sql, scope, {months, now})).filter(row => row.whPerKm !== null);
		const row = weeks[3]!;
		const week = row.week.toISOString().slice(0, 10);
		const byFleet = (name: string) => records.filter(r => vehicles.find(v => v.id === r.vehicleId)!.fleet === name && mondayOf(r.periodStart) === week);
		expect(row.whPerKm).toBeCloseTo(whPerKm(byFleet('Cars')), 6);
		expect(row.peerMedianWhPerKm).toBeCloseTo(median(['Vans', 'Cars', 'Trucks'].map(name => whPerKm(byFleet(name))))!, 6);
	});
});

describe('consumptionByTemperature', () => {
	it('buckets the raw records by 5 °C of ambient temperature', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme'});
		const buckets = await consumptionByTemperature(db.sql, scope, {months, now});
		const inWindow = records.filter(r => r.periodStart >= windowStart(months, now));
		expect(buckets.reduce((sum, b) => sum + b.records, 0)).toBe(inWindow.length);
		const cold = buckets.find(b => b.fromC === -10)!;
		const expected = inWindow.filter(r => r.ambientC >= -10 && r.ambientC < -5);
		expect(cold.toC).toBe(-5);
		expect(cold.records).toBe(expected.length);
		expect(cold.whPerKm).toBeCloseTo(whPerKm(expected), 4);
		// Cold and hot cost more than mild weather.
		const mild = buckets.find(b => b.fromC === 15)!;
		expect(cold.whPerKm!).toBeGreaterThan(mild.whPerKm!);
	});
});

describe('v2gByMonth and the energy report', () => {
	it('sums energy and money each way per month', async () => {
		const scope = await resolveScope(db.sql, {vehicle: vehicles[0]!.vin});
		const rows = await v2gByMonth(db.sql, scope, {months, now});
		const exported = rows.reduce((sum, row) => sum + row.exportedKwh, 0);
		const imported = rows.reduce((sum, row) => sum + row.importedKwh, 0);
		expect(exported).toBe(21);
		expect(imported).toBe(12);
		expect(rows.reduce((sum, row) => sum + row.revenue, 0)).toBeCloseTo(6.3, 6);
		expect(rows.reduce((sum, row) => sum + row.cost, 0)).toBeCloseTo(2.4, 6);
		expect(await v2gByMonth(db.sql, await resolveScope(db.sql, {vehicle: vehicles[1]!.vin}), {months, now})).toEqual([]);
	});

	it('reports totals, regeneration share and freshness, through the console data source too', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme'});
		const report = await loadEnergyReport(db.sql, scope, {months, now});
		const inWindow = records.filter(r => r.periodStart >= new Date(report.dates[0]!));
		expect(report.regenShare).toBeCloseTo(inWindow.reduce((s, r) => s + r.regeneratedKwh, 0) / inWindow.reduce((s, r) => s + r.consumedKwh, 0), 6);
		expect(report.refresh.lastRefreshedAt).toBeInstanceOf(Date);
		expect(report.refresh.stale).toBe(false);
		expect(report.refresh.command).toBe('evfleet maint refresh energy_efficiency_metrics');
		const viaConsole = await createBatteryData(db.sql).energy({target: 'fleet:Trucks', months});
		expect(viaConsole.scope).toEqual({kind: 'fleet', label: 'fleet Trucks (Acme)'});
		expect((await lastRefresh(db.sql, 'energy_efficiency_metrics')).durationMs).toBeGreaterThanOrEqual(0);
	});
});
