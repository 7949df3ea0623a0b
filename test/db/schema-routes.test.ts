// routes_schema.sql: waypoint sequences, assignment rules, active_routes_status progress and ETA drift.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let org: string;
let vehicleId: string;
let driverId: string;

async function route(name: string): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`insert into routes (organization_id, name, status, planned_distance_km) values (${org}, ${name}, 'active', 120) returning id`;
	return row!.id;
}

async function waypoint(routeId: string, sequence: number, plannedArrival: Date | null, stationId: string | null = null): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into route_waypoints (organization_id, route_id, sequence, name, location, planned_arrival_at, charging_station_id)
		values (${org}, ${routeId}, ${sequence}, ${`stop ${sequence}`}, st_setsrid(st_makepoint(${8 + sequence / 10}, 50), 4326)::geography, ${plannedArrival}, ${stationId})
		returning id`;
	return row!.id;
}

async function assignment(routeId: string, status = 'in_progress'): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into route_assignments (organization_id, route_id, vehicle_id, driver_id, planned_start_at, actual_start_at, status)
		values (${org}, ${routeId}, ${vehicleId}, ${driverId}, now() - interval '2 hours', now() - interval '2 hours', ${status}) returning id`;
	return row!.id;
}

async function reach(assignmentId: string, waypointId: string, arrivedAt: Date): Promise<void> {
	await db.sql`
		insert into route_progress (organization_id, assignment_id, waypoint_id, arrived_at, soc_on_arrival_pct)
		values (${org}, ${assignmentId}, ${waypointId}, ${arrivedAt}, 60)`;
}

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

beforeAll(async () => {
	db = await createTestDatabase();
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Routes', 'routes') returning id`;
	org = o!.id;
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Depot') returning id`;
	const [v] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, plate, make, model, battery_capacity_kwh)
		values (${org}, ${f!.id}, 'WVWZZZ1KZDW000001', 'R-1', 'VW', 'ID.Buzz', 82) returning id`;
	vehicleId = v!.id;
	const [u] = await db.sql<Array<{id: string}>>`insert into users (organization_id, email, full_name) values (${org}, 'driver@example.com', 'Dana Driver') returning id`;
	driverId = u!.id;
});

afterAll(async () => {
	await db?.close();
});

describe('route constraints', () => {
	it('keeps waypoint sequences unique per route', async () => {
		const r = await route('unique');
		await waypoint(r, 1, null);
		await expect(waypoint(r, 1, null)).rejects.toMatchObject({constraint_name: 'route_waypoints_sequence_unique'});
	});

	it('rejects an unknown assignment status', async () => {
		await expect(assignment(await route('status'), 'lost')).rejects.toMatchObject({constraint_name: 'route_assignments_status_valid'});
	});

	it('rejects progress on a waypoint of another organization', async () => {
		const [other] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Other', 'routes-other') returning id`;
		const [r] = await db.sql<Array<{id: string}>>`insert into routes (organization_id, name) values (${other!.id}, 'theirs') returning id`;
		const [w] = await db.sql<Array<{id: string}>>`
			insert into route_waypoints (organization_id, route_id, sequence, location) values (${other!.id}, ${r!.id}, 1, 'SRID=4326;POINT(8 50)') returning id`;
		const a = await assignment(await route('mine'));
		await expect(reach(a, w!.id, new Date())).rejects.toMatchObject({constraint_name: 'route_progress_waypoint_fk'});
	});
});

describe('active_routes_status', () => {
	it('counts waypoints done and total and names the next one', async () => {
		const r = await route('Frankfurt loop');
		const w1 = await waypoint(r, 1, minutesFromNow(-90));
		const w2 = await waypoint(r, 2, minutesFromNow(-30));
		await waypoint(r, 3, minutesFromNow(30));
		await waypoint(r, 4, minutesFromNow(90));
		const a = await assignment(r);
		await reach(a, w1, minutesFromNow(-85));
		await reach(a, w2, minutesFromNow(-20));
		const [row] = await db.sql<Array<Record<string, unknown>>>`select * from active_routes_status where assignment_id = ${a}`;
		expect(row).toMatchObject({routeName: 'Frankfurt loop', vin: 'WVWZZZ1KZDW000001', driverName: 'Dana Driver', waypointsTotal: 4, waypointsDone: 2, nextWaypointSequence: 3, nextWaypointName: 'stop 3'});
		// 10 minutes late at stop 2; stop 3 is still ahead.
		expect(row!['etaDriftSeconds']).toBeCloseTo(600, -1);
	});

	it('counts the lateness of an overdue next waypoint', async () => {
		const r = await route('Overdue');
		await waypoint(r, 1, minutesFromNow(-45));
		const a = await assignment(r);
		const [row] = await db.sql<Array<{waypointsDone: number; etaDriftSeconds: number}>>`select waypoints_done, eta_drift_seconds from active_routes_status where assignment_id = ${a}`;
		expect(row!.waypointsDone).toBe(0);
		expect(row!.etaDriftSeconds).toBeCloseTo(45 * 60, -1);
	});

	it('lists only assignments in progress', async () => {
		const a = await assignment(await route('Later'), 'scheduled');
		expect(await db.sql`select 1 from active_routes_status where assignment_id = ${a}`).toHaveLength(0);
	});
});
