// Small fixture builders for the browse tests: organizations, fleets, vehicles, live state and telematics.
import type {Sql} from '../../source/db/connection.js';

let counter = 0;
const next = () => ++counter;

export async function organization(sql: Sql, overrides: {slug?: string; name?: string; plan?: string} = {}): Promise<{id: string; slug: string; name: string}> {
	const n = next();
	const slug = overrides.slug ?? `org-${n}-${process.pid}`;
	const [row] = await sql<{id: string; slug: string; name: string}[]>`
		insert into organizations (name, slug, subscription_plan)
		values (${overrides.name ?? `Organization ${n}`}, ${slug}, ${overrides.plan ?? 'professional'})
		returning id, slug, name`;
	return row!;
}

export async function fleet(sql: Sql, organizationId: string, overrides: {name?: string; depot?: [longitude: number, latitude: number] | null} = {}): Promise<{id: string; name: string}> {
	const depot: [number, number] | null = overrides.depot === undefined ? [13.405, 52.52] : overrides.depot;
	const [row] = await sql<{id: string; name: string}[]>`
		insert into fleets (organization_id, name, depot_address, depot_location)
		values (${organizationId}, ${overrides.name ?? `Fleet ${next()}`}, 'Depot street 1',
		        ${depot ? sql`st_setsrid(st_makepoint(${depot[0]}, ${depot[1]}), 4326)::geography` : sql`null`})
		returning id, name`;
	return row!;
}

/** A valid 17-character VIN ending in the given serial number. */
export function vin(serial: number, prefix = 'WVWZZZ1KZAW'): string {
	return (prefix + String(serial).padStart(17 - prefix.length, '0')).slice(0, 17);
}

export type VehicleFixture = {id: string; vin: string; plate: string | null; organizationId: string; fleetId: string};

export async function vehicle(
	sql: Sql,
	owner: {organizationId: string; fleetId: string},
	overrides: {vin?: string; plate?: string | null; make?: string; model?: string; status?: string; connectorTypes?: string[]} = {},
): Promise<VehicleFixture> {
	const n = next();
	const [row] = await sql<VehicleFixture[]>`
		insert into vehicles (organization_id, fleet_id, vin, plate, make, model, model_year, battery_capacity_kwh, connector_types, status)
		values (${owner.organizationId}, ${owner.fleetId}, ${overrides.vin ?? vin(n * 7919 + process.pid)}, ${overrides.plate === undefined ? `B-EV ${n}` : overrides.plate},
		        ${overrides.make ?? 'Volkswagen'}, ${overrides.model ?? 'ID.4'}, 2023, 77, ${overrides.connectorTypes ?? ['CCS2', 'Type2']}, ${overrides.status ?? 'active'})
		returning id, vin, plate, organization_id, fleet_id`;
	return row!;
}

export type TelematicsFixture = {at: Date; soc?: number; longitude?: number; latitude?: number};

/** Telematics rows (one INSERT, so the live-state trigger runs once). */
export async function telematics(sql: Sql, v: {id: string; organizationId: string}, rows: TelematicsFixture[]): Promise<void> {
	if (rows.length === 0) return;
	await sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, location)
		select ${v.id}::uuid, ${v.organizationId}::uuid, r.at, r.soc, 30, st_setsrid(st_makepoint(r.lon, r.lat), 4326)::geography
		from unnest(${rows.map(r => r.at.toISOString())}::timestamptz[], ${rows.map(r => r.soc ?? 50)}::real[],
		            ${rows.map(r => r.longitude ?? 13.45)}::float8[], ${rows.map(r => r.latitude ?? 52.53)}::float8[]) as r(at, soc, lon, lat)`;
}

/** n rows, one every stepSeconds, ending at end (newest). */
export function series(n: number, end: Date, stepSeconds: number): TelematicsFixture[] {
	return Array.from({length: n}, (_, i) => ({at: new Date(end.getTime() - (n - 1 - i) * stepSeconds * 1000), soc: 20 + (i % 80)}));
}
