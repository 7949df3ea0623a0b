// The data each browse screen asks for: interfaces implemented in source/db/console-data.ts, faked in tests.
// Screens import these (and only these) for data; nothing here knows SQL.
import type {Cursor, Page, PageRequest} from './page.js';

export type OrganizationSummary = {
	id: string;
	name: string;
	slug: string;
	plan: string | null;
	active: boolean;
	fleets: number;
	vehicles: number;
	/** Vehicles that reported in the last 5 minutes. */
	online: number;
	users: number;
};

export type OrganizationsData = {
	list(request: PageRequest): Promise<Page<OrganizationSummary>>;
};

export type FleetSummary = {
	id: string;
	name: string;
	organizationId: string;
	organizationName: string;
	depot: string | null;
	vehicles: number;
	/** Vehicle counts per status (active, charging, idle, maintenance, offline …). */
	byStatus: Record<string, number>;
	avgSoc: number | null;
	/** 0..1 share of vehicles online now. */
	onlineShare: number | null;
};

export type FleetsData = {
	list(request: PageRequest & {organizationId?: string}): Promise<Page<FleetSummary>>;
};

export type UserSummary = {
	id: string;
	fullName: string;
	email: string;
	roles: string[];
	status: string;
	lastLoginAt: Date | null;
	organizationName?: string;
};

export type UsersData = {
	list(request: PageRequest & {organizationId?: string}): Promise<Page<UserSummary>>;
};

export type VehicleSummary = {
	id: string;
	vin: string;
	plate: string | null;
	make: string;
	model: string;
	status: string;
	soc: number | null;
	connectivity: string;
	lastSeenAt: Date | null;
	latitude: number | null;
	longitude: number | null;
	fleetId: string;
	fleetName: string;
	organizationName?: string;
};

/** fleetName: a fleet by its name (`:vehicles North depot`), resolved in the session's scope. */
export type VehicleListRequest = PageRequest & {fleetId?: string; fleetName?: string; organizationId?: string; status?: string; connectivity?: string};

export type VehiclesData = {
	list(request: VehicleListRequest): Promise<Page<VehicleSummary>>;
	/** The status and connectivity values the filters cycle through. */
	readonly statuses: readonly string[];
	readonly connectivities: readonly string[];
};

export type VehicleDetail = {
	id: string;
	vin: string;
	plate: string | null;
	make: string;
	model: string;
	modelYear: number | null;
	status: string;
	batteryCapacityKwh: number;
	usableCapacityKwh: number | null;
	maxAcChargeKw: number | null;
	maxDcChargeKw: number | null;
	connectorTypes: string[];
	v2gCapable: boolean;
	odometerKm: number | null;
	organizationName: string;
	fleetId: string;
	fleetName: string;
	depot: string | null;
	/** Latest state (null fields when the vehicle never reported). */
	lastSeenAt: Date | null;
	connectivity: string;
	soc: number | null;
	soh: number | null;
	speedKmh: number | null;
	headingDeg: number | null;
	powerKw: number | null;
	packTempC: number | null;
	latitude: number | null;
	longitude: number | null;
	/** Distance (m) and bearing (degrees) from the fleet's depot to the vehicle; null without both points. */
	depotDistanceM: number | null;
	depotBearingDeg: number | null;
};

export type TelematicsPoint = {
	recordedAt: Date;
	soc: number | null;
	speedKmh: number | null;
	powerKw: number | null;
	packTempC: number | null;
	latitude: number | null;
	longitude: number | null;
	odometerKm: number | null;
	/** Seconds until the next newer row (across pages); null for the newest. Gaps: model/telematics-gaps.ts. */
	secondsToNewer: number | null;
};

export type ChargingNow = {stationName: string; connector: string | null; startedAt: Date; energyKwh: number | null; powerKw: number | null; socStart: number | null};
export type RouteNow = {name: string; status: string; progressPct: number | null; eta: Date | null};
export type BatteryReport = {reportedAt: Date; soh: number | null; capacityKwh: number | null; cycleCount: number | null; note: string | null};
export type NearbyConnector = {stationName: string; connector: string; powerKw: number | null; distanceM: number; status: string};

export type VehicleInspectorData = {
	/** By VIN, plate or id; undefined when no vehicle matches. */
	find(ref: string): Promise<VehicleDetail | undefined>;
	/** A few close matches for an unknown reference ("did you mean"). */
	suggest(ref: string): Promise<string[]>;
	/**
	 * History newest first, in keyset pages: `after` is the `next` of the previous page (exact to the server's
	 * microsecond, so rows that share a millisecond are neither skipped nor repeated); without it, rows strictly
	 * older than `before` (the `t` jump) or the newest.
	 */
	telematics(vehicleId: string, request: {after?: Cursor; before?: Date; limit: number}): Promise<Page<TelematicsPoint>>;
	charging(vehicleId: string): Promise<ChargingNow | null>;
	route(vehicleId: string): Promise<RouteNow | null>;
	battery(vehicleId: string): Promise<BatteryReport | null>;
	nearestConnectors(vehicleId: string, limit: number): Promise<NearbyConnector[]>;
};
