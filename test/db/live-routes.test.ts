import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {liveRoutes} from '../../source/db/queries/routes.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {chargingStation, fleet, organization, report, vehicle} from './live-fixtures.js';

let db: TestDatabase;
let org: string;
let fleetId: string;

// Five waypoints east along latitude 30.0, 0.1° (~9.6 km) apart; the route's plan is 40 kWh for all of it.
async function plannedRoute(name: string, options: {chargeStopAt?: number} = {}): Promise<{routeId: string; waypointIds: string[]}> {
	const {sql} = db;
	const [route] = await sql<{id: string}[]>`insert into routes (organization_id, fleet_id, name, planned_energy_kwh, status) values (${org}, ${fleetId}, ${name}, 40, 'active') returning id`;
	const station = options.chargeStopAt ? await chargingStation(sql, {name: `${name} stop`, lat: 30, lon: 31.2 + options.chargeStopAt * 0.1}) : undefined;
	const waypointIds: string[] = [];
	for (let sequence = 1; sequence <= 5; sequence++) {
		const [w] = await sql<{id: string}[]>`
			insert into route_waypoints (organization_id, route_id, sequence, name, location, planned_arrival_at, charging_station_id)
			values (${org}, ${route!.id}, ${sequence}, ${`WP ${sequence}`}, st_setsrid(st_makepoint(${31.2 + sequence * 0.1}, 30), 4326)::geography,
			        now() - interval '1 hour' + make_interval(mins => ${sequence * 20}),
			        ${sequence === options.chargeStopAt ? station!.id : null})
			returning id`;
		waypointIds.push(w!.id);
	}
	return {routeId: route!.id, waypointIds};
}

async function assign(routeId: string, waypointIds: string[], spec: {plate: string; done: number; soc: number; lateMinutes?: number; atLon: number}) {
	const {sql} = db;
	const v = await vehicle(sql, org, fleetId, {plate: spec.plate, usableKwh: 60});
	const [driver] = await sql<{id: string}[]>`insert into users (organization_id, email, full_name) values (${org}, ${`${spec.plate.replace(' ', '')}@example.com`}, ${`Driver ${spec.plate}`}) returning id`;
	const [a] = await sql<{id: string}[]>`
		insert into route_assignments (organization_id, route_id, vehicle_id, driver_id, planned_start_at, actual_start_at, status)
		values (${org}, ${routeId}, ${v.id}, ${driver!.id}, now() - interval '1 hour', now() - interval '1 hour', 'in_progress') returning id`;
	for (let i = 0; i < spec.done; i++) {
		await sql`insert into route_progress (organization_id, assignment_id, waypoint_id, arrived_at)
		          select ${org}, ${a!.id}, id, planned_arrival_at + make_interval(mins => ${spec.lateMinutes ?? 0}) from route_waypoints where id = ${waypointIds[i]!}`;
	}
	await report(sql, org, v.id, {soc: spec.soc, lat: 30, lon: spec.atLon});
	return {assignmentId: a!.id, vehicleId: v.id};
}

beforeAll(async () => {
	db = await createTestDatabase();
	org = await organization(db.sql, 'routes-live');
	fleetId = await fleet(db.sql, org, 'Routes depot');
	const plenty = await plannedRoute('Plenty');
	await assign(plenty.routeId, plenty.waypointIds, {plate: 'RT 1', done: 2, soc: 80, atLon: 31.45});
	const short = await plannedRoute('Short of charge');
	await assign(short.routeId, short.waypointIds, {plate: 'RT 2', done: 1, soc: 20, lateMinutes: 25, atLon: 31.3});
	const stop = await plannedRoute('With a charging stop', {chargeStopAt: 3});
	await assign(stop.routeId, stop.waypointIds, {plate: 'RT 3', done: 1, soc: 45, atLon: 31.3});
	// Not in progress: never listed.
	const [idle] = await db.sql<{id: string}[]>`select id from routes where name = 'Plenty'`;
	const v = await vehicle(db.sql, org, fleetId, {plate: 'RT 9'});
	await db.sql`insert into route_assignments (organization_id, route_id, vehicle_id, planned_start_at, status) values (${org}, ${idle!.id}, ${v.id}, now() + interval '1 day', 'scheduled')`;
});

afterAll(async () => {
	await db?.close();
});

describe('liveRoutes', () => {
	it('lists assignments in progress, those that cannot finish first', async () => {
		const snapshot = await liveRoutes(db.sql, {});
		expect(snapshot.rows.map(r => r.plate)).toEqual(['RT 2', 'RT 3', 'RT 1']); // RT 2 cannot finish; then the latest
		// RT 2 arrived 25 min late; RT 3's next waypoint was due 20 min ago.
		expect(snapshot.summary).toEqual({inProgress: 3, late: 2, cannotFinish: 1});
	});

	it('has waypoints done / total, the next waypoint, its distance from the live position, and ETA drift', async () => {
		const snapshot = await liveRoutes(db.sql, {});
		const rt1 = snapshot.rows.find(r => r.plate === 'RT 1')!;
		expect(rt1).toMatchObject({waypointsDone: 2, waypointsTotal: 5, nextWaypointSequence: 3, nextWaypointName: 'WP 3', driverName: 'Driver RT 1', routeName: 'Plenty', socPct: 80});
		// 31.45 → 31.5 along latitude 30: about 4.8 km
		expect(rt1.nextDistanceM).toBeGreaterThan(4500);
		expect(rt1.nextDistanceM).toBeLessThan(5100);
		const rt2 = snapshot.rows.find(r => r.plate === 'RT 2')!;
		expect(rt2.etaDriftSeconds).toBeGreaterThanOrEqual(25 * 60 - 5);
	});

	it('compares the charge left with the energy still needed and flags who cannot finish', async () => {
		const snapshot = await liveRoutes(db.sql, {});
		const rt1 = snapshot.rows.find(r => r.plate === 'RT 1')!;
		const rt2 = snapshot.rows.find(r => r.plate === 'RT 2')!;
		// Legs are 0.1° each (4 legs, 40 kWh): RT 1 is half a leg from WP 3, then 2 legs → 2.5/4 × 40 = 25 kWh.
		expect(rt1.neededKwh).toBeCloseTo(25, 0);
		expect(rt1.availableKwh).toBeCloseTo((80 - 5) / 100 * 60, 1);
		expect(rt1.cannotFinish).toBe(false);
		// RT 2 stands at WP 1: all 4 legs ahead (40 kWh) with (20 - 5) % of 60 = 9 kWh.
		expect(rt2.neededKwh).toBeCloseTo(40, 0);
		expect(rt2.availableKwh).toBeCloseTo(9, 1);
		expect(rt2.cannotFinish).toBe(true);
	});

	it('counts only the energy to the next planned charging stop', async () => {
		const snapshot = await liveRoutes(db.sql, {});
		const rt3 = snapshot.rows.find(r => r.plate === 'RT 3')!;
		expect(rt3.nextChargeStopSequence).toBe(3);
		// From WP 1 to the stop at WP 3: 2 legs of 4 → 20 kWh (40 to the end); it has (45 - 5) % of 60 = 24 kWh.
		expect(rt3.neededKwh).toBeCloseTo(20, 0);
		expect(rt3.availableKwh).toBeCloseTo(24, 1);
		expect(rt3.cannotFinish).toBe(false);
	});

	it('follows progress: a waypoint reached moves the next one on', async () => {
		const before = (await liveRoutes(db.sql, {})).rows.find(r => r.plate === 'RT 1')!;
		await db.sql`insert into route_progress (organization_id, assignment_id, waypoint_id, arrived_at)
		             select ${org}, ${before.assignmentId}, w.id, now() from route_waypoints w where w.route_id = ${before.routeId} and w.sequence = 3`;
		const after = (await liveRoutes(db.sql, {})).rows.find(r => r.plate === 'RT 1')!;
		expect(after).toMatchObject({waypointsDone: 3, nextWaypointSequence: 4});
	});
});

describe('liveRoutes plan', () => {
	it('reads live state and route tables, never the telematics history (EXPLAIN)', async () => {
		const texts: string[] = [];
		const spy = db.connect({max: 1});
		(spy as unknown as {options: {debug: unknown}}).options.debug = (_c: number, query: string, parameters: unknown[]) => texts.push(JSON.stringify({query, parameters}));
		await liveRoutes(spy, {fleetId, limit: 10});
		const {query, parameters} = JSON.parse(texts.at(-1)!) as {query: string; parameters: unknown[]};
		const plan = (await db.sql.unsafe(`explain ${query}`, parameters as never[])).map(row => Object.values(row)[0]).join('\n');
		expect(plan).toContain('vehicle_live_state');
		expect(plan).not.toMatch(/vehicle_telematics/);
	});
});
