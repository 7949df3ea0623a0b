// Vehicles: the browse list (filters, search, keyset pages), finding one by VIN / plate / id, close matches,
// and everything the inspector shows about one vehicle.
import type {Sql} from 'postgres';
import {nearestAvailableConnectors} from './charging.js';
import {escapeLike, isUuid} from './organizations.js';
import {clampLimit, countOrEstimate, keyset, toPage, type Fragment} from './paging.js';
import {parseSort, type Page, type PageRequest} from '../../model/page.js';
import type {NearestConnectorRow, VehicleBatteryReport, VehicleChargingSession, VehicleDetail, VehicleIdentity, VehicleLiveState, VehicleRouteAssignment, VehicleRow} from '../../model/data-sources.js';
import {vehicleStatuses, connectivities, connectivityThresholdSeconds, type VehicleStatus, type Connectivity} from '../../model/vehicles.js';
export {vehicleStatuses, connectivities, connectivityThresholdSeconds, type VehicleStatus, type Connectivity};

export const vehicleSorts = ['vin', 'plate', 'model', 'status', 'soc', 'lastSeen', 'fleet'] as const;
export type VehicleSort = (typeof vehicleSorts)[number];

export type VehicleListRequest = PageRequest & {
	organizationId?: string | null;
	fleetId?: string | null;
	status?: VehicleStatus | null;
	connectivity?: Connectivity | null;
	/** VIN prefix, plate prefix, id, or (for text that does not look like a VIN) make/model prefix. */
	search?: string | null;
};

const sortKeys: Record<VehicleSort, {key: string; cast: string; nullable: boolean}> = {
	vin: {key: 'v.vin', cast: 'text', nullable: false}, // vehicles_vin_unique
	plate: {key: 'v.plate', cast: 'text', nullable: true}, // vehicles_plate
	model: {key: "(v.make || ' ' || v.model)", cast: 'text', nullable: false},
	status: {key: 'v.status', cast: 'text', nullable: false},
	soc: {key: 's.soc_pct', cast: 'real', nullable: true},
	lastSeen: {key: 's.recorded_at', cast: 'timestamptz', nullable: true},
	fleet: {key: 'f.name', cast: 'text', nullable: false},
};

const vinCharacters = /^[A-HJ-NPR-Z0-9]+$/;

function connectivityCondition(sql: Sql, connectivity: Connectivity) {
	const {online, stale} = connectivityThresholdSeconds;
	switch (connectivity) {
		case 'online':
			return sql`s.recorded_at >= now() - make_interval(secs => ${online})`;
		case 'stale':
			return sql`(s.recorded_at < now() - make_interval(secs => ${online}) and s.recorded_at >= now() - make_interval(secs => ${stale}))`;
		case 'offline':
			return sql`(s.recorded_at is null or s.recorded_at < now() - make_interval(secs => ${stale}))`;
	}
}

/** Text that can only be part of a VIN (VIN alphabet, has a digit, 5+ characters): searched on indexed columns only. */
export function looksLikeVin(text: string): boolean {
	const upper = text.trim().toUpperCase();
	return upper.length >= 5 && upper.length <= 17 && vinCharacters.test(upper) && /\d/.test(upper);
}

/**
 * The indexed part of a search. VIN prefix is a range on vehicles_vin_unique that is correct in any collation
 * (VINs use [0-9A-Z] only, so every VIN starting with P lies between P and P padded with Z); plate prefix uses
 * vehicles_plate (a LIKE prefix is indexable under the C collation); an id is the primary key.
 */
function indexedSearchCondition(sql: Sql, text: string) {
	const trimmed = text.trim();
	const upper = trimmed.toUpperCase();
	const parts = [];
	if (isUuid(trimmed)) parts.push(sql`v.id = ${trimmed}::uuid`);
	if (upper.length <= 17 && vinCharacters.test(upper)) {
		parts.push(sql`(v.vin between ${upper} and ${upper.padEnd(17, 'Z')} and v.vin like ${escapeLike(upper) + '%'})`);
	}
	parts.push(sql`v.plate like ${escapeLike(trimmed) + '%'}`);
	if (upper !== trimmed) parts.push(sql`v.plate like ${escapeLike(upper) + '%'}`);
	return parts.reduce((all, part) => sql`${all} or ${part}`);
}

/** Make/model prefix: no index, so only searched when nothing matches the VIN, plate or id (and the text is no VIN). */
function modelSearchCondition(sql: Sql, text: string) {
	const pattern = escapeLike(text.trim()) + '%';
	return sql`(v.model ilike ${pattern} or (v.make || ' ' || v.model) ilike ${pattern})`;
}

const vehicleColumns = (sql: Sql) => sql`
	v.id, v.vin, v.plate, v.make, v.model, v.model_year, v.status,
	v.organization_id, o.name as organization_name, v.fleet_id, f.name as fleet_name,
	s.soc_pct, s.soh_pct, s.speed_kmh, s.recorded_at as last_seen_at,
	extract(epoch from now() - s.recorded_at)::double precision as seconds_since_report,
	connectivity_status(extract(epoch from now() - s.recorded_at)::double precision) as connectivity,
	st_y(s.location::geometry) as latitude, st_x(s.location::geometry) as longitude,
	st_distance(f.depot_location, s.location) as depot_distance_m,
	degrees(st_azimuth(f.depot_location, s.location)) as depot_bearing_deg`;

const vehicleFrom = (sql: Sql) => sql`
	from vehicles v
	join fleets f on f.id = v.fleet_id and f.organization_id = v.organization_id
	join organizations o on o.id = v.organization_id
	left join vehicle_live_state s on s.vehicle_id = v.id and s.organization_id = v.organization_id`;

export async function listVehicles(sql: Sql, request: VehicleListRequest): Promise<Page<VehicleRow>> {
	const limit = clampLimit(request.limit);
	const {sort, descending: asked} = parseSort(request.sort, vehicleSorts, 'vin');
	const descending = asked ?? false;
	const page = keyset(sql, {...sortKeys[sort], id: 'v.id'}, request, sort, descending);
	const search = request.search?.trim();
	const filtered = (searchCondition: Fragment) => sql`
		${vehicleFrom(sql)}
		where ${request.organizationId ? sql`v.organization_id = ${request.organizationId}::uuid` : sql`true`}
		  and ${request.fleetId ? sql`v.fleet_id = ${request.fleetId}::uuid` : sql`true`}
		  and ${request.status ? sql`v.status = ${request.status}` : sql`true`}
		  and ${request.connectivity ? connectivityCondition(sql, request.connectivity) : sql`true`}
		  and ${searchCondition}`;
	let from = filtered(search ? sql`(${indexedSearchCondition(sql, search)})` : sql`true`);
	if (search && !looksLikeVin(search) && !isUuid(search)) {
		// Text that could be a model: search models only when no VIN or plate matches (a probe, same answer on every page).
		const [hit] = await sql`select 1 ${from} limit 1`;
		if (!hit) from = filtered(modelSearchCondition(sql, search));
	}
	const fetched = await sql<(VehicleRow & {sortKey: string | number | Date | null; cursorKey: string | null})[]>`
		select ${vehicleColumns(sql)}, ${page.key} as sort_key, ${page.cursorKey} as cursor_key
		${from}
		  and ${page.after}
		order by ${page.orderBy}
		limit ${limit + 1}`;
	const result = toPage(fetched, limit, sort, row => row.cursorKey, await countOrEstimate(sql, from), page.read);
	return {...result, rows: result.rows.map(({sortKey: _sortKey, cursorKey: _cursorKey, ...row}) => row)};
}

/** Every vehicle that ref names exactly: its id, its VIN (any case), or its plate (as typed or upper case; plates repeat across organizations). */
export async function findVehicles(sql: Sql, ref: string): Promise<VehicleRow[]> {
	const text = ref.trim();
	if (!text) return [];
	const upper = text.toUpperCase();
	const byId = isUuid(text) ? sql`v.id = ${text}::uuid or` : sql``;
	return sql<VehicleRow[]>`
		select ${vehicleColumns(sql)}
		${vehicleFrom(sql)}
		where ${byId} v.vin = ${upper} or v.plate = ${text} or v.plate = ${upper}
		order by (v.id::text = ${text.toLowerCase()}) desc, (v.vin = ${upper}) desc, v.vin
		limit 20`;
}

/** The one vehicle ref names, or undefined when none does (a plate shared by several organizations: the first by VIN). */
export async function findVehicle(sql: Sql, ref: string): Promise<VehicleRow | undefined> {
	const [row] = await findVehicles(sql, ref);
	return row;
}

export type VehicleSuggestion = {id: string; vin: string; plate: string | null; make: string; model: string; organizationName: string; distance: number};

/**
 * Vehicles whose VIN or plate is close to ref, closest first. Candidates come from index range scans only:
 * the VINs and plates just before and after ref in index order (a typo late in a VIN lands next to the right
 * one), and VINs sharing a prefix of decreasing length (a typo early on); they are ranked by edit distance here.
 */
export async function suggestVehicles(sql: Sql, ref: string, limit = 5): Promise<VehicleSuggestion[]> {
	const text = ref.trim();
	const upper = text.toUpperCase();
	if (upper.length < 2) return [];
	type Candidate = Omit<VehicleSuggestion, 'distance'>;
	const columns = sql`v.id, v.vin, v.plate, v.make, v.model, o.name as organization_name`;
	const from = sql`from vehicles v join organizations o on o.id = v.organization_id`;
	const queries: Array<Promise<Candidate[]>> = [
		sql<Candidate[]>`select ${columns} ${from} where v.vin >= ${upper} order by v.vin limit 10`,
		sql<Candidate[]>`select ${columns} ${from} where v.vin < ${upper} order by v.vin desc limit 10`,
		sql<Candidate[]>`select ${columns} ${from} where v.plate >= ${text} order by v.plate limit 5`,
		sql<Candidate[]>`select ${columns} ${from} where v.plate < ${text} order by v.plate desc limit 5`,
	];
	if (upper !== text) {
		queries.push(sql<Candidate[]>`select ${columns} ${from} where v.plate >= ${upper} order by v.plate limit 5`);
	}
	const prefixLengths = [...new Set([Math.ceil((upper.length * 2) / 3), Math.ceil(upper.length / 2)].filter(n => n >= 3 && n < upper.length))];
	for (const n of prefixLengths) {
		const prefix = upper.slice(0, n);
		if (!vinCharacters.test(prefix)) continue;
		queries.push(sql<Candidate[]>`
			select ${columns} ${from}
			where v.vin between ${prefix} and ${prefix.padEnd(17, 'Z')} and v.vin like ${escapeLike(prefix) + '%'}
			order by v.vin limit 100`);
	}
	const candidates = new Map<string, Candidate>();
	for (const rows of await Promise.all(queries)) for (const row of rows) candidates.set(row.id, row);
	return [...candidates.values()]
		.map(row => ({...row, distance: Math.min(levenshtein(upper, row.vin), row.plate ? levenshtein(upper, row.plate.toUpperCase()) : Infinity)}))
		.sort((a, b) => a.distance - b.distance || a.vin.localeCompare(b.vin))
		.slice(0, limit);
}

/** Edit distance (insertions, deletions, substitutions), two rows of memory. */
export function levenshtein(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length]!;
}

// ---------------------------------------------------------------------------------------------------------
// The inspector: one vehicle in full

/** Identity and specs of one vehicle, with its fleet's depot; undefined if no such vehicle (or RLS hides it). */
export async function getVehicleIdentity(sql: Sql, vehicleId: string): Promise<VehicleIdentity | undefined> {
	const [vehicle] = await sql<VehicleIdentity[]>`
		select v.id, v.vin, v.plate, v.make, v.model, v.model_year, v.status,
		       v.organization_id, o.name as organization_name, o.slug as organization_slug, v.fleet_id, f.name as fleet_name,
		       v.battery_capacity_kwh, v.usable_capacity_kwh, v.max_ac_charge_kw, v.max_dc_charge_kw, v.connector_types,
		       v.v2g_capable, v.odometer_km, v.commissioned_on::text as commissioned_on,
		       f.depot_address, st_y(f.depot_location::geometry) as depot_latitude, st_x(f.depot_location::geometry) as depot_longitude
		from vehicles v
		join fleets f on f.id = v.fleet_id and f.organization_id = v.organization_id
		join organizations o on o.id = v.organization_id
		where v.id = ${vehicleId}::uuid`;
	return vehicle;
}

/** The latest state (vehicle_live_state, one primary-key lookup) with distance and bearing from the depot. */
export async function getVehicleLiveState(sql: Sql, vehicleId: string): Promise<VehicleLiveState | null> {
	const [state] = await sql<VehicleLiveState[]>`
		select s.recorded_at, s.received_at,
		       extract(epoch from now() - s.recorded_at)::double precision as seconds_since_report,
		       connectivity_status(extract(epoch from now() - s.recorded_at)::double precision) as connectivity,
		       s.soc_pct, s.soh_pct, s.speed_kmh, s.heading_deg,
		       st_y(s.location::geometry) as latitude, st_x(s.location::geometry) as longitude,
		       s.odometer_km, s.pack_voltage_v, s.pack_current_a, s.pack_temp_c, s.power_kw,
		       st_distance(f.depot_location, s.location) as depot_distance_m,
		       degrees(st_azimuth(f.depot_location, s.location)) as depot_bearing_deg
		from vehicle_live_state s
		join vehicles v on v.id = s.vehicle_id and v.organization_id = s.organization_id
		join fleets f on f.id = v.fleet_id and f.organization_id = v.organization_id
		where s.vehicle_id = ${vehicleId}::uuid`;
	return state ?? null;
}

/** The pending or active charging session of a vehicle, with its station and connector; null when not charging. */
export async function getCurrentChargingSession(sql: Sql, vehicleId: string): Promise<VehicleChargingSession | null> {
	const [session] = await sql<VehicleChargingSession[]>`
		select cs.id, cs.status, cs.started_at, coalesce(m.energy_kwh, cs.energy_kwh) as energy_kwh, m.power_kw, m.recorded_at as meter_at,
		       cs.energy_to_grid_kwh, cs.start_soc_pct, cs.target_soc_pct, cs.is_v2g,
		       st.name as station_name, c.connector_number, c.connector_type, c.max_power_kw
		from charging_sessions cs
		left join charging_connectors c on c.id = cs.connector_id
		left join charging_stations st on st.id = c.station_id
		-- the newest meter value (primary key (session_id, recorded_at), backward; pruned to the session's months)
		left join lateral (
			select mv.energy_kwh, mv.power_kw, mv.recorded_at
			from charging_session_metrics mv
			where mv.session_id = cs.id and mv.organization_id = cs.organization_id and mv.recorded_at >= cs.started_at
			order by mv.recorded_at desc
			limit 1
		) m on true
		where cs.vehicle_id = ${vehicleId}::uuid and cs.status in ('pending', 'active')
		order by cs.started_at desc
		limit 1`;
	return session ?? null;
}

/** The route assignment in progress, else the next scheduled one; null when there is neither. */
export async function getCurrentRouteAssignment(sql: Sql, vehicleId: string): Promise<VehicleRouteAssignment | null> {
	const [assignment] = await sql<VehicleRouteAssignment[]>`
		select a.id, a.status, a.route_id, r.name as route_name, a.planned_start_at, a.planned_end_at, a.actual_start_at,
		       r.planned_distance_km, u.full_name as driver_name,
		       (select count(*)::int from route_waypoints w where w.route_id = a.route_id and w.organization_id = a.organization_id) as waypoints,
		       (select count(*)::int from route_progress p where p.assignment_id = a.id and p.organization_id = a.organization_id) as waypoints_reached
		from route_assignments a
		join routes r on r.id = a.route_id and r.organization_id = a.organization_id
		left join users u on u.id = a.driver_id and u.organization_id = a.organization_id
		where a.vehicle_id = ${vehicleId}::uuid
		  and (a.status = 'in_progress' or (a.status = 'scheduled' and coalesce(a.planned_end_at, a.planned_start_at) >= now()))
		order by (a.status = 'in_progress') desc, a.planned_start_at
		limit 1`;
	return assignment ?? null;
}

/** The newest battery health report (battery_health_reports_vehicle_time_unique, backward). */
export async function getLatestBatteryReport(sql: Sql, vehicleId: string): Promise<VehicleBatteryReport | null> {
	const [report] = await sql<VehicleBatteryReport[]>`
		select b.id, b.reported_at, b.soh_pct, b.capacity_measured_kwh, b.cycle_count, b.internal_resistance_mohm,
		       b.cell_voltage_spread_mv, b.temp_max_c, b.source
		from battery_health_reports b
		where b.vehicle_id = ${vehicleId}::uuid
		order by b.reported_at desc
		limit 1`;
	return report ?? null;
}

/**
 * Available connectors nearest to the vehicle's last position that fit it (one search per connector type it has,
 * merged by distance); empty when it never reported a position.
 */
export async function nearestConnectorsForVehicle(sql: Sql, vehicleId: string, options: {limit?: number; radiusKm?: number} = {}): Promise<NearestConnectorRow[]> {
	const [vehicle] = await sql<{connectorTypes: string[]; latitude: number | null; longitude: number | null}[]>`
		select v.connector_types, st_y(s.location::geometry) as latitude, st_x(s.location::geometry) as longitude
		from vehicles v left join vehicle_live_state s on s.vehicle_id = v.id and s.organization_id = v.organization_id
		where v.id = ${vehicleId}::uuid`;
	if (!vehicle || vehicle.latitude === null || vehicle.longitude === null) return [];
	const limit = options.limit ?? 5;
	const types = vehicle.connectorTypes.length > 0 ? vehicle.connectorTypes : [null];
	const lists = await Promise.all(
		types.map(connectorType =>
			nearestAvailableConnectors(sql, {latitude: vehicle.latitude!, longitude: vehicle.longitude!, connectorType, limit, radiusKm: options.radiusKm}),
		),
	);
	return lists
		.flat()
		.sort((a, b) => a.distanceM - b.distanceM || a.connectorNumber - b.connectorNumber)
		.slice(0, limit);
}

/** Everything the inspector shows about one vehicle; each part is one indexed lookup. undefined if no such vehicle. */
export async function getVehicleDetail(sql: Sql, vehicleId: string, options: {connectors?: number; radiusKm?: number} = {}): Promise<VehicleDetail | undefined> {
	const vehicle = await getVehicleIdentity(sql, vehicleId);
	if (!vehicle) return undefined;
	const [state, chargingSession, routeAssignment, batteryReport, nearestConnectors] = await Promise.all([
		getVehicleLiveState(sql, vehicleId),
		getCurrentChargingSession(sql, vehicleId),
		getCurrentRouteAssignment(sql, vehicleId),
		getLatestBatteryReport(sql, vehicleId),
		nearestConnectorsForVehicle(sql, vehicleId, {limit: options.connectors, radiusKm: options.radiusKm}),
	]);
	return {vehicle, state, chargingSession, routeAssignment, batteryReport, nearestConnectors};
}
