// Data-source interfaces of the live views (vehicles, charging, routes): implemented in source/db/sources/live.ts,
// faked in tests, with the row types they return. Screens never touch the database.
import {connectivityThresholdSeconds, type Connectivity, type VehicleStatus as AnyVehicleStatus} from './vehicles.js';

export {connectivityThresholdSeconds, type Connectivity};

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

/** The statuses of vehicles in service: the live views leave retired vehicles out. */
export type VehicleStatus = Exclude<AnyVehicleStatus, 'retired'>;

/** Below this state of charge a vehicle needs attention. */
export const lowSocPct = 20;

/** At or above this pack temperature a vehicle needs attention (a thermal fault in the making). */
export const hotPackC = 55;

/** Why a vehicle is near the top of the list, most urgent first; null when nothing is wrong. 'offline' and
 * 'stale' are for vehicles in service (active, charging, idle): silence of one in maintenance is expected. */
export type Attention = 'offline' | 'stale' | 'low-soc' | 'hot-pack' | 'maintenance' | null;

export type LiveVehicleRow = {
	id: string;
	vin: string;
	plate: string | null;
	make: string;
	model: string;
	fleetId: string;
	fleetName: string;
	organizationId: string;
	status: string;
	connectivity: Connectivity;
	attention: Attention;
	lastSeenAt: Date | null;
	socPct: number | null;
	speedKmh: number | null;
	powerKw: number | null;
	packTempC: number | null;
	headingDeg: number | null;
	latitude: number | null;
	longitude: number | null;
};

export type LiveVehicleCounts = {
	/** Vehicles in scope (org, fleet), not retired, before the status and connectivity filters. */
	vehicles: number;
	byStatus: Record<VehicleStatus, number>;
	byConnectivity: Record<Connectivity, number>;
	/** Vehicles matching every filter (the list shows the first `limit` of them). */
	matching: number;
};

export type LiveVehiclesSnapshot = {
	counts: LiveVehicleCounts;
	rows: LiveVehicleRow[];
	/** Server time of the snapshot: ages are computed from it. */
	at: Date;
	/** On a streaming replica: how far behind its primary (ms; null unknown). Absent on a primary. */
	replicaLagMs?: number | null;
};

export const connectorStatuses = ['available', 'occupied', 'reserved', 'faulted', 'offline'] as const;

export type ConnectorStatus = (typeof connectorStatuses)[number];

export type ChargingSessionRow = {
	sessionId: string;
	vehicleId: string;
	vin: string;
	plate: string | null;
	stationId: string | null;
	stationName: string | null;
	connectorNumber: number | null;
	connectorType: string | null;
	startedAt: Date;
	elapsedSeconds: number;
	powerKw: number;
	energyKwh: number;
	/** 'to_grid' while a V2G session exports. */
	direction: 'from_grid' | 'to_grid';
	isV2g: boolean;
	startSocPct: number | null;
	socPct: number | null;
	targetSocPct: number | null;
	/** Energy × price per kWh + minutes × price per minute, at the connector's prices. */
	costSoFar: number | null;
	currency: string | null;
	lastMeterAt: Date | null;
};

export type StationBoardRow = {
	stationId: string;
	name: string;
	operatorName: string | null;
	organizationId: string | null;
	status: string;
	connectors: number;
	available: number;
	occupied: number;
	reserved: number;
	faulted: number;
	offline: number;
	/** Share of connector time in use over the last 24 h, 0..1. */
	utilisation24h: number;
	lastHeartbeatAt: Date | null;
	heartbeatStale: boolean;
	/** Metres from the --near point (null without one). */
	distanceM: number | null;
	latitude: number;
	longitude: number;
};

export type ChargingSummary = {
	activeSessions: number;
	/** Active sessions flagged V2G (they may import or export). */
	v2gSessions: number;
	stations: number;
	staleStations: number;
	connectors: Record<ConnectorStatus, number>;
};

export type ChargingSnapshot = {
	at: Date;
	summary: ChargingSummary;
	sessions: ChargingSessionRow[];
	stations: StationBoardRow[];
	/** On a streaming replica: how far behind its primary (ms; null unknown). Absent on a primary. */
	replicaLagMs?: number | null;
};

export type RouteRow = {
	assignmentId: string;
	routeId: string;
	routeName: string;
	vehicleId: string;
	vin: string;
	plate: string | null;
	driverId: string | null;
	driverName: string | null;
	actualStartAt: Date | null;
	plannedEndAt: Date | null;
	waypointsDone: number;
	waypointsTotal: number;
	nextWaypointSequence: number | null;
	nextWaypointName: string | null;
	nextPlannedArrivalAt: Date | null;
	/** Straight-line metres from the vehicle's live position to the next waypoint (null without a position). */
	nextDistanceM: number | null;
	/** Positive: late by that many seconds; negative: early. */
	etaDriftSeconds: number | null;
	socPct: number | null;
	lastSeenAt: Date | null;
	/** Energy above the reserve, from live SoC and usable capacity. */
	availableKwh: number | null;
	/** Energy still needed to the next planned charging stop, or to the end when none is planned. */
	neededKwh: number | null;
	/** The next planned charging stop's waypoint sequence (null: none left on the route). */
	nextChargeStopSequence: number | null;
	/** Needs more than it has: it cannot reach the next planned charge (or the end) without an unplanned charge. */
	cannotFinish: boolean;
};

export type RoutesSummary = {
	inProgress: number;
	late: number;
	cannotFinish: number;
};

export type RoutesSnapshot = {
	at: Date;
	summary: RoutesSummary;
	rows: RouteRow[];
	/** On a streaming replica: how far behind its primary (ms; null unknown). Absent on a primary. */
	replicaLagMs?: number | null;
};
