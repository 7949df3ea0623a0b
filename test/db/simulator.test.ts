import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedDatabase} from '../../source/demo/seed/index.js';
import {SimulatorBusyError, sqlSilentStation, startSimulator, type SimulatorOptions, type SimulatorTick} from '../../source/demo/simulator.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {countContradictions} from './demo-consistency.js';

/** Runs the simulator until `done` says so (or fails after timeoutMs); returns the ticks and errors seen. */
async function simulate(
	db: TestDatabase,
	options: {timeScale?: number; applicationName: string; settings?: SimulatorOptions; done: (ticks: SimulatorTick[]) => boolean | Promise<boolean>; onTick?: (tick: SimulatorTick) => Promise<void> | void},
	timeoutMs = 25_000,
): Promise<{ticks: SimulatorTick[]; errors: unknown[]}> {
	const sql = db.connect({max: 1, parameters: {application_name: options.applicationName}});
	const ticks: SimulatorTick[] = [];
	const errors: unknown[] = [];
	const simulator = startSimulator(sql, {
		tickMs: 50,
		seed: 3,
		timeScale: options.timeScale ?? 60,
		...options.settings,
		onTick: tick => {
			ticks.push(tick);
			void options.onTick?.(tick);
		},
		onError: error => errors.push(error),
	});
	const deadline = Date.now() + timeoutMs;
	try {
		while (!(await options.done(ticks))) {
			if (Date.now() > deadline) throw new Error(`simulator did not get there in ${timeoutMs} ms: ${ticks.length} ticks, ${errors.length} errors ${errors.map(e => (e as Error).message).join('; ')}`);
			await new Promise(resolve => setTimeout(resolve, 25));
		}
	} finally {
		await simulator.stop();
	}
	return {ticks, errors};
}

describe('startSimulator', () => {
	let db: TestDatabase;

	beforeAll(async () => {
		db = await createTestDatabase();
		// Anchored at the real now: the simulator picks the vehicles that reported in the last minutes.
		await seedDatabase(db.sql, {scale: 'tiny', seed: 11});
	});
	afterAll(async () => {
		await db?.close();
	});

	it('changes live state and adds history each tick, without errors', async () => {
		const [before] = await db.sql<{rows: number; newest: Date}[]>`select count(*)::int as rows, max(recorded_at) as newest from vehicle_telematics`;
		const {ticks, errors} = await simulate(db, {applicationName: 'evfleet-sim-a', done: ticks => ticks.length >= 5});
		expect(errors).toEqual([]);
		expect(ticks.every(tick => tick.telematics > 0)).toBe(true);
		const [after] = await db.sql<{rows: number; live: number}[]>`
			select (select count(*)::int from vehicle_telematics) as rows,
			       (select count(*)::int from vehicle_live_state where recorded_at > ${before!.newest}) as live`;
		expect(after!.rows).toBeGreaterThan(before!.rows);
		expect(after!.live).toBeGreaterThan(0);
	});

	it('starts charging sessions on free connectors and ends them, within the exclusion constraints', async () => {
		// Park every idle vehicle at its depot with a low battery: they must queue for the depot's connectors.
		await db.sql`
			update vehicle_live_state s set soc_pct = 20, location = f.depot_location
			from vehicles v join fleets f on f.id = v.fleet_id
			where v.id = s.vehicle_id and v.status = 'active'
			  and not exists (select 1 from route_assignments a where a.vehicle_id = v.id and a.status = 'in_progress')
			  and not exists (select 1 from charging_sessions c where c.vehicle_id = v.id and c.status = 'active')`;
		const [before] = await db.sql<{n: number}[]>`select count(*)::int as n from charging_sessions`;
		const {ticks, errors} = await simulate(db, {
			applicationName: 'evfleet-sim-b',
			timeScale: 6000,
			done: ticks => ticks.reduce((n, t) => n + t.sessionsStarted, 0) > 0 && ticks.reduce((n, t) => n + t.sessionsEnded, 0) > 0,
		});
		expect(errors).toEqual([]);
		expect(ticks.reduce((n, t) => n + t.sessionsStarted, 0)).toBeGreaterThan(0);
		const [after] = await db.sql<{n: number; overlaps: number; occupiedWithoutSession: number; metrics: number}[]>`
			select (select count(*)::int from charging_sessions) as n,
			       (select count(*)::int from charging_sessions a join charging_sessions b on a.connector_id = b.connector_id and a.id < b.id
			         and tstzrange(a.started_at, a.ended_at) && tstzrange(b.started_at, b.ended_at)
			        where a.status in ('active', 'completed') and b.status in ('active', 'completed')) as overlaps,
			       (select count(*)::int from charging_connectors c where c.status = 'occupied'
			         and not exists (select 1 from charging_sessions s where s.connector_id = c.id and s.status = 'active')) as occupied_without_session,
			       (select count(*)::int from charging_session_metrics where recorded_at > now() - interval '1 minute') as metrics`;
		expect(after!.n).toBeGreaterThan(before!.n);
		expect(after!.overlaps).toBe(0);
		expect(after!.occupiedWithoutSession).toBe(0);
		expect(after!.metrics).toBeGreaterThan(0);
	});

	it('survives a lost connection: reports the error and carries on', async () => {
		let killed = false;
		let ticksAfterKill = 0;
		const {errors} = await simulate(db, {
			applicationName: 'evfleet-sim-c',
			onTick: async tick => {
				if (killed) ticksAfterKill++;
				if (tick.tick === 3 && !killed) {
					killed = true;
					await db.sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'evfleet-sim-c'`;
				}
			},
			done: () => ticksAfterKill >= 3,
		});
		expect(killed).toBe(true);
		expect(ticksAfterKill).toBeGreaterThanOrEqual(3);
		// A terminated backend surfaces as at most a failed tick or two, never a crash.
		expect(errors.length).toBeLessThanOrEqual(2);
	});

	it('follows the vehicle model: parked reports keep the odometer, driving ones move no further than it adds, charging ones sit at a station', async () => {
		// Whatever the hour, one vehicle drives a route: outside the shifts (Cairo time) the seed has no route in progress,
		// and a test of the motion model that saw nothing move would prove nothing. A dispatcher starts one for a vehicle
		// that reports, is neither charging nor on a route, and has its fleet's route to drive.
		await db.sql`
			with v as (
			  select v.id, v.organization_id, r.id as route_id from vehicles v
			  join vehicle_live_state s on s.vehicle_id = v.id
			  join routes r on r.fleet_id = v.fleet_id
			  where v.status = 'active' and s.recorded_at > (select max(recorded_at) from vehicle_live_state) - interval '5 minutes'
			    and not exists (select 1 from route_assignments a where a.vehicle_id = v.id and a.status = 'in_progress')
			    and not exists (select 1 from charging_sessions c where c.vehicle_id = v.id and c.status = 'active')
			  order by v.id, r.id limit 1)
			insert into route_assignments (organization_id, route_id, vehicle_id, planned_start_at, actual_start_at, status)
			select organization_id, route_id, id, now(), now(), 'in_progress' from v`;
		const [{since}] = (await db.sql<{since: Date}[]>`select now() as since`) as unknown as [{since: Date}];
		const {errors} = await simulate(db, {applicationName: 'evfleet-sim-model', timeScale: 600, done: ticks => ticks.length >= 12});
		expect(errors).toEqual([]);
		const [row] = await db.sql<{steps: number; parkedButCounting: number; furtherThanOdometer: number; movingSteps: number; chargingAway: number; chargingDriving: number}[]>`
			with t as (
			  select vehicle_id, recorded_at, speed_kmh, odometer_km, location, power_kw,
			         lag(odometer_km) over w as prev_odometer, lag(location) over w as prev_location
			  from vehicle_telematics where recorded_at >= ${since} window w as (partition by vehicle_id order by recorded_at)),
			s as (select *, odometer_km - prev_odometer as odometer_step_km, st_distance(location, prev_location) / 1000 as moved_km from t where prev_odometer is not null)
			select count(*)::int as steps,
			       count(*) filter (where speed_kmh = 0 and moved_km < 0.001 and odometer_step_km > 0.001)::int as parked_but_counting,
			       count(*) filter (where moved_km > odometer_step_km + 0.01)::int as further_than_odometer,
			       count(*) filter (where odometer_step_km > 0.001)::int as moving_steps,
			       (select count(*)::int from t where power_kw < 0 and not exists (select 1 from charging_stations st where st_dwithin(st.location, t.location, 100))) as charging_away,
			       (select count(*)::int from t where power_kw < 0 and speed_kmh > 0) as charging_driving
			from s`;
		expect(row, JSON.stringify(row)).toBeDefined();
		expect(row!.steps).toBeGreaterThan(20);
		expect(row!.movingSteps).toBeGreaterThan(0);
		expect(row!.parkedButCounting, JSON.stringify(row)).toBe(0);
		expect(row!.furtherThanOdometer, JSON.stringify(row)).toBe(0);
		expect(row!.chargingAway, JSON.stringify(row)).toBe(0);
		expect(row!.chargingDriving, JSON.stringify(row)).toBe(0);
		// and the routes agree with the vehicles: none runs for a vehicle plugged in at its depot, no session for one that drives
		const counts = await countContradictions(db.sql, new Date());
		expect({inProgressWhileDepotCharging: counts['inProgressWhileDepotCharging'], chargingWhileDriving: counts['chargingWhileDriving'], vehicleStatusVersusSessions: counts['vehicleStatusVersusSessions']})
			.toEqual({inProgressWhileDepotCharging: 0, chargingWhileDriving: 0, vehicleStatusVersusSessions: 0});
	});

	it('keeps every active station heartbeating except the silent share, which goes stale', async () => {
		const [{since}] = (await db.sql<{since: Date}[]>`select now() as since`) as unknown as [{since: Date}];
		const silentStationShare = 0.2;
		// A heartbeat every simulated second: with 60 simulated seconds per real one, every tick is due.
		const {errors} = await simulate(db, {applicationName: 'evfleet-sim-hb', settings: {heartbeatSeconds: 1, silentStationShare}, done: ticks => ticks.length >= 3});
		expect(errors).toEqual([]);
		const [row] = (await db.sql.unsafe(
			`select count(*) filter (where not ${sqlSilentStation('s')})::int as heard,
			        count(*) filter (where not ${sqlSilentStation('s')} and s.last_heartbeat_at < $1)::int as stale,
			        count(*) filter (where ${sqlSilentStation('s')})::int as silent,
			        count(*) filter (where ${sqlSilentStation('s')} and s.last_heartbeat_at >= $1)::int as silent_refreshed
			 from charging_stations s where s.status = 'active'`,
			[since, silentStationShare] as never[],
		)) as unknown as [{heard: number; stale: number; silent: number; silentRefreshed: number}];
		expect(row.heard).toBeGreaterThan(0);
		expect(row.stale).toBe(0);
		expect(row.silent).toBeGreaterThan(0);
		expect(row.silentRefreshed).toBe(0);
	});

	it('runs one simulator per database: a second one stops with a clear message while the first keeps ticking', async () => {
		const firstSql = db.connect({max: 1});
		const secondSql = db.connect({max: 1});
		let firstTicks = 0;
		const secondErrors: unknown[] = [];
		let secondTicks = 0;
		const first = startSimulator(firstSql, {tickMs: 50, seed: 5, onTick: () => firstTicks++});
		try {
			await expect.poll(() => firstTicks, {timeout: 20_000, interval: 20}).toBeGreaterThanOrEqual(1);
			const second = startSimulator(secondSql, {tickMs: 50, seed: 6, onTick: () => secondTicks++, onError: error => secondErrors.push(error)});
			await expect.poll(() => secondErrors.length, {timeout: 20_000, interval: 20}).toBe(1);
			const ticksBefore = firstTicks;
			await expect.poll(() => firstTicks, {timeout: 20_000, interval: 20}).toBeGreaterThan(ticksBefore + 2);
			await second.stop();
			expect(secondTicks).toBe(0);
			expect(secondErrors[0]).toBeInstanceOf(SimulatorBusyError);
			expect((secondErrors[0] as Error).message).toMatch(/another simulator is running against this database \(backend pid \d+/);
		} finally {
			await first.stop();
		}
		// The first one's stop() let go of the database: a new simulator runs.
		const third = startSimulator(secondSql, {tickMs: 50, seed: 7, onTick: () => secondTicks++, onError: error => secondErrors.push(error)});
		try {
			await expect.poll(() => secondTicks, {timeout: 20_000, interval: 20}).toBeGreaterThanOrEqual(1);
			expect(secondErrors).toHaveLength(1);
		} finally {
			await third.stop();
			await Promise.all([firstSql.end({timeout: 1}), secondSql.end({timeout: 1})]);
		}
	});

	it('stops cleanly: no tick runs after stop() resolves', async () => {
		const sql = db.connect({max: 1});
		let count = 0;
		const simulator = startSimulator(sql, {tickMs: 20, onTick: () => count++});
		while (count < 2) await new Promise(resolve => setTimeout(resolve, 10));
		await simulator.stop();
		const stoppedAt = count;
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(count).toBe(stoppedAt);
	});
});
