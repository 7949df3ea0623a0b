// What the battery and energy views show, as data: the interface implemented in source/db/sources/battery.ts,
// printed by `evfleet battery` / `evfleet energy` and rendered by BatteryScreen; faked in tests.


export type ScopeSummary = {kind: 'all' | 'organization' | 'fleet' | 'vehicle'; label: string};

export type BatteryRequest = {
	/** Console argument: a VIN, plate or vehicle id, or a fleet name or id; none: the whole (org) scope. */
	readonly target?: string;
	readonly months: number;
};

/** How fresh a materialized view is, and what refreshes it. */
export type RefreshStatus = {
	view: string;
	lastRefreshedAt: Date | null;
	durationMs: number | null;
	/** Older than a day, or never refreshed through a refresh_* function. */
	stale: boolean;
	/** `evfleet maint refresh battery_health_trends` */
	command: string;
};

export type ChartSeriesData = {name: string; values: Array<number | null>; color?: 'green' | 'yellow' | 'cyan' | 'magenta' | 'red' | 'blue'};

export type FadeEntry = {
	rank: number;
	vehicleId: string;
	vin: string;
	plate: string | null;
	fleetName: string;
	reports: number;
	/** SoH percentage points lost per year (least squares); negative when rising; null with too few reports. */
	fadePctPerYear: number | null;
	projection: Projection;
	/** "2031-04", "reached 2025-11", "not within 10 years", "not enough data". */
	projectionText: string;
	latestSohPct: number;
	cycleCount: number | null;
	capacityMeasuredKwh: number | null;
	nominalCapacityKwh: number;
	/** Measured / nominal capacity, percent. */
	capacityPct: number | null;
	/** Fade more than twice the median of the vehicles ranked with it. */
	outlier: boolean;
};

export type BatteryReport = {
	scope: ScopeSummary;
	months: number;
	/** First day of each month in the window (UTC). */
	dates: Date[];
	/** One vehicle: its SoH and its fleet's median; a group: median, p10, p90. Percent. */
	series: ChartSeriesData[];
	/** Vehicles with reports in the window per month (groups) — for "n vehicles" hints. */
	vehiclesPerMonth: number[];
	fade: FadeEntry[];
	/** Vehicles in the ranking (the fade table shows the fastest `fade.length`). */
	ranked: number;
	medianFadePctPerYear: number | null;
	refresh: RefreshStatus;
};

export type EnergyReport = {
	scope: ScopeSummary;
	months: number;
	/** Monday of each ISO week in the window. */
	dates: Date[];
	/** The scope's Wh/km and its peers' median. */
	series: ChartSeriesData[];
	/** Who the median is taken over: "fleet vehicles", "organization's fleets", "all fleets". */
	peerLabel: string;
	/** Regenerated / consumed energy over the window, and over the last four weeks with data. */
	regenShare: number | null;
	regenShareRecent: number | null;
	whPerKm: number | null;
	distanceKm: number;
	temperature: TemperatureBucketRow[];
	v2g: V2gMonthRow[];
	refresh: RefreshStatus;
};

export type BatteryData = {
	battery(request: BatteryRequest): Promise<BatteryReport>;
	energy(request: BatteryRequest): Promise<EnergyReport>;
};

export const staleAfterMs = 86_400_000;

export function refreshCommand(view: string): string {
	return `evfleet maint refresh ${view}`;
}

export type TemperatureBucketRow = {
	/** Lower bound of a 5 °C bucket (-10 means -10 ≤ t < -5). */
	fromC: number;
	toC: number;
	records: number;
	distanceKm: number;
	whPerKm: number | null;
	regenShare: number | null;
};

export type V2gMonthRow = {
	month: Date;
	currency: string;
	exportedKwh: number;
	importedKwh: number;
	/** Paid for energy sent to the grid. */
	revenue: number;
	/** Paid for energy taken from the grid in V2G sessions. */
	cost: number;
	transactions: number;
};

/** When a vehicle's fitted state of health reaches a threshold (text/charts.ts fits it). */
export type Projection =
	| {kind: 'reached'; month: string}
	| {kind: 'projected'; month: string}
	| {kind: 'not-within'; years: number}
	| {kind: 'not-enough-data'};
