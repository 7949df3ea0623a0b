// charging_schema.sql: no overlapping sessions, connector organization, active_charging_sessions, nearest available connectors.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let org: string;
let fleetId: string;
let vinCounter = 0;

async function vehicle(): Promise<string> {
	vinCounter += 1;
	const [row] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh, v2g_capable)
		values (${org}, ${fleetId}, ${`WVWZZZ1KZCW${String(vinCounter).padStart(6, '0')}`}, 'VW', 'ID.4', 77, true) returning id`;
	return row!.id;
}

async function station(options: {lon: number; lat: number; owner?: string | null; status?: string; name?: string}): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into charging_stations (organization_id, operator_name, name, location, status)
		values (${options.owner ?? null}, 'Ionity', ${options.name ?? 'Station'}, st_setsrid(st_makepoint(${options.lon}, ${options.lat}), 4326)::geography, ${options.status ?? 'active'})
		returning id`;
	return row!.id;
}

async function connector(stationId: string, n: number, type = 'CCS2', status = 'available'): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw, price_per_kwh, status)
		values (${stationId}, ${n}, ${type}, 150, 0.59, ${status}) returning id`;
	return row!.id;
}

async function session(vehicleId: string, connectorId: string, startedAt: string, endedAt: string | null, status = endedAt ? 'completed' : 'active') {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, ended_at, status, start_soc_pct)
		values (${org}, ${vehicleId}, ${connectorId}, ${startedAt}::timestamptz, ${endedAt}::timestamptz, ${status}, 20) returning id`;
	return row!.id;
}

beforeAll(async () => {
	db = await createTestDatabase();
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Charge', 'charge') returning id`;
	org = o!.id;
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Depot') returning id`;
	fleetId = f!.id;
});

afterAll(async () => {
	await db?.close();
});

describe('charging sessions', () => {
	it('rejects two overlapping sessions on one connector', async () => {
		const c = await connector(await station({lon: 10, lat: 50}), 1);
		await session(await vehicle(), c, '2026-01-10 10:00Z', '2026-01-10 11:00Z');
		await expect(session(await vehicle(), c, '2026-01-10 10:30Z', '2026-01-10 12:00Z')).rejects.toMatchObject({
			constraint_name: 'charging_sessions_connector_no_overlap',
		});
	});

	it('rejects a second session on a connector still occupied by an open one', async () => {
		const c = await connector(await station({lon: 10.1, lat: 50}), 1);
		await session(await vehicle(), c, '2026-01-11 10:00Z', null);
		await expect(session(await vehicle(), c, '2026-01-12 10:00Z', '2026-01-12 11:00Z')).rejects.toMatchObject({
			constraint_name: 'charging_sessions_connector_no_overlap',
		});
	});

	it('rejects one vehicle charging on two connectors at once', async () => {
		const s = await station({lon: 10.2, lat: 50});
		const v = await vehicle();
		await session(v, await connector(s, 1), '2026-01-13 10:00Z', '2026-01-13 11:00Z');
		await expect(session(v, await connector(s, 2), '2026-01-13 10:59Z', '2026-01-13 12:00Z')).rejects.toMatchObject({
			constraint_name: 'charging_sessions_vehicle_no_overlap',
		});
	});

	it('accepts back-to-back sessions and ignores cancelled ones', async () => {
		const c = await connector(await station({lon: 10.3, lat: 50}), 1);
		await session(await vehicle(), c, '2026-01-14 10:00Z', '2026-01-14 11:00Z');
		await session(await vehicle(), c, '2026-01-14 11:00Z', '2026-01-14 12:00Z');
		await session(await vehicle(), c, '2026-01-14 11:30Z', '2026-01-14 11:45Z', 'cancelled');
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from charging_sessions where connector_id = ${c}`) as unknown as [{n: number}];
		expect(n).toBe(3);
	});

	it('rejects an end before the start and a SoC above 100', async () => {
		const c = await connector(await station({lon: 10.4, lat: 50}), 1);
		await expect(session(await vehicle(), c, '2026-01-15 10:00Z', '2026-01-15 09:00Z')).rejects.toMatchObject({constraint_name: 'charging_sessions_time_order'});
		await expect(db.sql`
			insert into charging_sessions (organization_id, vehicle_id, connector_id, start_soc_pct) values (${org}, ${await vehicle()}, ${c}, 120)`).rejects.toMatchObject({
			constraint_name: 'charging_sessions_start_soc_range',
		});
	});
});

describe('connectors', () => {
	it('take the organization of their station', async () => {
		const own = await station({lon: 11, lat: 50, owner: org});
		const pub = await station({lon: 11.1, lat: 50, owner: null});
		const rows = await db.sql<Array<{organizationId: string | null}>>`
			select organization_id from charging_connectors where id in (${await connector(own, 1)}, ${await connector(pub, 1)}) order by organization_id nulls last`;
		expect(rows.map(r => r.organizationId)).toEqual([org, null]);
	});

	it('reject an unknown connector type', async () => {
		await expect(connector(await station({lon: 11.2, lat: 50}), 1, 'Schuko')).rejects.toMatchObject({constraint_name: 'charging_connectors_type_valid'});
	});
});

describe('active_charging_sessions', () => {
	it('shows an open session with elapsed time and its latest meter value', async () => {
		const s = await station({lon: 12, lat: 51, name: 'Leipzig Hub'});
		const c = await connector(s, 3);
		const v = await vehicle();
		const id = await session(v, c, new Date(Date.now() - 20 * 60_000).toISOString(), null);
		await db.sql`
			insert into charging_session_metrics (session_id, organization_id, recorded_at, power_kw, energy_kwh, soc_pct)
			values (${id}, ${org}, now() - interval '10 minutes', 100, 15, 40), (${id}, ${org}, now() - interval '1 minute', 80, 27.5, 55)`;
		const rows = await db.sql<Array<Record<string, unknown>>>`select * from active_charging_sessions where session_id = ${id}`;
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({vehicleId: v, stationName: 'Leipzig Hub', connectorNumber: 3, energyKwh: 27.5, currentPowerKw: 80, socPct: 55});
		expect(rows[0]!['elapsedSeconds']).toBeGreaterThan(19 * 60);
	});

	it('leaves out finished sessions', async () => {
		const c = await connector(await station({lon: 12.1, lat: 51}), 1);
		const id = await session(await vehicle(), c, '2026-02-01 08:00Z', '2026-02-01 09:00Z');
		const rows = await db.sql`select 1 from active_charging_sessions where session_id = ${id}`;
		expect(rows).toHaveLength(0);
	});
});

describe('nearest_available_connectors', () => {
	/** A connection whose statements, nested ones included, send their plans as notices (auto_explain). */
	async function explaining() {
		const notices: string[] = [];
		const sql = db.connect({max: 1, onNotice: message => notices.push(message)});
		await sql`load 'auto_explain'`;
		await sql`set auto_explain.log_min_duration = 0`;
		await sql`set auto_explain.log_nested_statements = on`;
		await sql`set auto_explain.log_level = notice`;
		return {sql, notices};
	}

	// A cluster of stations around (2.35, 48.85), Paris, far from the other tests' stations.
	let near: string;
	let nearer: string;
	let busy: string;
	let offline: string;

	beforeAll(async () => {
		nearer = await station({lon: 2.351, lat: 48.851, name: 'nearer'});
		near = await station({lon: 2.36, lat: 48.86, name: 'near'});
		busy = await station({lon: 2.3505, lat: 48.8505, name: 'busy'});
		offline = await station({lon: 2.3502, lat: 48.8502, name: 'offline', status: 'offline'});
		await connector(nearer, 1, 'CCS2');
		await connector(nearer, 2, 'Type2');
		await connector(near, 1, 'CCS2');
		await connector(near, 2, 'CCS2');
		await connector(busy, 1, 'CCS2', 'occupied');
		await connector(offline, 1, 'CCS2');
		await connector(await station({lon: 2.9, lat: 48.85, name: 'far'}), 1, 'CCS2');
		// Enough other stations that the planner has a real choice, each with an available connector as real ones
		// have (with none, starting from the few connectors would rightly beat walking the stations).
		await db.sql`
			insert into charging_stations (operator_name, name, location)
			select 'Filler', 'filler ' || i, st_setsrid(st_makepoint(-5 + (i % 100) * 0.1, 40 + (i / 100) * 0.1), 4326)::geography
			from generate_series(1, 5000) i`;
		await db.sql`
			insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw, price_per_kwh, status)
			select id, 1, 'CCS2', 150, 0.59, 'available' from charging_stations where operator_name = 'Filler'`;
		await db.sql`analyze charging_stations`;
		await db.sql`analyze charging_connectors`;
	});

	it('returns available connectors of the type, nearest first, skipping busy and offline stations', async () => {
		const rows = await db.sql<Array<{stationName: string; connectorNumber: number; connectorType: string; distanceM: number}>>`
			select station_name, connector_number, connector_type, distance_m from nearest_available_connectors(2.35, 48.85, 'CCS2', 10, 5)`;
		expect(rows.map(r => [r.stationName, r.connectorNumber])).toEqual([['nearer', 1], ['near', 1], ['near', 2]]);
		expect(rows.every(r => r.connectorType === 'CCS2')).toBe(true);
		expect(rows[0]!.distanceM).toBeLessThan(rows[1]!.distanceM);
		expect(rows[0]!.distanceM).toBeGreaterThan(100);
		expect(rows[0]!.distanceM).toBeLessThan(200);
	});

	it('honours the radius, the limit and "any type"', async () => {
		const wide = await db.sql<Array<{stationName: string}>>`select station_name from nearest_available_connectors(2.35, 48.85, 'CCS2', 50, 10)`;
		expect(wide.map(r => r.stationName)).toContain('far');
		const any = await db.sql<Array<{connectorType: string}>>`select connector_type from nearest_available_connectors(2.35, 48.85, null, 10, 2)`;
		expect(any.map(r => r.connectorType).sort()).toEqual(['CCS2', 'Type2']);
		const none = await db.sql`select 1 from nearest_available_connectors(2.35, 48.85, 'CHAdeMO', 10, 5)`;
		expect(none).toHaveLength(0);
	});

	it('answers a type no available connector has without walking the stations', async () => {
		const {sql, notices} = await explaining();
		expect(await sql`select * from nearest_available_connectors(2.35, 48.85, 'NACS', 10, 5)`).toHaveLength(0);
		const plans = notices.join('\n');
		expect(plans).toMatch(/charging_connectors/);
		expect(plans).not.toMatch(/on charging_stations/);
		// A type that exists still gets its walk.
		notices.length = 0;
		expect((await sql`select * from nearest_available_connectors(2.35, 48.85, 'Type2', 10, 5)`).length).toBeGreaterThan(0);
		expect(notices.join('\n')).toMatch(/Index Scan using charging_stations_location_gist on charging_stations/);
	});

	it('walks the station GiST index in distance order (KNN)', async () => {
		const {sql, notices} = await explaining();
		await sql`select * from nearest_available_connectors(2.35, 48.85, 'CCS2', 10, 5)`;
		const plan = notices.find(n => n.includes('charging_stations')) ?? notices.join('\n');
		expect(plan).toMatch(/Index Scan using charging_stations_location_gist on charging_stations/);
		expect(plan).toMatch(/Order By: \(location <-> /);
		expect(plan).not.toMatch(/Seq Scan on charging_stations/);
	});
});
