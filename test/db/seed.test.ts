import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedDatabase, seededTables, type SeedResult} from '../../source/demo/seed/index.js';
import {UsageError} from '../../source/model/errors.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

// Every time in the data set derives from the anchor: pinning it makes two runs comparable row by row.
const anchor = new Date('2026-03-18T09:30:00Z');

// Columns that depend on the seed and anchor only (not on now(): no updated_at, received_at).
const samples: Record<string, string> = {
	organizations: 'select id, name, slug, subscription_plan, settings, created_at from organizations order by id',
	users: 'select id, organization_id, email, full_name, status, last_login_at from users order by id',
	fleets: 'select id, organization_id, name, st_astext(depot_location) as depot from fleets order by id',
	vehicles: 'select id, vin, plate, make, model, battery_capacity_kwh, usable_capacity_kwh, max_dc_charge_kw, v2g_capable, status, commissioned_on from vehicles order by id',
	charging_stations: 'select id, organization_id, operator_name, name, st_astext(location) as location, status from charging_stations order by id limit 100',
	charging_connectors: 'select id, station_id, connector_number, connector_type, max_power_kw, price_per_kwh from charging_connectors order by id limit 200',
	charging_sessions: 'select id, vehicle_id, connector_id, started_at, ended_at, energy_kwh, cost, status from charging_sessions order by id limit 300',
	battery_health_reports: 'select id, vehicle_id, reported_at, soh_pct, cycle_count from battery_health_reports order by id limit 300',
	vehicle_telematics: `select vehicle_id, recorded_at, soc_pct, speed_kmh, st_astext(location) as location, power_kw from vehicle_telematics
		where abs(hashtext(vehicle_id::text || recorded_at::text)) % 20 = 0 order by vehicle_id, recorded_at`,
	route_waypoints: 'select id, route_id, sequence, name, st_astext(location) as location, charging_station_id from route_waypoints order by id',
};

async function checksums(db: TestDatabase): Promise<Record<string, string>> {
	const result: Record<string, string> = {};
	for (const [table, query] of Object.entries(samples)) {
		const [row] = (await db.sql.unsafe(`select md5(coalesce(string_agg(s::text, '|'), '')) as sum, count(*)::int as n from (${query}) s`)) as unknown as [{n: number; sum: string}];
		result[table] = `${row.n}:${row.sum}`;
	}
	return result;
}

describe('seedDatabase', () => {
	let first: TestDatabase;
	let second: TestDatabase;
	let result: SeedResult;

	beforeAll(async () => {
		[first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
		result = await seedDatabase(first.sql, {scale: 'tiny', seed: 7, anchor});
	});
	afterAll(async () => {
		await Promise.all([first?.close(), second?.close()]);
	});

	it('gives identical row counts and sample checksums for the same seed and anchor', async () => {
		const again = await seedDatabase(second.sql, {scale: 'tiny', seed: 7, anchor});
		expect(again.counts).toEqual(result.counts);
		expect(await checksums(second)).toEqual(await checksums(first));
	});

	it('writes every seeded table, and the counts it reports are the rows that are there', async () => {
		for (const table of seededTables) {
			expect(result.counts[table], table).toBeGreaterThan(0);
			const [row] = (await first.sql.unsafe(`select count(*)::int as n from ${table}`)) as unknown as [{n: number}];
			expect(row.n, table).toBe(result.counts[table]);
		}
		const [live] = await first.sql<{n: number}[]>`select count(*)::int as n from vehicle_live_state`;
		expect(live!.n).toBe(result.counts.vehicles);
	});

	it('puts telematics in every month the history covers, none in the default partition', async () => {
		const months = await first.sql<{month: string}[]>`
			select to_char(date_trunc('month', recorded_at at time zone 'UTC'), 'YYYY-MM') as month
			from vehicle_telematics group by 1 order by 1`;
		expect(months.map(m => m.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
		const [stray] = await first.sql<{n: number}[]>`
			select (select count(*) from vehicle_telematics_default) + (select count(*) from energy_consumption_records_default)
			     + (select count(*) from charging_session_metrics_default) as n`;
		expect(stray!.n).toBe(0);
		const ahead = await first.sql<{name: string}[]>`select relname as name from pg_class where relname = 'vehicle_telematics_2026_06'`;
		expect(ahead).toHaveLength(1);
	});

	it('keeps the data realistic: places, routes, charge curves, V2G and battery fade', async () => {
		const [facts] = await first.sql<Array<Record<string, number>>>`
			select
			  (select count(*) from fleets where st_y(depot_location::geometry) between 29.8 and 30.3 and st_x(depot_location::geometry) between 30.8 and 31.9) as cairo_depots,
			  (select count(*) from organizations o where exists (select 1 from fleets f where f.organization_id = o.id and st_y(f.depot_location::geometry) > 30.8)) as orgs_outside_cairo,
			  (select min(n) from (select count(*) as n from route_waypoints group by route_id) w) as min_waypoints,
			  (select max(n) from (select count(*) as n from route_waypoints group by route_id) w) as max_waypoints,
			  (select count(*) from route_waypoints where charging_station_id is not null) as charging_stops,
			  (select count(*) from v2g_energy_transactions t join vehicles v on v.id = t.vehicle_id where not v.v2g_capable) as v2g_on_wrong_vehicle,
			  (select count(*) from v2g_energy_transactions where direction = 'to_grid') as v2g_exports,
			  (select count(*) from charging_sessions where status = 'active') as open_sessions,
			  (select count(*) from charging_sessions s join charging_connectors c on c.id = s.connector_id where s.status = 'active' and c.status <> 'occupied') as open_on_free_connector,
			  (select count(*) from vehicle_telematics where speed_kmh > 0) as moving_rows,
			  (select max(soh_pct) - min(soh_pct) from battery_health_reports) as soh_spread`;
		expect(facts!['cairoDepots']).toBeGreaterThan(0);
		expect(facts!['orgsOutsideCairo']).toBe(1);
		expect(facts!['minWaypoints']).toBeGreaterThanOrEqual(5);
		expect(facts!['maxWaypoints']).toBeLessThanOrEqual(15);
		expect(facts!['v2gOnWrongVehicle']).toBe(0);
		expect(facts!['v2gExports']).toBeGreaterThan(0);
		expect(facts!['openOnFreeConnector']).toBe(0);
		expect(facts!['movingRows']).toBeGreaterThan(0);
		expect(facts!['sohSpread']).toBeGreaterThan(1);
		// DC meter values taper past 80 %: power there is below the power at 50–70 %.
		const [taper] = await first.sql<{below: number; above: number}[]>`
			select avg(m.power_kw) filter (where m.soc_pct between 50 and 70) as below, avg(m.power_kw) filter (where m.soc_pct > 85) as above
			from charging_session_metrics m join charging_sessions s on s.id = m.session_id join charging_connectors c on c.id = s.connector_id
			where c.current_type = 'DC' and not s.is_v2g`;
		if (taper!.above !== null && taper!.below !== null) expect(taper!.above).toBeLessThan(taper!.below);
	});

	it('declines battery health about 1–3 % a year', async () => {
		const rates = await first.sql<{rate: number}[]>`
			select (regr_slope(soh_pct, extract(epoch from reported_at) / 31557600.0))::float8 as rate
			from battery_health_reports group by vehicle_id having count(*) >= 3`;
		expect(rates.length).toBeGreaterThan(0);
		const median = rates.map(r => -r.rate).sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
		expect(median).toBeGreaterThan(0.5);
		expect(median).toBeLessThan(5);
	});

	it('refuses a database that already holds organizations, and --force replaces its own data set', async () => {
		await expect(seedDatabase(first.sql, {scale: 'tiny', seed: 7, anchor})).rejects.toThrow(UsageError);
		const again = await seedDatabase(first.sql, {scale: 'tiny', seed: 7, anchor, force: true});
		expect(again.counts).toEqual(result.counts);
		const [orgs] = await first.sql<{n: number}[]>`select count(*)::int as n from organizations`;
		expect(orgs!.n).toBe(result.counts.organizations);
	});

	it('counts in a dry run and writes nothing', async () => {
		const empty = await createTestDatabase();
		try {
			const dry = await seedDatabase(empty.sql, {scale: 'tiny', seed: 7, anchor, dryRun: true});
			expect(dry.dryRun).toBe(true);
			expect(dry.counts).toEqual(result.counts);
			const [row] = await empty.sql<{n: number}[]>`select (select count(*) from organizations) + (select count(*) from vehicle_telematics) as n`;
			expect(row!.n).toBe(0);
		} finally {
			await empty.close();
		}
	});
});
