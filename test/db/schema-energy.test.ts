// energy_schema.sql: battery and energy constraints, the two materialized views, their logged (concurrent) refreshes.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let org: string;
let fleetId: string;
let vehicleA: string;
let vehicleB: string;

async function vehicle(n: number): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
		values (${org}, ${fleetId}, ${`WVWZZZ1KZEW${String(n).padStart(6, '0')}`}, 'VW', 'ID.4', 80) returning id`;
	return row!.id;
}

async function consumption(vehicleId: string, start: string, distanceKm: number, consumedKwh: number, regenKwh: number): Promise<void> {
	await db.sql`
		insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh, energy_regenerated_kwh, weather)
		values (${vehicleId}, ${org}, ${start}::timestamptz, ${start}::timestamptz + interval '1 hour', ${distanceKm}, ${consumedKwh}, ${regenKwh}, '{"sky": "clear"}')`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Energy', 'energy') returning id`;
	org = o!.id;
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Depot') returning id`;
	fleetId = f!.id;
	vehicleA = await vehicle(1);
	vehicleB = await vehicle(2);
	await db.sql`select create_monthly_partitions('energy_consumption_records', '2026-01-01', 1)`;
	await db.sql`
		insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh, cycle_count)
		values (${org}, ${vehicleA}, '2026-01-05 10:00Z', 96, 76, 100), (${org}, ${vehicleA}, '2026-01-25 10:00Z', 94, 74, 130),
		       (${org}, ${vehicleA}, '2026-02-10 10:00Z', 93, 73, 160)`;
	// ISO week of Monday 2026-01-05.
	await consumption(vehicleA, '2026-01-05 08:00Z', 100, 20, 4);
	await consumption(vehicleA, '2026-01-07 08:00Z', 50, 10, 1);
	await consumption(vehicleB, '2026-01-06 08:00Z', 100, 30, 0);
});

afterAll(async () => {
	await db?.close();
});

describe('constraints', () => {
	it('rejects a SoH above 100 in a battery report', async () => {
		await expect(db.sql`
			insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct) values (${org}, ${vehicleA}, now(), 101)`).rejects.toMatchObject({
			constraint_name: 'battery_health_reports_soh_range',
		});
	});

	it('rejects a consumption period that ends before it starts', async () => {
		await expect(db.sql`
			insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end) values (${vehicleA}, ${org}, now(), now() - interval '1 hour')`).rejects.toMatchObject({
			constraint_name: 'energy_consumption_records_period_order',
		});
	});

	it('computes a V2G amount and ties settled to settled_at', async () => {
		const [row] = await db.sql<Array<{amount: string | number}>>`
			insert into v2g_energy_transactions (organization_id, vehicle_id, direction, energy_kwh, price_per_kwh, grid_operator, started_at)
			values (${org}, ${vehicleA}, 'to_grid', 12.5, 0.2, 'TenneT', now()) returning amount`;
		expect(Number(row!.amount)).toBe(2.5);
		await expect(db.sql`
			insert into v2g_energy_transactions (organization_id, vehicle_id, direction, energy_kwh, price_per_kwh, grid_operator, started_at, settled)
			values (${org}, ${vehicleA}, 'to_grid', 1, 0.2, 'TenneT', now(), true)`).rejects.toMatchObject({constraint_name: 'v2g_energy_transactions_settled_at'});
		await expect(db.sql`
			insert into v2g_energy_transactions (organization_id, vehicle_id, direction, energy_kwh, price_per_kwh, grid_operator, started_at)
			values (${org}, ${vehicleA}, 'sideways', 1, 0.2, 'TenneT', now())`).rejects.toMatchObject({constraint_name: 'v2g_energy_transactions_direction_valid'});
	});
});

describe('materialized views', () => {
	it('aggregate battery health per vehicle and month after a refresh', async () => {
		await db.sql`select refresh_battery_health_trends()`;
		const rows = await db.sql<Array<{month: Date; reportCount: number; avgSohPct: number; minSohPct: number; capacityFadePct: number; cyclesInMonth: number}>>`
			select month, report_count, avg_soh_pct, min_soh_pct, capacity_fade_pct, cycles_in_month
			from battery_health_trends where vehicle_id = ${vehicleA} order by month`;
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatchObject({reportCount: 2, avgSohPct: 95, minSohPct: 94, cyclesInMonth: 30});
		expect(rows[0]!.capacityFadePct).toBeCloseTo(100 * (1 - 75 / 80), 6);
		expect(rows[0]!.month.toISOString().slice(0, 10)).toBe('2026-01-01');
	});

	it('aggregate efficiency per vehicle and per fleet and week', async () => {
		await db.sql`select refresh_energy_efficiency_metrics()`;
		const rows = await db.sql<Array<{scope: string; subjectId: string; week: Date; distanceKm: number; whPerKm: number; regenShare: number}>>`
			select scope, subject_id, week, distance_km, wh_per_km, regen_share from energy_efficiency_metrics order by scope, subject_id`;
		const vehicleRow = rows.find(r => r.scope === 'vehicle' && r.subjectId === vehicleA)!;
		expect(vehicleRow.week.toISOString().slice(0, 10)).toBe('2026-01-05');
		expect(vehicleRow.distanceKm).toBe(150);
		expect(vehicleRow.whPerKm).toBeCloseTo((1000 * (30 - 5)) / 150, 6);
		expect(vehicleRow.regenShare).toBeCloseTo(5 / 30, 6);
		const fleetRow = rows.find(r => r.scope === 'fleet' && r.subjectId === fleetId)!;
		expect(fleetRow.distanceKm).toBe(250);
		expect(fleetRow.whPerKm).toBeCloseTo((1000 * (60 - 5)) / 250, 6);
	});

	it('refresh plainly when unpopulated, concurrently afterwards, and log each refresh', async () => {
		await db.sql`refresh materialized view energy_efficiency_metrics with no data`;
		const [first] = await db.sql<Array<{viewName: string; concurrent: boolean; duration: string}>>`select * from refresh_energy_efficiency_metrics()`;
		const [second] = await db.sql<Array<{viewName: string; concurrent: boolean}>>`select * from refresh_energy_efficiency_metrics()`;
		expect(first).toMatchObject({viewName: 'energy_efficiency_metrics', concurrent: false});
		expect(second).toMatchObject({viewName: 'energy_efficiency_metrics', concurrent: true});
		const log = await db.sql<Array<{concurrent: boolean; finishedAt: Date; startedAt: Date}>>`
			select concurrent, started_at, finished_at from matview_refresh_log where view_name = 'energy_efficiency_metrics' order by id desc limit 2`;
		expect(log.map(l => l.concurrent)).toEqual([true, false]);
		for (const entry of log) expect(entry.finishedAt.getTime()).toBeGreaterThanOrEqual(entry.startedAt.getTime());
	});

	it('refresh concurrently while another connection reads, without blocking either', async () => {
		for (const view of ['battery_health_trends', 'energy_efficiency_metrics']) {
			const reader = db.connect({max: 1, parameters: {lock_timeout: '1s'}});
			const refresher = db.connect({max: 1, parameters: {lock_timeout: '3s'}});
			const impatient = db.connect({max: 1, parameters: {lock_timeout: '300ms'}});
			let release!: () => void;
			const holding = new Promise<void>(resolve => (release = resolve));
			let readerHasLock!: () => void;
			const locked = new Promise<void>(resolve => (readerHasLock = resolve));
			// The reader keeps its snapshot and lock on the view open while the refresh runs.
			const reading = reader.begin(async tx => {
				const rows = await tx.unsafe(`select count(*)::int as n from ${view}`);
				readerHasLock();
				await holding;
				return rows;
			});
			await locked;
			const [entry] = await refresher.unsafe<Array<{concurrent: boolean}>>(`select * from refresh_${view}()`);
			expect(entry!.concurrent, view).toBe(true);
			// A plain refresh would need an ACCESS EXCLUSIVE lock and wait for the reader: it times out instead.
			await expect(impatient.unsafe(`refresh materialized view ${view}`)).rejects.toMatchObject({code: '55P03'});
			release();
			await reading;
			// And a reader is not blocked by a concurrent refresh in progress.
			await refresher.begin(async tx => {
				await tx.unsafe(`refresh materialized view concurrently ${view}`);
				const [row] = await reader.unsafe<Array<{n: number}>>(`select count(*)::int as n from ${view}`);
				expect(row!.n, view).toBeGreaterThan(0);
			});
			await Promise.all([reader.end(), refresher.end(), impatient.end()]);
		}
	});
});

describe('energy_efficiency_metrics fleet rows', () => {
	it('add up the vehicle rows of the week, averaging the temperature over every record that has one', async () => {
		const record = (vehicleId: string, start: string, ambient: number | null) => db.sql`
			insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh, energy_regenerated_kwh, ambient_temp_c)
			values (${vehicleId}, ${org}, ${start}::timestamptz, ${start}::timestamptz + interval '1 hour', 10, 2, 0.5, ${ambient})`;
		// ISO week of Monday 2026-01-19: A has 10 and 20 °C, B has 30 °C and one record without a temperature.
		await record(vehicleA, '2026-01-19 08:00Z', 10);
		await record(vehicleA, '2026-01-20 08:00Z', 20);
		await record(vehicleB, '2026-01-21 08:00Z', 30);
		await record(vehicleB, '2026-01-22 08:00Z', null);
		await db.sql`select refresh_energy_efficiency_metrics()`;
		const rows = await db.sql<Array<{scope: string; subjectId: string; vehicleId: string | null; recordCount: number; distanceKm: number; avgAmbientTempC: number | null}>>`
			select scope, subject_id, vehicle_id, record_count, distance_km, avg_ambient_temp_c
			from energy_efficiency_metrics where week = '2026-01-19' order by scope, subject_id`;
		const bySubject = new Map(rows.map(r => [r.subjectId, [r.scope, r.vehicleId, r.recordCount, r.distanceKm, r.avgAmbientTempC]]));
		expect(rows).toHaveLength(3);
		expect(bySubject.get(vehicleA)).toEqual(['vehicle', vehicleA, 2, 20, 15]);
		expect(bySubject.get(vehicleB)).toEqual(['vehicle', vehicleB, 2, 20, 30]);
		expect(bySubject.get(fleetId)).toEqual(['fleet', null, 4, 40, 20]);
	});
});
