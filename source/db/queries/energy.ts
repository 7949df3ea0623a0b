// Energy: weekly Wh/km of a scope against its peers' median (energy_efficiency_metrics), regeneration share,
// consumption by ambient temperature (energy_consumption_records) and V2G energy and money per month.
import type {Sql} from '../connection.js';
import {isoDate, scopeFilter, vehicleScopeFilter, windowStart, type AnalyticsScope} from './battery.js';
import {type TemperatureBucketRow, type V2gMonthRow} from '../../model/battery-data.js';
export {type TemperatureBucketRow, type V2gMonthRow};

export type EfficiencyWeekRow = {
	week: Date;
	/** The scope's own Wh/km (net of regeneration) that week: the vehicle, the fleet, or everything in scope. */
	whPerKm: number | null;
	/** Median Wh/km of the peers: the vehicle's fleet's vehicles, or the organization's fleets, or all fleets. */
	peerMedianWhPerKm: number | null;
	regenShare: number | null;
	distanceKm: number | null;
	energyConsumedKwh: number | null;
	energyRegeneratedKwh: number | null;
};

/**
 * Per ISO week of the window. The subject's numbers add up its rows (never average ratios); the peers are
 * vehicle rows of the vehicle's fleet for a vehicle, and fleet rows otherwise.
 */
export async function efficiencyByWeek(sql: Sql, scope: AnalyticsScope, {months, now = new Date()}: {months: number; now?: Date}): Promise<EfficiencyWeekRow[]> {
	const from = isoDate(windowStart(months, now));
	const subjectScope = scope.kind === 'vehicle' ? sql`t.scope = 'vehicle'` : sql`t.scope = 'fleet'`;
	const peers =
		scope.kind === 'vehicle'
			? sql`t.scope = 'vehicle' and t.organization_id = ${scope.organizationId} and t.fleet_id = ${scope.fleetId}`
			: scope.kind === 'all'
				? sql`t.scope = 'fleet'`
				: sql`t.scope = 'fleet' and t.organization_id = ${scope.organizationId}`;
	return sql<EfficiencyWeekRow[]>`
		with weeks as (
			select generate_series(date_trunc('week', ${from}::date), date_trunc('week', ${now}::timestamptz at time zone 'UTC'), interval '1 week')::date as week
		), subject as (
			select t.week,
				1000 * (sum(t.energy_consumed_kwh) - sum(t.energy_regenerated_kwh)) / nullif(sum(t.distance_km), 0) as wh_per_km,
				sum(t.energy_regenerated_kwh) / nullif(sum(t.energy_consumed_kwh), 0) as regen_share,
				sum(t.distance_km) as distance_km,
				sum(t.energy_consumed_kwh) as energy_consumed_kwh,
				sum(t.energy_regenerated_kwh) as energy_regenerated_kwh
			from energy_efficiency_metrics_scoped t
			where ${subjectScope} and t.week >= ${from}::date ${scopeFilter(sql, scope)}
			group by t.week
		), peer as (
			select t.week, percentile_cont(0.5) within group (order by t.wh_per_km) as peer_median_wh_per_km
			from energy_efficiency_metrics_scoped t
			where ${peers} and t.week >= ${from}::date and t.wh_per_km is not null
			group by t.week
		)
		select w.week, s.wh_per_km, p.peer_median_wh_per_km, s.regen_share, s.distance_km, s.energy_consumed_kwh, s.energy_regenerated_kwh
		from weeks w
		left join subject s on s.week = w.week
		left join peer p on p.week = w.week
		order by w.week`;
}

/** Consumption by ambient temperature, in 5 °C buckets, over the raw records of the window (records without a temperature are left out). */
export async function consumptionByTemperature(sql: Sql, scope: AnalyticsScope, {months, now = new Date(), bucketC = 5}: {months: number; now?: Date; bucketC?: number}): Promise<TemperatureBucketRow[]> {
	const from = windowStart(months, now);
	return sql<TemperatureBucketRow[]>`
		select floor(t.ambient_temp_c / ${bucketC}) * ${bucketC} as from_c,
			floor(t.ambient_temp_c / ${bucketC}) * ${bucketC} + ${bucketC} as to_c,
			count(*)::integer as records,
			sum(t.distance_km) as distance_km,
			1000 * (sum(t.energy_consumed_kwh) - sum(t.energy_regenerated_kwh)) / nullif(sum(t.distance_km), 0) as wh_per_km,
			sum(t.energy_regenerated_kwh) / nullif(sum(t.energy_consumed_kwh), 0) as regen_share
		from energy_consumption_records t
		where t.period_start >= ${from} and t.ambient_temp_c is not null ${vehicleScopeFilter(sql, scope)}
		group by 1, 2
		order by 1`;
}

/** V2G energy exported (to_grid) and imported (from_grid) per UTC month and currency, with the money each way. */
export async function v2gByMonth(sql: Sql, scope: AnalyticsScope, {months, now = new Date()}: {months: number; now?: Date}): Promise<V2gMonthRow[]> {
	const from = windowStart(months, now);
	return sql<V2gMonthRow[]>`
		select date_trunc('month', t.started_at at time zone 'UTC')::date as month, t.currency,
			coalesce(sum(t.energy_kwh) filter (where t.direction = 'to_grid'), 0) as exported_kwh,
			coalesce(sum(t.energy_kwh) filter (where t.direction = 'from_grid'), 0) as imported_kwh,
			coalesce(sum(t.amount) filter (where t.direction = 'to_grid'), 0) as revenue,
			coalesce(sum(t.amount) filter (where t.direction = 'from_grid'), 0) as cost,
			count(*)::integer as transactions
		from v2g_energy_transactions t
		where t.started_at >= ${from} ${vehicleScopeFilter(sql, scope)}
		group by 1, 2
		order by 1, 2`;
}
