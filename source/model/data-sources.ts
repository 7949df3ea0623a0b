// The browse rows and the data each browse screen asks for. The db query modules return these rows as they
// are (source/db/queries), source/db/sources implements the interfaces, source/app wires them into the
// screens, tests fake them. Nothing here knows SQL.
import type {Cursor, Page, PageRequest} from './page.js';
import type {Connectivity, VehicleStatus} from './vehicles.js';

// ---------------------------------------------------------------------------------------------------------
// Organizations, fleets, users

export type OrganizationRow = {
	id: string;
	name: string;
	slug: string;
	plan: string;
	isActive: boolean;
	fleets: number;
	vehicles: number;
	/** Vehicles whose last report is recent enough for connectivity_status() to say 'online'. */
	onlineNow: number;
	users: number;
	createdAt: Date;
};

export type OrganizationsData = {
	list(request: PageRequest): Promise<Page<OrganizationRow>>;
};

export type FleetRow = {
	id: string;
	name: string;
	organizationId: string;
	organizationName: string;
	organizationSlug: string;
	depotAddress: string | null;
	depotLatitude: number | null;
	depotLongitude: number | null;
	timezone: string;
	/** Vehicles not retired. */
	vehicles: number;
	/** Vehicle count per vehicles.status, e.g. {active: 12, charging: 3}; statuses without vehicles are left out. */
	vehiclesByStatus: Record<string, number>;
	/** Average of the vehicles' latest SoC (null when none has reported). */
	avgSocPct: number | null;
	online: number;
	/** online / vehicles, 0..1 (null without vehicles). */
	onlineShare: number | null;
};

export type FleetsData = {
	list(request: PageRequest & {organizationId?: string}): Promise<Page<FleetRow>>;
};

export type UserRow = {
	id: string;
	organizationId: string;
	organizationName: string;
	fullName: string;
	email: string;
	phone: string | null;
	/** Role names, alphabetical. */
	roles: string[];
	status: string;
	lastLoginAt: Date | null;
};

export type UsersData = {
	list(request: PageRequest & {organizationId?: string}): Promise<Page<UserRow>>;
};

// ---------------------------------------------------------------------------------------------------------
// Vehicles

/** What a vehicle reports: one telematics row, and its live state carries the same. */
export type TelematicsReading = {
	socPct: number | null;
	sohPct: number | null;
	speedKmh: number | null;
	headingDeg: number | null;
	latitude: number | null;
	longitude: number | null;
	odometerKm: number | null;
	packVoltageV: number | null;
	packCurrentA: number | null;
	packTempC: number | null;
	powerKw: number | null;
};

export type VehicleRow = {
	id: string;
	vin: string;
	plate: string | null;
	make: string;
	model: string;
	modelYear: number | null;
	status: VehicleStatus;
	organizationId: string;
	organizationName: string;
	fleetId: string;
	fleetName: string;
	socPct: number | null;
	sohPct: number | null;
	speedKmh: number | null;
	connectivity: Connectivity;
	lastSeenAt: Date | null;
	secondsSinceReport: number | null;
	latitude: number | null;
	longitude: number | null;
	/** Distance and initial bearing (degrees from north) from the fleet depot to the vehicle; null without both points. */
	depotDistanceM: number | null;
	depotBearingDeg: number | null;
};

/** fleetName: a fleet by its name (`:vehicles North depot`), resolved in the session's scope. */
export type VehicleListRequest = PageRequest & {fleetId?: string; fleetName?: string; organizationId?: string; status?: string; connectivity?: string};

export type VehiclesData = {
	list(request: VehicleListRequest): Promise<Page<VehicleRow>>;
	/** The status and connectivity values the filters cycle through. */
	readonly statuses: readonly string[];
	readonly connectivities: readonly string[];
};

/** The list row's identity fields, with the specs and depot the inspector adds. */
export type VehicleIdentity = Pick<VehicleRow, 'id' | 'vin' | 'plate' | 'make' | 'model' | 'modelYear' | 'status' | 'organizationId' | 'organizationName' | 'fleetId' | 'fleetName'> & {
	organizationSlug: string;
	batteryCapacityKwh: number;
	usableCapacityKwh: number | null;
	maxAcChargeKw: number | null;
	maxDcChargeKw: number | null;
	connectorTypes: string[];
	v2gCapable: boolean;
	odometerKm: number;
	commissionedOn: string | null;
	depotAddress: string | null;
	depotLatitude: number | null;
	depotLongitude: number | null;
};

export type VehicleLiveState = TelematicsReading & {
	recordedAt: Date;
	receivedAt: Date;
	secondsSinceReport: number;
	connectivity: Connectivity;
	depotDistanceM: number | null;
	depotBearingDeg: number | null;
};

export type VehicleChargingSession = {
	id: string;
	status: string;
	startedAt: Date;
	/** Energy delivered so far: the latest meter value's cumulative kWh while it runs, else the session's. */
	energyKwh: number;
	/** What the vehicle draws now (the latest meter value); null before the first one. Not the connector's rating. */
	powerKw: number | null;
	/** When that meter value was recorded. */
	meterAt: Date | null;
	energyToGridKwh: number;
	startSocPct: number | null;
	targetSocPct: number | null;
	isV2g: boolean;
	stationName: string | null;
	connectorNumber: number | null;
	connectorType: string | null;
	maxPowerKw: number | null;
};

export type VehicleRouteAssignment = {
	id: string;
	status: string;
	routeId: string;
	routeName: string;
	plannedStartAt: Date;
	plannedEndAt: Date | null;
	actualStartAt: Date | null;
	plannedDistanceKm: number | null;
	driverName: string | null;
	waypoints: number;
	waypointsReached: number;
};

export type VehicleBatteryReport = {
	id: string;
	reportedAt: Date;
	sohPct: number;
	capacityMeasuredKwh: number | null;
	cycleCount: number | null;
	internalResistanceMohm: number | null;
	cellVoltageSpreadMv: number | null;
	tempMaxC: number | null;
	source: string;
};

export type NearestConnectorRow = {
	stationId: string;
	stationName: string;
	/** null for a public station (run by operatorName). */
	stationOrganizationId: string | null;
	operatorName: string | null;
	connectorId: string;
	connectorNumber: number;
	connectorType: string;
	maxPowerKw: number;
	pricePerKwh: number;
	pricePerMinute: number;
	currency: string;
	distanceM: number;
	latitude: number;
	longitude: number;
};

/**
 * One vehicle as `evfleet vehicle` and the inspector both show it (one composition, db/queries/vehicles.ts
 * getVehicleDetail): identity and specs, the latest state, the current charging session, the route, the newest
 * battery report, and the nearest available connectors. Its telematics history pages separately (TelematicsRow).
 */
export type VehicleDetail = {
	vehicle: VehicleIdentity;
	state: VehicleLiveState | null;
	chargingSession: VehicleChargingSession | null;
	routeAssignment: VehicleRouteAssignment | null;
	batteryReport: VehicleBatteryReport | null;
	/** Available connectors nearest to the vehicle's last position (empty without a position). */
	nearestConnectors: NearestConnectorRow[];
};

export type TelematicsRow = TelematicsReading & {
	/** The vehicle's id (rows are unique per vehicle and recorded_at). */
	id: string;
	recordedAt: Date;
	/** Seconds until the vehicle's next newer row (on any page, even outside since/until); null for its newest row. */
	secondsToNewer: number | null;
	/** The vehicle went silent for longer than the gap threshold after this row (model/telematics-gaps.ts). */
	gap: boolean;
};

export type VehicleInspectorData = {
	/** By VIN, plate or id; undefined when no vehicle matches. */
	find(ref: string): Promise<VehicleDetail | undefined>;
	/** A few close matches for an unknown reference ("did you mean"). */
	suggest(ref: string): Promise<string[]>;
	/**
	 * History newest first, in keyset pages: `after` is the `next` of a page (exact to the server's microsecond,
	 * so rows that share a millisecond are neither skipped nor repeated), `previous` a page's `previous` (the page
	 * above it), `last` the vehicle's oldest rows (G); with none of them, the newest rows. `before` (the `t` jump)
	 * keeps only rows strictly older than it, so the list then starts there.
	 */
	telematics(vehicleId: string, request: {after?: Cursor | null; previous?: Cursor | null; last?: boolean; before?: Date; limit: number}): Promise<Page<TelematicsRow>>;
};

/** Liveness of the database connection, watched by the shell (banner, indicator, reload on reconnect). */
export type ConnectionHealth = {
	/** A cheap round trip (select 1); rejects when the server cannot be reached. */
	ping(): Promise<void>;
	/** Whether an error means the connection is gone (as opposed to one failed query). */
	isConnectionError(error: unknown): boolean;
};
