// Battery health: monthly SoH series (one vehicle, or a fleet's median and 10th/90th percentiles) from the
// battery_health_trends materialized view, per-vehicle least-squares fade from the raw reports, and view freshness.
import type {Sql} from '../connection.js';
import {NotFoundError, UsageError} from '../../model/errors.js';

/** What the battery and energy views look at: everything visible, one organization, one fleet or one vehicle. */
export type AnalyticsScope =
	| {kind: 'all'; label: string}
	| {kind: 'organization'; organizationId: string; label: string}
	| {kind: 'fleet'; organizationId: string; fleetId: string; label: string}
	| {kind: 'vehicle'; organizationId: string; fleetId: string; vehicleId: string; label: string};

export type ScopeRequest = {org?: string; fleet?: string; vehicle?: string};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const secondsPerYear = 365.25 * 86_400;

/** Resolves --org (slug or id), --fleet (name or id) and --vehicle (VIN, plate or id) to ids; the narrowest wins. */
export async function resolveScope(sql: Sql, request: ScopeRequest): Promise<AnalyticsScope> {
	let organization: {id: string; name: string; slug: string} | undefined;
	if (request.org) {
		const org = request.org;
		[organization] = await sql<Array<{id: string; name: string; slug: string}>>`
			select id, name, slug from organizations
			where slug = ${org} ${uuidPattern.test(org) ? sql`or id = ${org}::uuid` : sql``}
			limit 1`;
		if (!organization) throw new NotFoundError(`no organization "${org}"`, 'use its slug or id (evfleet orgs lists them)');
	}
	const orgFilter = organization ? sql`and v.organization_id = ${organization.id}` : sql``;
	if (request.vehicle) {
		const ref = request.vehicle;
		const rows = await sql<Array<{id: string; vin: string; plate: string | null; organizationId: string; fleetId: string}>>`
			select v.id, v.vin, v.plate, v.organization_id, v.fleet_id from vehicles v
			where (v.vin = ${ref.toUpperCase()} or v.plate = ${ref} ${uuidPattern.test(ref) ? sql`or v.id = ${ref}::uuid` : sql``}) ${orgFilter}
			order by (v.vin = ${ref.toUpperCase()}) desc
			limit 2`;
		const [vehicle] = rows;
		if (!vehicle) throw new NotFoundError(`no vehicle "${ref}"`, 'use its VIN, plate or id');
		if (rows.length > 1 && rows[0]!.vin !== ref.toUpperCase()) throw new UsageError(`plate "${ref}" is used in several organizations`, 'add --org or use the VIN');
		return {kind: 'vehicle', organizationId: vehicle.organizationId, fleetId: vehicle.fleetId, vehicleId: vehicle.id, label: `vehicle ${vehicle.vin}${vehicle.plate ? ` (${vehicle.plate})` : ''}`};
	}
	if (request.fleet) {
		const ref = request.fleet;
		const rows = await sql<Array<{id: string; name: string; organizationId: string; organizationName: string}>>`
			select f.id, f.name, f.organization_id, o.name as organization_name
			from fleets f join organizations o on o.id = f.organization_id
			where (f.name = ${ref} ${uuidPattern.test(ref) ? sql`or f.id = ${ref}::uuid` : sql``})
				${organization ? sql`and f.organization_id = ${organization.id}` : sql``}
			limit 2`;
		const [fleet] = rows;
		if (!fleet) throw new NotFoundError(`no fleet "${ref}"`, 'use its name or id (with --org when names repeat across organizations)');
		if (rows.length > 1) throw new UsageError(`fleet name "${ref}" exists in several organizations`, 'add --org or use the fleet id');
		return {kind: 'fleet', organizationId: fleet.organizationId, fleetId: fleet.id, label: `fleet ${fleet.name} (${fleet.organizationName})`};
	}
	if (organization) return {kind: 'organization', organizationId: organization.id, label: `organization ${organization.name}`};
	return {kind: 'all', label: 'all organizations'};
}

/** First day (UTC) of the month `months - 1` months before `now`'s month: the start of a `months`-long window. */
export function windowStart(months: number, now: Date = new Date()): Date {
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (Math.max(1, months) - 1), 1));
}

/** "2024-01-01": dates go to the server as text so the session time zone cannot shift them. */
export function isoDate(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/**
 * Rows of `t` (a view or table with organization_id, fleet_id and vehicle_id), narrowed to the scope; with
 * `viaVehicles`, for a table without fleet_id, the fleet's vehicles are looked up instead.
 */
export function scopeFilter(sql: Sql, scope: AnalyticsScope, {viaVehicles = false}: {viaVehicles?: boolean} = {}) {
	switch (scope.kind) {
		case 'all':
			return sql``;
		case 'organization':
			return sql`and t.organization_id = ${scope.organizationId}`;
		case 'fleet':
			return viaVehicles
				? sql`and t.organization_id = ${scope.organizationId} and t.vehicle_id in (select id from vehicles where organization_id = ${scope.organizationId} and fleet_id = ${scope.fleetId})`
				: sql`and t.organization_id = ${scope.organizationId} and t.fleet_id = ${scope.fleetId}`;
		case 'vehicle':
			return sql`and t.organization_id = ${scope.organizationId} and t.vehicle_id = ${scope.vehicleId}`;
	}
}

/** Rows of `t` (a table with organization_id and vehicle_id but no fleet_id), narrowed to the scope. */
export function vehicleScopeFilter(sql: Sql, scope: AnalyticsScope) {
	return scopeFilter(sql, scope, {viaVehicles: true});
}

/** The peers a vehicle is compared with (its fleet); other scopes are their own peers. */
export function peerScope(scope: AnalyticsScope): AnalyticsScope {
	return scope.kind === 'vehicle' ? {kind: 'fleet', organizationId: scope.organizationId, fleetId: scope.fleetId, label: 'fleet'} : scope;
}

export type SohMonthRow = {
	month: Date;
	/** Vehicles with reports that month. */
	vehicles: number;
	p10: number | null;
	median: number | null;
	p90: number | null;
};

/** Per month of the window: the 10th, 50th and 90th percentile of the vehicles' average SoH (percentile_cont). */
export async function sohPercentilesByMonth(sql: Sql, scope: AnalyticsScope, {months, now = new Date()}: {months: number; now?: Date}): Promise<SohMonthRow[]> {
	const from = isoDate(windowStart(months, now));
	return sql<SohMonthRow[]>`
		with window_months as (
			select generate_series(${from}::date, date_trunc('month', ${now}::timestamptz at time zone 'UTC')::date, interval '1 month')::date as month
		), trends as (
			select t.month, t.avg_soh_pct from battery_health_trends_scoped t
			where t.month >= ${from}::date ${scopeFilter(sql, scope)}
		)
		select m.month, count(t.avg_soh_pct)::integer as vehicles,
			percentile_cont(0.1) within group (order by t.avg_soh_pct) as p10,
			percentile_cont(0.5) within group (order by t.avg_soh_pct) as median,
			percentile_cont(0.9) within group (order by t.avg_soh_pct) as p90
		from window_months m left join trends t on t.month = m.month
		group by m.month
		order by m.month`;
}

export type VehicleSohMonthRow = {month: Date; avgSohPct: number | null; minSohPct: number | null; maxSohPct: number | null; fleetMedian: number | null};

/** One vehicle's monthly average SoH with its fleet's median beside it. */
export async function vehicleSohByMonth(sql: Sql, scope: Extract<AnalyticsScope, {kind: 'vehicle'}>, {months, now = new Date()}: {months: number; now?: Date}): Promise<VehicleSohMonthRow[]> {
	const from = isoDate(windowStart(months, now));
	return sql<VehicleSohMonthRow[]>`
		with window_months as (
			select generate_series(${from}::date, date_trunc('month', ${now}::timestamptz at time zone 'UTC')::date, interval '1 month')::date as month
		), fleet as (
			select t.month, percentile_cont(0.5) within group (order by t.avg_soh_pct) as fleet_median
			from battery_health_trends_scoped t
			where t.month >= ${from}::date and t.organization_id = ${scope.organizationId} and t.fleet_id = ${scope.fleetId}
			group by t.month
		)
		select m.month, t.avg_soh_pct, t.min_soh_pct, t.max_soh_pct, f.fleet_median
		from window_months m
		left join battery_health_trends_scoped t on t.month = m.month and t.organization_id = ${scope.organizationId} and t.vehicle_id = ${scope.vehicleId}
		left join fleet f on f.month = m.month
		order by m.month`;
}

export type FadeFitRow = {
	vehicleId: string;
	vin: string;
	plate: string | null;
	fleetName: string;
	reports: number;
	/** Least-squares slope of SoH (percentage points) per year; null without enough reports (minimumFitReports over minimumFitDays). */
	slopePctPerYear: number | null;
	/** Fitted SoH at the Unix epoch (x is years since 1970), for projecting the line. */
	interceptPct: number | null;
	firstReportedAt: Date;
	lastReportedAt: Date;
	latestSohPct: number;
	cycleCount: number | null;
	capacityMeasuredKwh: number | null;
	nominalCapacityKwh: number;
	/** 1 = fastest fading in the scope. */
	rank: number;
	/** Vehicles with reports in the window (the ranking's size). */
	ranked: number;
	/** Median of -slope over the scope's vehicles that have a fit. */
	medianFadePctPerYear: number | null;
};

/** A fade is fitted only over at least this many reports spanning at least this many days. */
export const minimumFitReports = 3;
export const minimumFitDays = 90;

/**
 * Vehicles ranked by SoH lost per year: regr_slope over each vehicle's reports in the window. For a
 * vehicle scope the ranking (and median) is its fleet's, and only its row is returned.
 */
export async function fadeRanking(sql: Sql, scope: AnalyticsScope, {months, limit = 20, now = new Date()}: {months: number; limit?: number; now?: Date}): Promise<FadeFitRow[]> {
	const from = windowStart(months, now);
	const peers = peerScope(scope);
	return sql<FadeFitRow[]>`
		with raw as (
			select t.organization_id, t.vehicle_id,
				count(*)::integer as reports,
				regr_slope(t.soh_pct, extract(epoch from t.reported_at)::double precision / ${secondsPerYear}::double precision) as slope_pct_per_year,
				regr_intercept(t.soh_pct, extract(epoch from t.reported_at)::double precision / ${secondsPerYear}::double precision) as intercept_pct,
				min(t.reported_at) as first_reported_at,
				max(t.reported_at) as last_reported_at,
				(array_agg(t.soh_pct::double precision order by t.reported_at desc))[1] as latest_soh_pct,
				(array_agg(t.cycle_count order by t.reported_at desc) filter (where t.cycle_count is not null))[1] as cycle_count,
				(array_agg(t.capacity_measured_kwh order by t.reported_at desc) filter (where t.capacity_measured_kwh is not null))[1] as capacity_measured_kwh
			from battery_health_reports t
			where t.reported_at >= ${from} ${vehicleScopeFilter(sql, peers)}
			group by t.organization_id, t.vehicle_id
		), fits as (
			-- A line through a few weeks of reports is noise: fit only enough reports over enough time.
			select raw.*, (raw.reports >= ${minimumFitReports} and raw.last_reported_at - raw.first_reported_at >= ${`${minimumFitDays} days`}::interval) as fitted
			from raw
		), ranked as (
			select f.*,
				row_number() over (order by case when f.fitted then f.slope_pct_per_year end asc nulls last, f.vehicle_id)::integer as rank,
				count(*) over ()::integer as ranked
			from fits f
		)
		select r.vehicle_id, v.vin, v.plate, fl.name as fleet_name, r.reports,
			case when r.fitted then r.slope_pct_per_year end as slope_pct_per_year, case when r.fitted then r.intercept_pct end as intercept_pct,
			r.first_reported_at, r.last_reported_at, r.latest_soh_pct, r.cycle_count, r.capacity_measured_kwh,
			v.battery_capacity_kwh as nominal_capacity_kwh, r.rank, r.ranked,
			(select percentile_cont(0.5) within group (order by -slope_pct_per_year) from fits where fitted and slope_pct_per_year is not null) as median_fade_pct_per_year
		from ranked r
		-- joined on organization_id too: on Citus each vehicle on its own shard
		join vehicles v on v.id = r.vehicle_id and v.organization_id = r.organization_id
		join fleets fl on fl.id = v.fleet_id and fl.organization_id = v.organization_id
		where true ${scope.kind === 'vehicle' ? sql`and r.vehicle_id = ${scope.vehicleId}` : sql``}
		order by r.rank
		limit ${limit}`;
}

export type RefreshInfo = {
	view: string;
	lastRefreshedAt: Date | null;
	durationMs: number | null;
	concurrent: boolean | null;
};

/** The latest logged refresh of a materialized view (refresh_* functions write matview_refresh_log). */
export async function lastRefresh(sql: Sql, view: 'battery_health_trends' | 'energy_efficiency_metrics'): Promise<RefreshInfo> {
	const [row] = await sql<Array<{finishedAt: Date; durationMs: number; concurrent: boolean}>>`
		select finished_at, extract(epoch from duration) * 1000 as duration_ms, concurrent
		from matview_refresh_log
		where view_name = ${view}
		order by started_at desc
		limit 1`;
	return {view, lastRefreshedAt: row?.finishedAt ?? null, durationMs: row?.durationMs ?? null, concurrent: row?.concurrent ?? null};
}
