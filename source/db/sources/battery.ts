// The battery and energy data source: runs the queries of one view and shapes them into the reports
// that BatteryScreen renders and `evfleet battery` / `evfleet energy` print.
import type {Sql} from '../connection.js';
import {NotFoundError} from '../../model/errors.js';
import {describeProjection, isFadeOutlier, projectThreshold} from '../../text/charts.js';
import {fadeRanking, lastRefresh, resolveScope, sohPercentilesByMonth, vehicleSohByMonth, type AnalyticsScope, type RefreshInfo, type ScopeRequest, type SohMonthRow, type VehicleSohMonthRow} from '../queries/battery.js';
import {consumptionByTemperature, efficiencyByWeek, v2gByMonth} from '../queries/energy.js';
import {refreshCommand, staleAfterMs, type BatteryData, type BatteryReport, type BatteryRequest, type EnergyReport, type FadeEntry, type RefreshStatus} from '../../model/battery-data.js';

export type ReportOptions = {months: number; limit?: number; now?: Date};

function summary(scope: AnalyticsScope) {
	return {kind: scope.kind, label: scope.label};
}

export function refreshStatus(info: RefreshInfo, now: Date = new Date()): RefreshStatus {
	return {
		view: info.view,
		lastRefreshedAt: info.lastRefreshedAt,
		durationMs: info.durationMs,
		stale: !info.lastRefreshedAt || now.getTime() - info.lastRefreshedAt.getTime() > staleAfterMs,
		command: refreshCommand(info.view),
	};
}

export async function loadBatteryReport(sql: Sql, scope: AnalyticsScope, {months, limit = 20, now = new Date()}: ReportOptions): Promise<BatteryReport> {
	const [monthly, fits, refresh] = await Promise.all([
		scope.kind === 'vehicle' ? vehicleSohByMonth(sql, scope, {months, now}) : sohPercentilesByMonth(sql, scope, {months, now}),
		fadeRanking(sql, scope, {months, limit, now}),
		lastRefresh(sql, 'battery_health_trends'),
	]);
	const medianFade = fits[0]?.medianFadePctPerYear ?? null;
	const fade: FadeEntry[] = fits.map(row => {
		const fit =
			row.slopePctPerYear === null || row.interceptPct === null ? undefined : {slopePctPerYear: row.slopePctPerYear, interceptPct: row.interceptPct, lastAt: row.lastReportedAt};
		const projection = projectThreshold(fit, {now});
		const fadePctPerYear = row.slopePctPerYear === null ? null : row.slopePctPerYear === 0 ? 0 : -row.slopePctPerYear;
		return {
			rank: row.rank,
			vehicleId: row.vehicleId,
			vin: row.vin,
			plate: row.plate,
			fleetName: row.fleetName,
			reports: row.reports,
			fadePctPerYear,
			projection,
			projectionText: describeProjection(projection),
			latestSohPct: row.latestSohPct,
			cycleCount: row.cycleCount,
			capacityMeasuredKwh: row.capacityMeasuredKwh,
			nominalCapacityKwh: row.nominalCapacityKwh,
			capacityPct: row.capacityMeasuredKwh === null ? null : (100 * row.capacityMeasuredKwh) / row.nominalCapacityKwh,
			outlier: isFadeOutlier(fadePctPerYear, medianFade),
		};
	});
	const dates = monthly.map(row => row.month);
	let series: BatteryReport['series'];
	let vehiclesPerMonth: number[];
	if (scope.kind === 'vehicle') {
		const rows = monthly as VehicleSohMonthRow[];
		series = [
			{name: 'SoH', values: rows.map(row => row.avgSohPct), color: 'green'},
			{name: 'fleet median', values: rows.map(row => row.fleetMedian), color: 'cyan'},
		];
		vehiclesPerMonth = rows.map(row => (row.avgSohPct === null ? 0 : 1));
	} else {
		const rows = monthly as SohMonthRow[];
		series = [
			{name: 'median', values: rows.map(row => row.median), color: 'green'},
			{name: 'p10', values: rows.map(row => row.p10), color: 'red'},
			{name: 'p90', values: rows.map(row => row.p90), color: 'cyan'},
		];
		vehiclesPerMonth = rows.map(row => row.vehicles);
	}
	return {
		scope: summary(scope),
		months,
		dates,
		series,
		vehiclesPerMonth,
		fade,
		ranked: fits[0]?.ranked ?? 0,
		medianFadePctPerYear: medianFade,
		refresh: refreshStatus(refresh, now),
	};
}

function ratio(numerator: number, denominator: number): number | null {
	return denominator > 0 ? numerator / denominator : null;
}

export async function loadEnergyReport(sql: Sql, scope: AnalyticsScope, {months, now = new Date()}: ReportOptions): Promise<EnergyReport> {
	const [weeks, temperature, v2g, refresh] = await Promise.all([
		efficiencyByWeek(sql, scope, {months, now}),
		consumptionByTemperature(sql, scope, {months, now}),
		v2gByMonth(sql, scope, {months, now}),
		lastRefresh(sql, 'energy_efficiency_metrics'),
	]);
	const withData = weeks.filter(row => row.energyConsumedKwh !== null && row.distanceKm !== null);
	const total = (rows: typeof withData) => {
		const consumed = rows.reduce((sum, row) => sum + (row.energyConsumedKwh ?? 0), 0);
		const regenerated = rows.reduce((sum, row) => sum + (row.energyRegeneratedKwh ?? 0), 0);
		const distance = rows.reduce((sum, row) => sum + (row.distanceKm ?? 0), 0);
		return {regenShare: ratio(regenerated, consumed), whPerKm: ratio(1000 * (consumed - regenerated), distance), distance};
	};
	const all = total(withData);
	const recent = total(withData.slice(-4));
	const subject = {vehicle: 'vehicle', fleet: 'fleet', organization: 'organization', all: 'all fleets'}[scope.kind];
	const peerLabel = scope.kind === 'vehicle' ? 'median of the fleet’s vehicles' : scope.kind === 'all' ? 'median of all fleets' : 'median of the organization’s fleets';
	return {
		scope: summary(scope),
		months,
		dates: weeks.map(row => row.week),
		series: [
			{name: `${subject} Wh/km`, values: weeks.map(row => row.whPerKm), color: 'green'},
			{name: peerLabel, values: weeks.map(row => row.peerMedianWhPerKm), color: 'cyan'},
		],
		peerLabel,
		regenShare: all.regenShare,
		regenShareRecent: recent.regenShare,
		whPerKm: all.whPerKm,
		distanceKm: all.distance,
		temperature,
		v2g,
		refresh: refreshStatus(refresh, now),
	};
}

/**
 * The console's battery data. `target` (the view's argument) may be "vehicle:<VIN|plate|id>", "fleet:<name|id>",
 * "org:<slug|id>", or bare: tried as a vehicle, then as a fleet. Without one: the console's organization, or
 * everything the role can see.
 */
export function createBatteryData(sql: Sql, {org}: {org?: string} = {}): BatteryData {
	const base: ScopeRequest = org ? {org} : {};
	const scopeFor = async (target: string | undefined): Promise<AnalyticsScope> => {
		const ref = target?.trim();
		if (!ref) return resolveScope(sql, base);
		const prefixed = /^(vehicle|fleet|org):(.+)$/.exec(ref);
		if (prefixed) {
			const [, kind, value] = prefixed;
			return resolveScope(sql, kind === 'org' ? {org: value} : {...base, [kind!]: value});
		}
		try {
			return await resolveScope(sql, {...base, vehicle: ref});
		} catch (error) {
			if (!(error instanceof NotFoundError)) throw error;
		}
		try {
			return await resolveScope(sql, {...base, fleet: ref});
		} catch (error) {
			if (error instanceof NotFoundError) throw new NotFoundError(`no vehicle or fleet "${ref}"`, 'use a VIN, plate, vehicle id, fleet name or fleet id');
			throw error;
		}
	};
	return {
		async battery(request: BatteryRequest) {
			return loadBatteryReport(sql, await scopeFor(request.target), {months: request.months});
		},
		async energy(request: BatteryRequest) {
			return loadEnergyReport(sql, await scopeFor(request.target), {months: request.months});
		},
	};
}
