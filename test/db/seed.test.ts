import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedDatabase, seededTables, type SeedResult} from '../../source/demo/seed/index.js';
import {UsageError} from '../../source/model/errors.js';
import {vehicleStateAt, type VehicleDayProfile} from '../../source/model/vehicle-motion.js';
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
		result = await seedDatabase(first.sql, {scale: 'tiny', seed: 7, anchor, keepScratch: true});
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

	// Consecutive reports of one vehicle, with the distance between them and what the odometer says.
	const steps = `
		with t as (
		  select vehicle_id, recorded_at, speed_kmh, odometer_km, location, power_kw,
		         lag(recorded_at) over w as prev_at, lag(speed_kmh) over w as prev_speed, lag(odometer_km) over w as prev_odometer,
		         lag(location) over w as prev_location
		  from vehicle_telematics window w as (partition by vehicle_id order by recorded_at))
		select *, odometer_km - prev_odometer as odometer_step_km, st_distance(location, prev_location) / 1000 as moved_km,
		       extract(epoch from recorded_at - prev_at) / 3600 as hours
		from t where prev_at is not null`;

	it('never raises the odometer of a parked vehicle, and never moves one whose odometer stands still', async () => {
		const [row] = (await first.sql.unsafe(`
			-- (reports days apart may have a whole day's laps between them, back where they started)
			select count(*) filter (where moved_km < 0.001 and hours <= 0.5 and abs(odometer_step_km) > 0.001)::int as parked_but_counting,
			       count(*) filter (where abs(odometer_step_km) <= 0.001 and moved_km > 0.001)::int as moved_without_km,
			       count(*) filter (where odometer_step_km < -0.001)::int as odometer_backwards,
			       count(*) filter (where moved_km < 0.001 and hours <= 0.5)::int as parked_steps
			from (${steps}) s`)) as unknown as [{parkedButCounting: number; movedWithoutKm: number; odometerBackwards: number; parkedSteps: number}];
		expect(row.parkedSteps).toBeGreaterThan(100);
		expect(row.parkedButCounting).toBe(0);
		expect(row.movedWithoutKm).toBe(0);
		expect(row.odometerBackwards).toBe(0);
	});

	it('moves a driving vehicle as far as its odometer says, at no more than the speed it reports', async () => {
		const [row] = (await first.sql.unsafe(`
			select count(*)::int as driving_steps,
			       count(*) filter (where moved_km > odometer_step_km + 0.01)::int as further_than_odometer,
			       count(*) filter (where odometer_step_km > greatest(speed_kmh, prev_speed) * hours + 0.01)::int as faster_than_reported,
			       percentile_cont(0.5) within group (order by moved_km / odometer_step_km) as median_ratio
			from (${steps}) s
			where speed_kmh > 0 and prev_speed > 0 and odometer_step_km > 0 and hours <= 0.5`)) as unknown as [{drivingSteps: number; furtherThanOdometer: number; fasterThanReported: number; medianRatio: number}];
		expect(row.drivingSteps).toBeGreaterThan(20);
		expect(row.furtherThanOdometer).toBe(0);
		expect(row.fasterThanReported).toBe(0);
		// Along a path, not on the spot: most of the distance driven shows as distance between the two positions.
		expect(row.medianRatio).toBeGreaterThan(0.6);
	});

	it('shows as many places per report in history older than 7 days as in the last week', async () => {
		const rows = await first.sql<{older: number; recent: number}[]>`
			select count(distinct st_snaptogrid(location::geometry, 0.001)) filter (where recorded_at < ${anchor}::timestamptz - interval '7 days')::float8
			         / nullif(count(*) filter (where recorded_at < ${anchor}::timestamptz - interval '7 days'), 0) as older,
			       count(distinct st_snaptogrid(location::geometry, 0.001)) filter (where recorded_at >= ${anchor}::timestamptz - interval '7 days')::float8
			         / nullif(count(*) filter (where recorded_at >= ${anchor}::timestamptz - interval '7 days'), 0) as recent
			from vehicle_telematics t join vehicles v on v.id = t.vehicle_id
			where v.status not in ('retired', 'maintenance')
			group by t.vehicle_id
			having count(*) filter (where recorded_at < ${anchor}::timestamptz - interval '7 days') >= 10`;
		expect(rows.length).toBeGreaterThan(5);
		const ratios = rows.map(r => r.older / r.recent).sort((a, b) => a - b);
		const median = ratios[Math.floor(ratios.length / 2)]!;
		expect(median).toBeGreaterThan(0.5);
		expect(median).toBeLessThan(2);
	});

	it('keeps a charging vehicle parked at its station for the whole session', async () => {
		const [row] = (await first.sql<{reports: number; driving: number; away: number}[]>`
			select count(*)::int as reports,
			       count(*) filter (where t.speed_kmh > 0)::int as driving,
			       count(*) filter (where st_distance(t.location, st.location) > 100)::int as away
			from charging_sessions s
			join charging_connectors c on c.id = s.connector_id
			join charging_stations st on st.id = c.station_id
			join vehicle_telematics t on t.vehicle_id = s.vehicle_id and t.recorded_at >= s.started_at and t.recorded_at <= coalesce(s.ended_at, ${anchor}::timestamptz)`) as unknown as [{reports: number; driving: number; away: number}];
		expect(row.reports).toBeGreaterThan(20);
		expect(row.driving).toBe(0);
		expect(row.away).toBe(0);
		// And what reports charging (power into the pack) is parked near a station.
		const [charging] = await first.sql<{rows: number; driving: number; away: number}[]>`
			select count(*)::int as rows, count(*) filter (where t.speed_kmh > 0)::int as driving,
			       count(*) filter (where not exists (select 1 from charging_stations st where st_dwithin(st.location, t.location, 100)))::int as away
			from vehicle_telematics t where t.power_kw < 0`;
		expect(charging!.rows).toBeGreaterThan(0);
		expect(charging!.driving).toBe(0);
		expect(charging!.away).toBe(0);
	});

	it('writes exactly what the vehicle model says: position, speed and odometer of every report', async () => {
		type Profile = {id: string; parkLon: number; parkLat: number; loopR: number; loopA: number; speedKmh: number; laps: number; shiftStartH: number;
			fridayOff: boolean; drives: boolean; commissionedDay: number};
		// Vehicles without a public stop: their days need no draw from the SQL hash.
		const vehicles = await first.sql<Profile[]>`
			select id, park_lon, park_lat, loop_r, loop_a, speed_kmh, laps, shift_start_h, friday_off, drives, commissioned_day
			from evfleet_seed_vehicles where pub_km is null order by n limit 10`;
		expect(vehicles.filter(v => v.drives).length).toBeGreaterThan(2);
		let compared = 0;
		for (const v of vehicles) {
			const profile: VehicleDayProfile = {park: {lon: v.parkLon, lat: v.parkLat}, loopRadiusKm: v.loopR, loopAngle: v.loopA, speedKmh: v.speedKmh,
				laps: v.laps, shiftStartHour: v.shiftStartH, fridayOff: v.fridayOff, drives: v.drives};
			const rows = await first.sql<{recordedAt: Date; lon: number; lat: number; speedKmh: number; odometerKm: number}[]>`
				select recorded_at, st_x(location::geometry) as lon, st_y(location::geometry) as lat, speed_kmh, odometer_km
				from vehicle_telematics where vehicle_id = ${v.id} order by recorded_at`;
			for (const row of rows) {
				const state = vehicleStateAt(profile, row.recordedAt, v.commissionedDay, () => false);
				expect(row.lon, `${v.id} ${row.recordedAt.toISOString()}`).toBeCloseTo(state.position.lon, 5);
				expect(row.lat).toBeCloseTo(state.position.lat, 5);
				expect(row.speedKmh).toBeCloseTo(state.speedKmh, 1);
				expect(row.odometerKm).toBeCloseTo(state.drivenKm, 2);
				compared++;
			}
		}
		expect(compared).toBeGreaterThan(500);
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
