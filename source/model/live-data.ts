// Data-source interfaces of the live views (vehicles, charging, routes): implemented in source/db/sources/live.ts,
// faked in tests. Only types come from the query modules; screens never touch the database.
import type {Connectivity, LiveVehiclesSnapshot, VehicleStatus} from '../db/queries/live.js';
import type {ChargingSnapshot, ConnectorStatus} from '../db/queries/live-charging.js';
import type {RoutesSnapshot} from '../db/queries/routes.js';

export type {LiveVehicleRow, LiveVehiclesSnapshot, LiveVehicleCounts, Connectivity, VehicleStatus, Attention} from '../db/queries/live.js';
export type {ChargingSnapshot, ChargingSessionRow, StationBoardRow, ConnectorStatus} from '../db/queries/live-charging.js';
export type {RoutesSnapshot, RouteRow} from '../db/queries/routes.js';

/** Vehicles of one fleet only (its id; the command resolves names). */
type FleetScope = {fleetId?: string | null};

export type LiveVehiclesRequest = FleetScope & {
	status?: VehicleStatus | null;
	connectivity?: Connectivity | null;
	limit: number;
};

export type Area = {latitude: number; longitude: number; radiusKm: number};

export type ChargingRequest = FleetScope & {
	/** Stations within radiusKm of a point (spatial index), nearest first. */
	near?: Area | null;
	connectorStatus?: ConnectorStatus | null;
	sessionLimit: number;
	stationLimit: number;
};

export type RoutesRequest = FleetScope & {limit: number};

/** Each call is one refresh: one query. The organization scope is the connection's (row-level security). */
export type LiveVehiclesData = {snapshot(request: LiveVehiclesRequest): Promise<LiveVehiclesSnapshot>};
export type ChargingData = {snapshot(request: ChargingRequest): Promise<ChargingSnapshot>};
export type RoutesData = {snapshot(request: RoutesRequest): Promise<RoutesSnapshot>};

export const vehicleStatusCycle: ReadonlyArray<VehicleStatus | null> = [null, 'active', 'charging', 'idle', 'maintenance', 'offline'];
export const connectivityCycle: ReadonlyArray<Connectivity | null> = [null, 'online', 'stale', 'offline'];
export const connectorStatusCycle: ReadonlyArray<ConnectorStatus | null> = [null, 'available', 'occupied', 'faulted', 'offline'];

/** The value after `current` in a filter cycle (wrapping to "all"). */
export function nextInCycle<T>(cycle: ReadonlyArray<T | null>, current: T | null | undefined): T | null {
	const index = cycle.indexOf(current ?? null);
	return cycle[(index + 1) % cycle.length] ?? null;
}
