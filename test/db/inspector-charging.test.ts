// The inspector's charging line for a session in progress: energy delivered so far and the power drawn now come
// from the session's meter values, not from the session row (0 kWh until it ends) or the connector's rating.
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {createConsoleData} from '../../source/app/console-sources.js';
import {getCurrentChargingSession} from '../../source/db/queries/vehicles.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let sql: Sql;
let charging: fixture.VehicleFixture;
let waiting: fixture.VehicleFixture;

async function session(v: fixture.VehicleFixture, startedAt: Date, meter: Array<{at: Date; powerKw: number; energyKwh: number}>): Promise<void> {
	const [station] = await sql<{id: string}[]>`
		insert into charging_stations (organization_id, name, location)
		values (${v.organizationId}, ${`Depot ${v.vin}`}, st_setsrid(st_makepoint(31.2357, 30.0444), 4326)::geography) returning id`;
	const [connector] = await sql<{id: string}[]>`
		insert into charging_connectors (station_id, organization_id, connector_number, connector_type, max_power_kw, status)
		values (${station!.id}, ${v.organizationId}, 1, 'CCS2', 150, 'occupied') returning id`;
	const [row] = await sql<{id: string}[]>`
		insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, start_soc_pct, status)
		values (${v.organizationId}, ${v.id}, ${connector!.id}, ${startedAt}, 20, 'active') returning id`;
	for (const value of meter) {
		await sql`insert into charging_session_metrics (session_id, organization_id, recorded_at, power_kw, energy_kwh)
			values (${row!.id}, ${v.organizationId}, ${value.at}, ${value.powerKw}, ${value.energyKwh})`;
	}
}

beforeAll(async () => {
	db = await createTestDatabase();
	sql = db.sql;
	const org = await fixture.organization(sql);
	const depot = await fixture.fleet(sql, org.id);
	charging = await fixture.vehicle(sql, {organizationId: org.id, fleetId: depot.id});
	waiting = await fixture.vehicle(sql, {organizationId: org.id, fleetId: depot.id});
	const started = new Date(Date.now() - 30 * 60_000);
	await session(charging, started, [
		{at: new Date(started.getTime() + 5 * 60_000), powerKw: 48.5, energyKwh: 4.1},
		{at: new Date(started.getTime() + 20 * 60_000), powerKw: 46.2, energyKwh: 15.9},
		{at: new Date(started.getTime() + 25 * 60_000), powerKw: 31.7, energyKwh: 19.4},
	]);
	await session(waiting, new Date(Date.now() - 60_000), []);
});

afterAll(async () => {
	await db?.close();
});

it('shows the energy delivered so far and the power drawn now, from the newest meter value', async () => {
	const now = (await createConsoleData(sql).vehicle.find(charging.id))?.chargingSession;
	expect(now).toMatchObject({energyKwh: 19.4, powerKw: 31.7, connectorNumber: 1, connectorType: 'CCS2'});
});

it('before the first meter value: no power (not the connector rating), the session energy', async () => {
	const row = await getCurrentChargingSession(sql, waiting.id);
	expect(row).toMatchObject({energyKwh: 0, powerKw: null, meterAt: null, maxPowerKw: 150});
	const now = (await createConsoleData(sql).vehicle.find(waiting.id))?.chargingSession;
	expect(now?.powerKw).toBeNull();
});
