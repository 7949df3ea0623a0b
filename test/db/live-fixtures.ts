// Small worlds for the live-query tests: builders that insert through the same paths as ingestion
// (telematics rows into vehicle_telematics; the live state follows by trigger).
import type {Sql} from '../../source/db/connection.js';

let serial = 0;
const vinAlphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

export function vin(): string {
	serial++;
	let n = serial;
	let tail = '';
	for (let i = 0; i < 6; i++) {
		tail = vinAlphabet[n % vinAlphabet.length] + tail;
		n = Math.floor(n / vinAlphabet.length);
	}
	return `LGXCE4CB0P0${tail}`;
}

export async function organization(sql: Sql, slug: string): Promise<string> {
	const [row] = await sql<{id: string}[]>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
	return row!.id;
}

export async function fleet(sql: Sql, organizationId: string, name: string): Promise<string> {
	const [row] = await sql<{id: string}[]>`insert into fleets (organization_id, name) values (${organizationId}, ${name}) returning id`;
	return row!.id;
}

export type VehicleSpec = {status?: string; plate?: string; batteryKwh?: number; usableKwh?: number};

export async function vehicle(sql: Sql, organizationId: string, fleetId: string, spec: VehicleSpec = {}): Promise<{id: string; vin: string}> {
	const v = vin();
	const [row] = await sql<{id: string}[]>`
		insert into vehicles (organization_id, fleet_id, vin, plate, make, model, battery_capacity_kwh, usable_capacity_kwh, status)
		values (${organizationId}, ${fleetId}, ${v}, ${spec.plate ?? null}, 'BYD', 'Atto 3', ${spec.batteryKwh ?? 60.5}, ${spec.usableKwh ?? 60}, ${spec.status ?? 'active'})
		returning id`;
	return {id: row!.id, vin: v};
}

export type Report = {secondsAgo?: number; soc?: number; speed?: number; power?: number; temp?: number; lat?: number; lon?: number};

/** One telematics row (as a device would send it); the live state follows by trigger. */
export async function report(sql: Sql, organizationId: string, vehicleId: string, r: Report = {}): Promise<void> {
	await sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, power_kw, pack_temp_c, location)
		values (${vehicleId}, ${organizationId}, now() - make_interval(secs => ${r.secondsAgo ?? 0}), ${r.soc ?? 60}, ${r.speed ?? 30},
		        ${r.power ?? 10}, ${r.temp ?? 28}, st_setsrid(st_makepoint(${r.lon ?? 31.2357}, ${r.lat ?? 30.0444}), 4326)::geography)`;
}

export async function chargingStation(sql: Sql, spec: {organizationId?: string | null; name: string; lat: number; lon: number; heartbeatSecondsAgo?: number | null; connectors?: string[]}): Promise<{id: string; connectorIds: string[]}> {
	const [row] = await sql<{id: string}[]>`
		insert into charging_stations (organization_id, operator_name, name, location, last_heartbeat_at)
		values (${spec.organizationId ?? null}, ${spec.organizationId ? null : 'Public operator'}, ${spec.name},
		        st_setsrid(st_makepoint(${spec.lon}, ${spec.lat}), 4326)::geography,
		        ${spec.heartbeatSecondsAgo === null ? null : sql`now() - make_interval(secs => ${spec.heartbeatSecondsAgo ?? 10})`})
		returning id`;
	const connectorIds: string[] = [];
	for (const [i, status] of (spec.connectors ?? ['available']).entries()) {
		const [c] = await sql<{id: string}[]>`
			insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw, price_per_kwh, price_per_minute, currency, status, supports_v2g)
			values (${row!.id}, ${i + 1}, 'CCS2', 50, 0.5, 0.1, 'EGP', ${status}, true)
			returning id`;
		connectorIds.push(c!.id);
	}
	return {id: row!.id, connectorIds};
}

export async function startSession(sql: Sql, spec: {organizationId: string; vehicleId: string; connectorId: string; minutesAgo: number; startSoc: number; v2g?: boolean}): Promise<string> {
	const [row] = await sql<{id: string}[]>`
		insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, start_soc_pct, target_soc_pct, is_v2g, status, currency)
		values (${spec.organizationId}, ${spec.vehicleId}, ${spec.connectorId}, now() - make_interval(mins => ${spec.minutesAgo}), ${spec.startSoc}, 80, ${spec.v2g ?? false}, 'active', 'EGP')
		returning id`;
	return row!.id;
}

export async function meter(sql: Sql, spec: {organizationId: string; sessionId: string; secondsAgo: number; powerKw: number; energyKwh: number; soc: number; direction?: 'from_grid' | 'to_grid'}): Promise<void> {
	await sql`
		insert into charging_session_metrics (session_id, organization_id, recorded_at, direction, power_kw, energy_kwh, soc_pct)
		values (${spec.sessionId}, ${spec.organizationId}, now() - make_interval(secs => ${spec.secondsAgo}), ${spec.direction ?? 'from_grid'}, ${spec.powerKw}, ${spec.energyKwh}, ${spec.soc})`;
}
