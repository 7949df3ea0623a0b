// A live fleet for the demo and `evfleet simulate`: every tick moves vehicles along their routes, drains and
// charges batteries, starts and ends charging sessions, and now and then silences a vehicle or faults a connector.
// The state lives here in memory; each tick writes everything in ONE statement (data-modifying CTEs), so a tick
// is one round trip and atomic. A failed tick changes nothing: the state advances only when its write committed.
import {randomUUID} from 'node:crypto';
import type {Sql} from 'postgres';
import {EvfleetError} from '../model/errors.js';
import {cairoTemperatureC, chargePowerKw, consumptionKwhPerKm, distanceKm, driveToward, socGainPct} from '../model/vehicle-motion.js';
import {evModels} from './seed/catalog.js';
import {createRandom, type Random} from './seed/random.js';

export type SimulatorTick = {
	tick: number;
	durationMs: number;
	telematics: number;
	sessionsStarted: number;
	sessionsEnded: number;
	waypointsReached: number;
	routesCompleted: number;
	routesStarted: number;
	/** Human lines: "vehicle ABC 1234 went silent", "connector … faulted". */
	events: string[];
};

export type SimulatorOptions = {
	/** Milliseconds between ticks (default 2000). */
	tickMs?: number;
	seed?: number;
	/** Simulated seconds per real second (default 30): a demo should change visibly within a minute. */
	timeScale?: number;
	/** At most this many vehicles move (default 400): the ones on routes first. */
	maxVehicles?: number;
	/** Simulated seconds between two heartbeats of a station (default 180: every few simulated minutes). */
	heartbeatSeconds?: number;
	/** Share of active stations (0–1) that stay silent on purpose, so stale detection has something to show (default 0.03). */
	silentStationShare?: number;
	onTick?: (tick: SimulatorTick) => void;
	/** Every failed tick; a SimulatorBusyError (another simulator holds the database) also stops the simulator. */
	onError?: (error: unknown) => void;
};

export type Simulator = {stop(): Promise<void>};

/** Another simulator runs against the same database: two would move the same vehicles two ways. */
export class SimulatorBusyError extends EvfleetError {}

/** The session-level advisory lock one simulator per database holds while it runs (key: hashtext of this text). */
export const simulatorLockName = 'evfleet simulator';

/** Stations that stay silent: a fixed set per database (by id), the given share of them. */
export function sqlSilentStation(alias: string): string {
	return `(abs(hashtext(${alias}.id::text || ':silent')) % 10000) < $2::float8 * 10000`;
}

type Mode = 'idle' | 'driving' | 'roaming' | 'charging';

type Vehicle = {
	id: string; organizationId: string; fleetId: string; plate: string; usableKwh: number; maxAcKw: number; maxDcKw: number;
	connectorTypes: string[]; v2g: boolean; kwhPerKm: number; packVoltage: number;
	soc: number; soh: number; lon: number; lat: number; odometerKm: number; heading: number; speed: number;
	depotLon: number; depotLat: number; mode: Mode; status: string;
	silentUntil: number; idleTicks: number;
	assignment?: Assignment; destination?: {lon: number; lat: number}; session?: Session;
};
type Waypoint = {id: string; sequence: number; lon: number; lat: number; dwellMin: number};
type Route = {id: string; organizationId: string; fleetId: string; driverId: string | null; waypoints: Waypoint[]};
type Assignment = {id: string; route: Route; next: number};
type Session = {id: string; connector: Connector; startSoc: number; targetSoc: number; energyKwh: number; toGridKwh: number; isV2g: boolean; startedTick: number; confirmed: boolean};
type Connector = {
	id: string; stationId: string; stationOrganizationId: string | null; type: string; currentType: string; maxKw: number; v2g: boolean;
	pricePerKwh: number; status: string; lon: number; lat: number; faultedUntil: number;
};

type World = {vehicles: Vehicle[]; connectors: Connector[]; routesByFleet: Map<string, Route[]>};

const kwhPerKmOf = (model: string, usableKwh: number) =>
	evModels.find(m => m.model === model)?.kwhPerKm ?? (usableKwh > 90 ? 0.3 : 0.17);
const packVoltageOf = (model: string) => evModels.find(m => m.model === model)?.packVoltage ?? 400;

const km = distanceKm;

async function loadWorld(sql: Sql, maxVehicles: number): Promise<World> {
	// Vehicles that report (the seed's silent ones stay silent), those on a route first.
	const vehicleRows = await sql<Array<{
		id: string; organizationId: string; fleetId: string; plate: string | null; model: string; usableCapacityKwh: number | null; batteryCapacityKwh: number;
		maxAcChargeKw: number | null; maxDcChargeKw: number | null; connectorTypes: string[]; v2gCapable: boolean; status: string;
		socPct: number | null; sohPct: number | null; lon: number | null; lat: number | null; odometerKm: number | null; depotLon: number | null; depotLat: number | null;
	}>>`
		with newest as (select max(recorded_at) as at from vehicle_live_state)
		select v.id, v.organization_id, v.fleet_id, v.plate, v.model, v.usable_capacity_kwh, v.battery_capacity_kwh, v.max_ac_charge_kw,
		       v.max_dc_charge_kw, v.connector_types, v.v2g_capable, v.status, s.soc_pct, s.soh_pct,
		       st_x(s.location::geometry) as lon, st_y(s.location::geometry) as lat, coalesce(s.odometer_km, v.odometer_km) as odometer_km,
		       st_x(f.depot_location::geometry) as depot_lon, st_y(f.depot_location::geometry) as depot_lat
		from vehicles v
		join fleets f on f.id = v.fleet_id
		left join vehicle_live_state s on s.vehicle_id = v.id
		cross join newest
		where v.status not in ('retired', 'maintenance')
		  and (s.recorded_at is null or s.recorded_at > newest.at - interval '10 minutes')
		order by exists (select 1 from route_assignments a where a.vehicle_id = v.id and a.status = 'in_progress') desc, v.id
		limit ${maxVehicles}`;
	const vehicles: Vehicle[] = vehicleRows.map(row => {
		const lon = row.lon ?? row.depotLon ?? 31.2357;
		const lat = row.lat ?? row.depotLat ?? 30.0444;
		return {
			id: row.id, organizationId: row.organizationId, fleetId: row.fleetId, plate: row.plate ?? row.id.slice(0, 8),
			usableKwh: row.usableCapacityKwh ?? row.batteryCapacityKwh, maxAcKw: row.maxAcChargeKw ?? 7, maxDcKw: row.maxDcChargeKw ?? 50,
			connectorTypes: row.connectorTypes, v2g: row.v2gCapable, kwhPerKm: kwhPerKmOf(row.model, row.usableCapacityKwh ?? row.batteryCapacityKwh),
			packVoltage: packVoltageOf(row.model), soc: row.socPct ?? 80, soh: row.sohPct ?? 97, lon, lat, odometerKm: row.odometerKm ?? 0,
			heading: 0, speed: 0, depotLon: row.depotLon ?? lon, depotLat: row.depotLat ?? lat, mode: 'idle', status: row.status,
			silentUntil: 0, idleTicks: 0,
		};
	});
	const byId = new Map(vehicles.map(v => [v.id, v]));
	const fleetIds = [...new Set(vehicles.map(v => v.fleetId))];
	const orgIds = [...new Set(vehicles.map(v => v.organizationId))];

	// Connectors of the organizations' own stations and of public stations within 4 km of a depot.
	const connectorRows = await sql<Array<{
		id: string; stationId: string; stationOrganizationId: string | null; connectorType: string; currentType: string; maxPowerKw: number;
		supportsV2g: boolean; pricePerKwh: number; status: string; lon: number; lat: number;
	}>>`
		select c.id, c.station_id, s.organization_id as station_organization_id, c.connector_type, c.current_type, c.max_power_kw,
		       c.supports_v2g, c.price_per_kwh, c.status, st_x(s.location::geometry) as lon, st_y(s.location::geometry) as lat
		from charging_connectors c
		join charging_stations s on s.id = c.station_id
		where s.status = 'active'
		  and (s.organization_id = any(${orgIds}::uuid[])
		       or (s.organization_id is null and exists (
		             select 1 from fleets f where f.id = any(${fleetIds}::uuid[]) and st_dwithin(f.depot_location, s.location, 4000))))`;
	const connectors: Connector[] = connectorRows.map(row => ({
		id: row.id, stationId: row.stationId, stationOrganizationId: row.stationOrganizationId, type: row.connectorType, currentType: row.currentType,
		maxKw: row.maxPowerKw, v2g: row.supportsV2g, pricePerKwh: row.pricePerKwh, status: row.status, lon: row.lon, lat: row.lat,
		// a connector found faulted is repaired after a while, like the ones the simulator faults itself
		faultedUntil: row.status === 'faulted' ? 20 + (Number.parseInt(row.id.slice(0, 4), 16) % 80) : 0,
	}));
	const connectorById = new Map(connectors.map(c => [c.id, c]));

	const sessionRows = await sql<Array<{id: string; vehicleId: string; connectorId: string; startSocPct: number | null; targetSocPct: number | null; energyKwh: number; energyToGridKwh: number; isV2g: boolean}>>`
		select id, vehicle_id, connector_id, start_soc_pct, target_soc_pct, energy_kwh, energy_to_grid_kwh, is_v2g
		from charging_sessions where status = 'active' and vehicle_id = any(${vehicles.map(v => v.id)}::uuid[])`;
	for (const row of sessionRows) {
		const vehicle = byId.get(row.vehicleId);
		const connector = connectorById.get(row.connectorId);
		if (!vehicle || !connector) continue;
		vehicle.mode = 'charging';
		vehicle.session = {
			id: row.id, connector, startSoc: row.startSocPct ?? vehicle.soc, targetSoc: row.targetSocPct ?? 90, energyKwh: row.energyKwh,
			toGridKwh: row.energyToGridKwh, isV2g: row.isV2g, startedTick: 0, confirmed: true,
		};
		connector.status = 'occupied';
	}

	const waypointRows = await sql<Array<{routeId: string; organizationId: string; fleetId: string; driverId: string | null; id: string; sequence: number; lon: number; lat: number; plannedDwellMin: number}>>`
		select r.id as route_id, r.organization_id, r.fleet_id,
		       (select a.driver_id from route_assignments a where a.route_id = r.id order by a.planned_start_at desc limit 1) as driver_id,
		       w.id, w.sequence, st_x(w.location::geometry) as lon, st_y(w.location::geometry) as lat, w.planned_dwell_min
		from routes r join route_waypoints w on w.route_id = r.id
		where r.fleet_id = any(${fleetIds}::uuid[]) and r.status in ('planned', 'active')
		order by r.id, w.sequence`;
	const routes = new Map<string, Route>();
	for (const row of waypointRows) {
		let route = routes.get(row.routeId);
		if (!route) {
			route = {id: row.routeId, organizationId: row.organizationId, fleetId: row.fleetId, driverId: row.driverId, waypoints: []};
			routes.set(row.routeId, route);
		}
		route.waypoints.push({id: row.id, sequence: row.sequence, lon: row.lon, lat: row.lat, dwellMin: row.plannedDwellMin});
	}
	const routesByFleet = new Map<string, Route[]>();
	for (const route of routes.values()) routesByFleet.set(route.fleetId, [...(routesByFleet.get(route.fleetId) ?? []), route]);

	const assignmentRows = await sql<Array<{id: string; routeId: string; vehicleId: string; done: string[]}>>`
		select a.id, a.route_id, a.vehicle_id, coalesce(array_agg(p.waypoint_id) filter (where p.waypoint_id is not null), '{}') as done
		from route_assignments a left join route_progress p on p.assignment_id = a.id
		where a.status = 'in_progress' and a.vehicle_id = any(${vehicles.map(v => v.id)}::uuid[])
		group by a.id, a.organization_id`;
	for (const row of assignmentRows) {
		const vehicle = byId.get(row.vehicleId);
		const route = routes.get(row.routeId);
		if (!vehicle || !route || vehicle.mode === 'charging' || vehicle.assignment) continue;
		const done = new Set(row.done);
		const next = route.waypoints.findIndex(w => !done.has(w.id));
		if (next === -1) continue;
		vehicle.assignment = {id: row.id, route, next};
		vehicle.mode = 'driving';
	}
	return {vehicles, connectors, routesByFleet};
}

/** What one tick writes; every list is a jsonb_to_recordset in the tick statement. */
type Writes = {
	telematics: Array<Record<string, unknown>>;
	sessionsStart: Array<{id: string; organizationId: string; vehicleId: string; connectorId: string; startSoc: number; targetSoc: number; isV2g: boolean}>;
	sessionsEnd: Array<{id: string; energyKwh: number; toGridKwh: number; endSoc: number; cost: number; reason: string}>;
	metrics: Array<Record<string, unknown>>;
	v2g: Array<Record<string, unknown>>;
	progress: Array<{id: string; organizationId: string; assignmentId: string; waypointId: string; soc: number; note: string | null}>;
	assignmentsDone: Array<{id: string}>;
	assignmentsNew: Array<{id: string; organizationId: string; routeId: string; vehicleId: string; driverId: string | null; plannedSeconds: number}>;
	replan: Array<{id: string; offsetSeconds: number}>;
	vehicleStatus: Array<{id: string; status: string}>;
	connectorStatus: Array<{id: string; status: string}>;
};

const tickStatement = `
with p as (select $1::text::jsonb as j),
tel as (
  insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, soh_pct, speed_kmh, heading_deg, location, odometer_km,
                                  pack_voltage_v, pack_current_a, pack_temp_c, power_kw)
  select x.vehicle_id, x.organization_id, now(), x.soc_pct, x.soh_pct, x.speed_kmh, x.heading_deg,
         st_setsrid(st_makepoint(x.lon, x.lat), 4326)::geography, x.odometer_km, x.pack_voltage_v, x.pack_current_a, x.pack_temp_c, x.power_kw
  from p, jsonb_to_recordset(p.j->'telematics') as x(vehicle_id uuid, organization_id uuid, soc_pct real, soh_pct real, speed_kmh real,
       heading_deg real, lon float8, lat float8, odometer_km float8, pack_voltage_v real, pack_current_a real, pack_temp_c real, power_kw real)
  returning 1),
started as (
  insert into charging_sessions (id, organization_id, vehicle_id, connector_id, started_at, start_soc_pct, target_soc_pct, is_v2g, status, currency)
  select x.id, x.organization_id, x.vehicle_id, x.connector_id, now(), x.start_soc, x.target_soc, x.is_v2g, 'active', 'EGP'
  from p, jsonb_to_recordset(p.j->'sessions_start') as x(id uuid, organization_id uuid, vehicle_id uuid, connector_id uuid, start_soc real, target_soc real, is_v2g boolean)
  -- the exclusion constraints, checked first: a tick never fails on a connector someone else took meanwhile
  where not exists (select 1 from charging_sessions s
                    where (s.connector_id = x.connector_id or s.vehicle_id = x.vehicle_id)
                      and s.status in ('pending', 'active', 'completed') and tstzrange(s.started_at, s.ended_at) && tstzrange(now(), null))
    and exists (select 1 from charging_connectors c where c.id = x.connector_id and c.status = 'available')
  returning id, vehicle_id, connector_id),
occupied as (update charging_connectors c set status = 'occupied' from started s where c.id = s.connector_id returning 1),
charging as (update vehicles v set status = 'charging' from started s where v.id = s.vehicle_id and v.status in ('active', 'idle', 'charging', 'offline') returning 1),
ended as (
  update charging_sessions s set status = 'completed', ended_at = now(), energy_kwh = x.energy_kwh, energy_to_grid_kwh = x.to_grid_kwh,
         end_soc_pct = x.end_soc, cost = x.cost, stop_reason = x.reason
  from p, jsonb_to_recordset(p.j->'sessions_end') as x(id uuid, energy_kwh float8, to_grid_kwh float8, end_soc real, cost numeric, reason text)
  where s.id = x.id and s.status = 'active'
  returning s.id, s.connector_id),
freed as (update charging_connectors c set status = 'available' from ended e where c.id = e.connector_id and c.status = 'occupied' returning 1),
metrics as (
  insert into charging_session_metrics (session_id, organization_id, recorded_at, direction, power_kw, energy_kwh, soc_pct, voltage_v, current_a, temperature_c)
  select x.session_id, x.organization_id, now(), x.direction, x.power_kw, x.energy_kwh, x.soc_pct, x.voltage_v, x.current_a, x.temperature_c
  from p, jsonb_to_recordset(p.j->'metrics') as x(session_id uuid, organization_id uuid, direction text, power_kw float8, energy_kwh float8,
       soc_pct real, voltage_v real, current_a real, temperature_c real)
  where exists (select 1 from charging_sessions s where s.id = x.session_id)
  returning 1),
v2g as (
  insert into v2g_energy_transactions (organization_id, vehicle_id, charging_session_id, direction, energy_kwh, price_per_kwh, currency, grid_operator, started_at, ended_at)
  select x.organization_id, x.vehicle_id, x.session_id, 'to_grid', x.energy_kwh, 2.60, 'EGP', 'Egyptian Electricity Transmission Company',
         now() - make_interval(secs => x.seconds), now()
  from p, jsonb_to_recordset(p.j->'v2g') as x(organization_id uuid, vehicle_id uuid, session_id uuid, energy_kwh float8, seconds float8)
  where x.session_id in (select id from ended)
  returning 1),
progress as (
  insert into route_progress (id, organization_id, assignment_id, waypoint_id, arrived_at, departed_at, soc_on_arrival_pct, soc_on_departure_pct, notes)
  select x.id, x.organization_id, x.assignment_id, x.waypoint_id, now(), now(), x.soc, x.soc, x.note
  from p, jsonb_to_recordset(p.j->'progress') as x(id uuid, organization_id uuid, assignment_id uuid, waypoint_id uuid, soc real, note text)
  where exists (select 1 from route_assignments a where a.id = x.assignment_id)
  on conflict (assignment_id, waypoint_id, organization_id) do nothing
  returning 1),
done as (
  update route_assignments a set status = 'completed', actual_end_at = now()
  from p, jsonb_to_recordset(p.j->'assignments_done') as x(id uuid)
  where a.id = x.id and a.status = 'in_progress'
  returning 1),
assigned as (
  insert into route_assignments (id, organization_id, route_id, vehicle_id, driver_id, planned_start_at, planned_end_at, actual_start_at, status)
  select x.id, x.organization_id, x.route_id, x.vehicle_id, x.driver_id, now(), now() + make_interval(secs => x.planned_seconds), now(), 'in_progress'
  from p, jsonb_to_recordset(p.j->'assignments_new') as x(id uuid, organization_id uuid, route_id uuid, vehicle_id uuid, driver_id uuid, planned_seconds float8)
  returning 1),
replanned as (
  update route_waypoints w set planned_arrival_at = now() + make_interval(secs => x.offset_seconds)
  from p, jsonb_to_recordset(p.j->'replan') as x(id uuid, offset_seconds float8)
  where w.id = x.id
  returning 1),
vehicle_status as (
  update vehicles v set status = x.status
  from p, jsonb_to_recordset(p.j->'vehicle_status') as x(id uuid, status text)
  where v.id = x.id and v.status <> x.status and v.status not in ('retired', 'maintenance') and v.id not in (select vehicle_id from started)
  returning 1),
connector_status as (
  update charging_connectors c set status = x.status
  from p, jsonb_to_recordset(p.j->'connector_status') as x(id uuid, status text)
  where c.id = x.id and c.status <> x.status and c.status <> 'occupied'
    and c.id not in (select connector_id from started) and c.id not in (select connector_id from ended)
  returning 1),
heartbeat as (
  -- every active station not on the silent list reports when its last heartbeat is older than the interval ($3 real seconds)
  update charging_stations s set last_heartbeat_at = now()
  where s.status = 'active' and not ${sqlSilentStation('s')}
    and (s.last_heartbeat_at is null or s.last_heartbeat_at < now() - make_interval(secs => $3::float8))
  returning 1)
select coalesce((select json_agg(id) from started), '[]') as started,
       (select count(*) from tel)::int as telematics, (select count(*) from ended)::int as ended,
       (select count(*) from progress)::int as progress, (select count(*) from done)::int as done,
       (select count(*) from assigned)::int as assigned, (select count(*) from metrics)::int as metrics,
       (select count(*) from occupied)::int + (select count(*) from charging)::int + (select count(*) from freed)::int
       + (select count(*) from v2g)::int + (select count(*) from replanned)::int + (select count(*) from vehicle_status)::int
       + (select count(*) from connector_status)::int + (select count(*) from heartbeat)::int as other`;

const snake = (key: string) => key.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
/** jsonb_to_recordset matches keys to column names: send them snake_case. */
function snakeKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(snakeKeys);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), snakeKeys(v)]));
	return value;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Plans one tick: returns the writes and a commit function that applies the new state once they are stored. */
function planTick(world: World, tick: number, random: Random, simSeconds: number, timeScale: number, now: Date): {writes: Writes; events: string[]; commit: (started: Set<string>) => void} {
	const writes: Writes = {telematics: [], sessionsStart: [], sessionsEnd: [], metrics: [], v2g: [], progress: [], assignmentsDone: [], assignmentsNew: [], replan: [], vehicleStatus: [], connectorStatus: []};
	const events: string[] = [];
	const hours = simSeconds / 3600;
	const temperature = cairoTemperatureC(now);
	// Every change is staged on copies and applied by commit() only after the statement succeeded.
	const staged: Array<() => void> = [];
	const pendingStarts: Array<{vehicle: Vehicle; session: Session}> = [];
	const claimed = new Set<string>();

	for (const connector of world.connectors) {
		if (connector.status === 'faulted' && connector.faultedUntil > 0 && tick >= connector.faultedUntil) {
			writes.connectorStatus.push({id: connector.id, status: 'available'});
			events.push(`connector ${connector.id.slice(0, 8)} back in service`);
			staged.push(() => {
				connector.status = 'available';
				connector.faultedUntil = 0;
			});
		}
	}
	if (random() < 0.03) {
		const candidates = world.connectors.filter(c => c.status === 'available');
		const connector = candidates[Math.floor(random() * candidates.length)];
		if (connector) {
			claimed.add(connector.id);
			const until = tick + 20 + Math.floor(random() * 80);
			writes.connectorStatus.push({id: connector.id, status: 'faulted'});
			events.push(`connector ${connector.id.slice(0, 8)} faulted`);
			staged.push(() => {
				connector.status = 'faulted';
				connector.faultedUntil = until;
			});
		}
	}
	if (random() < 0.03 && world.vehicles.length > 0) {
		const vehicle = world.vehicles[Math.floor(random() * world.vehicles.length)]!;
		if (vehicle.silentUntil <= tick) {
			const until = tick + 30 + Math.floor(random() * 120);
			events.push(`vehicle ${vehicle.plate} went silent`);
			staged.push(() => {
				vehicle.silentUntil = until;
			});
		}
	}

	for (const vehicle of world.vehicles) {
		const next = {soc: vehicle.soc, lon: vehicle.lon, lat: vehicle.lat, odometerKm: vehicle.odometerKm, heading: vehicle.heading, speed: 0, power: 0.2};
		let mode: Mode = vehicle.mode;
		let assignment = vehicle.assignment;
		let destination = vehicle.destination;
		let session = vehicle.session;
		let idleTicks = vehicle.idleTicks + 1;
		let status = vehicle.status;
		const moving = mode === 'driving' || mode === 'roaming';

		if (moving) {
			const target = mode === 'driving' && assignment ? assignment.route.waypoints[assignment.next]! : destination ?? {lon: vehicle.depotLon, lat: vehicle.depotLat};
			const speed = Math.max(8, Math.min(80, (vehicle.speed || 30) + (random() - 0.5) * 16));
			// The model's driving rule: along the way at this speed, the odometer adds exactly the distance covered.
			const step = driveToward(vehicle, target, speed, hours);
			const travelled = step.travelledKm;
			next.lon = step.position.lon;
			next.lat = step.position.lat;
			next.heading = step.headingDeg;
			// the speed it reports is the speed it covered the distance at (less when it arrived within the tick)
			next.speed = hours > 0 ? travelled / hours : 0;
			const kwh = consumptionKwhPerKm(vehicle.kwhPerKm, speed, temperature) * travelled;
			next.soc = Math.max(3, vehicle.soc - (kwh / vehicle.usableKwh) * 100);
			next.odometerKm = vehicle.odometerKm + travelled;
			next.power = hours > 0 ? kwh / hours : 0;
			if (step.arrived) {
				if (mode === 'driving' && assignment) {
					const waypoint = assignment.route.waypoints[assignment.next]!;
					writes.progress.push({id: randomUUID(), organizationId: vehicle.organizationId, assignmentId: assignment.id, waypointId: waypoint.id, soc: round(next.soc, 1), note: null});
					if (assignment.next + 1 >= assignment.route.waypoints.length) {
						writes.assignmentsDone.push({id: assignment.id});
						events.push(`vehicle ${vehicle.plate} completed its route`);
						assignment = undefined;
						mode = 'idle';
						idleTicks = 0;
						status = 'idle';
					} else {
						assignment = {...assignment, next: assignment.next + 1};
					}
				} else {
					mode = 'idle';
					destination = undefined;
					idleTicks = 0;
					status = 'idle';
				}
			}
		} else if (mode === 'charging' && session) {
			const connector = session.connector;
			const exporting = session.isV2g && session.toGridKwh < 6 && vehicle.soc > 40;
			const limit = connector.currentType === 'AC' ? vehicle.maxAcKw : vehicle.maxDcKw;
			const power = exporting ? 7.4 : chargePowerKw(Math.min(limit, connector.maxKw), vehicle.soc);
			const kwh = power * hours;
			const updated = {...session};
			if (exporting) {
				updated.toGridKwh = session.toGridKwh + kwh;
				next.soc = vehicle.soc - (kwh / vehicle.usableKwh) * 100;
				next.power = kwh / Math.max(hours, 1e-9);
			} else {
				updated.energyKwh = session.energyKwh + kwh;
				next.soc = Math.min(100, vehicle.soc + socGainPct(kwh, vehicle.usableKwh));
				next.power = -power;
			}
			if (session.confirmed) {
				const voltage = vehicle.packVoltage * (0.88 + (0.16 * next.soc) / 100);
				writes.metrics.push({
					sessionId: session.id, organizationId: vehicle.organizationId, direction: exporting ? 'to_grid' : 'from_grid', powerKw: round(power),
					energyKwh: round(exporting ? updated.toGridKwh : updated.energyKwh, 3), socPct: round(next.soc, 1), voltageV: round(voltage, 1),
					currentA: round((power * 1000) / voltage, 1), temperatureC: round(temperature + 4 + power / 10, 1),
				});
			}
			session = updated;
			if (session.confirmed && next.soc >= session.targetSoc) {
				writes.sessionsEnd.push({
					id: session.id, energyKwh: round(session.energyKwh, 3), toGridKwh: round(session.isV2g ? session.toGridKwh : 0, 3), endSoc: round(next.soc, 1),
					cost: round(session.energyKwh * connector.pricePerKwh), reason: 'target_reached',
				});
				if (session.isV2g && session.toGridKwh > 0) {
					writes.v2g.push({organizationId: vehicle.organizationId, vehicleId: vehicle.id, sessionId: session.id, energyKwh: round(session.toGridKwh, 3), seconds: Math.max(1, (tick - session.startedTick) * 2)});
				}
				events.push(`vehicle ${vehicle.plate} finished charging at ${Math.round(next.soc)} %`);
				const freed = connector;
				staged.push(() => {
					freed.status = 'available';
				});
				claimed.add(connector.id); // free again next tick, never re-used in the same statement
				session = undefined;
				mode = 'idle';
				idleTicks = 0;
				status = 'idle';
			}
		} else {
			// Idle: charge when low, start a route or a trip now and then.
			const atDepot = km(vehicle, {lon: vehicle.depotLon, lat: vehicle.depotLat}) < 0.3;
			const routes = world.routesByFleet.get(vehicle.fleetId) ?? [];
			if (vehicle.soc < 45 && !atDepot) {
				mode = 'roaming';
				destination = {lon: vehicle.depotLon, lat: vehicle.depotLat};
				status = 'active';
			} else if (vehicle.soc < 45 || (vehicle.v2g && vehicle.soc > 70 && random() < 0.01)) {
				const connector = world.connectors
					.filter(c => c.status === 'available' && !claimed.has(c.id) && vehicle.connectorTypes.includes(c.type) && km(vehicle, c) < 0.6)
					.sort((a, b) => km(vehicle, a) - km(vehicle, b))[0];
				if (connector && km(vehicle, connector) > 0.02) {
					// The model's charging rule: parked at the station. Drive the last metres first, plug in on arrival.
					mode = 'roaming';
					destination = {lon: connector.lon, lat: connector.lat};
					status = 'active';
				} else if (connector) {
					claimed.add(connector.id);
					const isV2g = vehicle.v2g && connector.v2g && vehicle.soc > 60;
					const started: Session = {id: randomUUID(), connector, startSoc: vehicle.soc, targetSoc: isV2g ? 85 : 90, energyKwh: 0, toGridKwh: 0, isV2g, startedTick: tick, confirmed: false};
					writes.sessionsStart.push({id: started.id, organizationId: vehicle.organizationId, vehicleId: vehicle.id, connectorId: connector.id, startSoc: round(vehicle.soc, 1), targetSoc: started.targetSoc, isV2g});
					pendingStarts.push({vehicle, session: started});
				}
			} else if (idleTicks > 10 && random() < 0.04 && vehicle.soc > 55) {
				const route = routes.length > 0 && random() < 0.6 ? routes[Math.floor(random() * routes.length)] : undefined;
				if (route && route.waypoints.length > 1) {
					const id = randomUUID();
					let offset = 0;
					let previous: {lon: number; lat: number} = vehicle;
					for (const waypoint of route.waypoints) {
						// planned arrivals in real seconds: simulated time runs timeScale times faster
						offset += (((km(previous, waypoint) * 1.3) / 30) * 3600) / timeScale;
						writes.replan.push({id: waypoint.id, offsetSeconds: Math.round(offset)});
						offset += (waypoint.dwellMin * 60) / timeScale;
						previous = waypoint;
					}
					writes.assignmentsNew.push({id, organizationId: vehicle.organizationId, routeId: route.id, vehicleId: vehicle.id, driverId: route.driverId, plannedSeconds: Math.round(offset)});
					assignment = {id, route, next: 0};
					mode = 'driving';
					events.push(`vehicle ${vehicle.plate} started a route`);
				} else {
					const angle = random() * 2 * Math.PI;
					const distance = 1 + random() * 5;
					destination = {lon: vehicle.depotLon + (distance / (111.32 * Math.cos((vehicle.depotLat * Math.PI) / 180))) * Math.cos(angle), lat: vehicle.depotLat + (distance / 111.32) * Math.sin(angle)};
					mode = 'roaming';
				}
				status = 'active';
			}
		}
		if (status !== vehicle.status && !(mode === 'charging' && status === 'charging')) writes.vehicleStatus.push({id: vehicle.id, status});

		// Moving and charging vehicles report every tick, parked ones every tenth; silent ones not at all.
		const reports = vehicle.silentUntil <= tick && (mode !== 'idle' || vehicle.mode !== 'idle' || (tick + vehicle.id.charCodeAt(0)) % 10 === 0);
		if (reports) {
			const voltage = vehicle.packVoltage * (0.88 + (0.16 * next.soc) / 100);
			writes.telematics.push({
				vehicleId: vehicle.id, organizationId: vehicle.organizationId, socPct: round(next.soc, 1), sohPct: vehicle.soh, speedKmh: round(next.speed, 1),
				headingDeg: round(next.heading, 1), lon: round(next.lon, 6), lat: round(next.lat, 6), odometerKm: round(next.odometerKm, 3),
				packVoltageV: round(voltage, 1), packCurrentA: round(Math.max(-3000, Math.min(3000, (next.power * 1000) / voltage)), 1),
				packTempC: round(temperature + (moving ? 6 : mode === 'charging' ? 5 : 1) + random(), 1), powerKw: round(next.power),
			});
		}
		const finalMode = mode;
		const finalAssignment = assignment;
		const finalDestination = destination;
		const finalSession = session;
		const finalIdle = idleTicks;
		const finalStatus = status;
		staged.push(() => {
			Object.assign(vehicle, {soc: next.soc, lon: next.lon, lat: next.lat, odometerKm: next.odometerKm, heading: next.heading, speed: next.speed});
			vehicle.mode = finalMode;
			vehicle.assignment = finalAssignment;
			vehicle.destination = finalDestination;
			vehicle.session = finalSession;
			vehicle.idleTicks = finalIdle;
			vehicle.status = finalStatus;
		});
	}

	const commit = (started: Set<string>) => {
		for (const apply of staged) apply();
		for (const {vehicle, session} of pendingStarts) {
			if (!started.has(session.id)) continue;
			vehicle.mode = 'charging';
			vehicle.status = 'charging';
			vehicle.session = {...session, confirmed: true};
			session.connector.status = 'occupied';
			events.push(`vehicle ${vehicle.plate} started charging at ${Math.round(vehicle.soc)} %`);
		}
	};
	return {writes, events, commit};
}

/**
 * Starts ticking at once; stop() waits for a running tick and ends cleanly. Errors never stop it, except another
 * simulator holding the database (SimulatorBusyError). `sql` must be the simulator's own pool of ONE connection:
 * the simulator lock is held by that session.
 */
export function startSimulator(sql: Sql, options: SimulatorOptions = {}): Simulator {
	if (sql.options.max !== 1) throw new Error('startSimulator needs a connection pool of its own with max: 1 (the simulator lock is a session lock)');
	const tickMs = options.tickMs ?? 2000;
	const timeScale = options.timeScale ?? 30;
	const heartbeatRealSeconds = Math.max(0, (options.heartbeatSeconds ?? 180) / timeScale);
	const silentShare = Math.min(1, Math.max(0, options.silentStationShare ?? 0.03));
	const random = createRandom(options.seed ?? 1, 'simulator');
	let world: World | undefined;
	let tick = 0;
	let failures = 0;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<void> | undefined;
	const lockKey = sql`hashtext(${simulatorLockName})`;

	/**
	 * The simulator lock is a session lock on this simulator's one connection. Checked before every tick: held by our
	 * session, or taken now (after a reconnect the new session takes it again, unless another simulator has it).
	 */
	const claim = async () => {
		const [row] = await sql<{held: boolean}[]>`
			select case when exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.pid = pg_backend_pid()
			                           and l.objid = (${lockKey}::bigint & 4294967295)::oid and l.objsubid = 1)
			            then true else pg_try_advisory_lock(${lockKey}) end as held`;
		if (row?.held) return;
		const [holder] = await sql<{pid: number; applicationName: string | null; clientAddr: string | null}[]>`
			select a.pid, a.application_name, host(a.client_addr) as client_addr
			from pg_locks l join pg_stat_activity a on a.pid = l.pid
			where l.locktype = 'advisory' and l.granted and l.objid = (${lockKey}::bigint & 4294967295)::oid and l.objsubid = 1
			limit 1`;
		throw new SimulatorBusyError(
			`another simulator is running against this database${holder ? ` (backend pid ${holder.pid}${holder.applicationName ? `, ${holder.applicationName}` : ''}${holder.clientAddr ? ` from ${holder.clientAddr}` : ''})` : ''}`,
			'one simulator per database: stop the other one first (a demo runs its own)',
		);
	};

	const runTick = async () => {
		const started = Date.now();
		try {
			await claim();
			world ??= await loadWorld(sql, options.maxVehicles ?? 400);
			tick++;
			const {writes, events, commit} = planTick(world, tick, random, (tickMs / 1000) * timeScale, timeScale, new Date());
			const [row] = await sql.unsafe(tickStatement, [JSON.stringify(snakeKeys(writes)), silentShare, heartbeatRealSeconds]);
			const result = row as unknown as {started: string[]; telematics: number; ended: number; progress: number; done: number; assigned: number};
			commit(new Set(result.started));
			failures = 0;
			options.onTick?.({
				tick, durationMs: Date.now() - started, telematics: result.telematics, sessionsStarted: result.started.length, sessionsEnded: result.ended,
				waypointsReached: result.progress, routesCompleted: result.done, routesStarted: result.assigned, events,
			});
		} catch (error) {
			failures++;
			if (error instanceof SimulatorBusyError) stopped = true;
			// After repeated failures the database may have changed under us: load the world again.
			if (failures >= 3) world = undefined;
			options.onError?.(error);
		}
	};

	const schedule = (delay: number) => {
		if (stopped) return;
		timer = setTimeout(() => {
			const begun = Date.now();
			running = runTick().finally(() => {
				running = undefined;
				schedule(Math.max(0, tickMs - (Date.now() - begun)));
			});
		}, delay);
	};
	schedule(0);

	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await running;
			await sql`select pg_advisory_unlock(${lockKey}) where exists (
				select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.pid = pg_backend_pid()
				  and l.objid = (${lockKey}::bigint & 4294967295)::oid and l.objsubid = 1)`.catch(() => {});
		},
	};
}
