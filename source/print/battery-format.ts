// Words and columns of the battery and energy views, shared by BatteryScreen and the `battery` / `energy` commands.
import type {Column} from '../components/DataTable.js';
import {formatAge, formatBar, formatNumber} from '../text/formats.js';
import type {EnergyReport, FadeEntry, RefreshStatus, TemperatureBucketRow, V2gMonthRow} from '../model/battery-data.js';

function fixed(value: number | null | undefined, digits: number, suffix = ''): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '-';
	return `${value.toFixed(digits)}${suffix}`;
}

/** "+2.31" for a fade, "-0.40" when the fit rises. */
export function formatFade(value: number | null): string {
	if (value === null) return '-';
	const rounded = value.toFixed(2);
	return rounded === '-0.00' ? '0.00' : value > 0 ? `+${rounded}` : rounded;
}

export const fadeColumns: Column<FadeEntry>[] = [
	{key: 'rank', header: '#', value: row => String(row.rank), align: 'right', priority: 3},
	{key: 'vin', header: 'VIN', value: row => row.vin, width: 17, priority: 0},
	{key: 'plate', header: 'Plate', value: row => row.plate ?? '-', maxWidth: 10, priority: 5},
	{key: 'fleet', header: 'Fleet', value: row => row.fleetName, maxWidth: 14, priority: 7},
	{key: 'soh', header: 'SoH', value: row => fixed(row.latestSohPct, 1, '%'), align: 'right', priority: 2},
	{key: 'fade', header: 'Fade/yr', value: row => formatFade(row.fadePctPerYear), align: 'right', priority: 0, color: row => (row.outlier ? 'red' : undefined)},
	{key: 'eighty', header: '80% in', value: row => row.projectionText, minWidth: 7, maxWidth: 19, priority: 1},
	{key: 'cycles', header: 'Cycles', value: row => (row.cycleCount === null ? '-' : String(row.cycleCount)), align: 'right', priority: 4},
	{
		key: 'capacity',
		header: 'kWh now/new',
		value: row => (row.capacityMeasuredKwh === null ? '-' : `${row.capacityMeasuredKwh.toFixed(1)}/${formatNumber(row.nominalCapacityKwh)}`),
		align: 'right',
		minWidth: 11,
		priority: 6,
	},
	{key: 'capacityPct', header: 'Cap%', value: row => fixed(row.capacityPct, 1), align: 'right', priority: 3},
	{key: 'reports', header: 'Reports', value: row => String(row.reports), align: 'right', priority: 8},
	{key: 'outlier', header: 'Flag', value: row => (row.outlier ? 'OUTLIER' : ''), minWidth: 7, priority: 1, color: row => (row.outlier ? 'red' : undefined)},
];

export const temperatureColumns: Column<TemperatureBucketRow>[] = [
	{key: 'range', header: 'Ambient', value: row => `${formatNumber(row.fromC)}…${formatNumber(row.toC)} °C`, minWidth: 12, priority: 0},
	{key: 'whPerKm', header: 'Wh/km', value: row => fixed(row.whPerKm, 0), align: 'right', priority: 0},
	{key: 'regen', header: 'Regen', value: row => fixed(row.regenShare === null ? null : row.regenShare * 100, 1, '%'), align: 'right', priority: 2},
	{key: 'distance', header: 'km', value: row => formatNumber(row.distanceKm), align: 'right', priority: 3},
	{key: 'records', header: 'Records', value: row => formatNumber(row.records), align: 'right', priority: 4},
];

/** A bar column scaled to the largest Wh/km of the buckets (added by callers that have room). */
export function temperatureBarColumn(rows: readonly TemperatureBucketRow[], width: number, ascii: boolean): Column<TemperatureBucketRow> {
	const max = Math.max(1, ...rows.map(row => row.whPerKm ?? 0));
	return {key: 'bar', header: '', value: row => formatBar(row.whPerKm, max, width, ascii), width, priority: 5};
}

export const v2gColumns: Column<V2gMonthRow>[] = [
	{key: 'month', header: 'Month', value: row => row.month.toISOString().slice(0, 7), width: 7, priority: 0},
	{key: 'exported', header: 'Exported kWh', value: row => formatNumber(row.exportedKwh, 1), align: 'right', priority: 0},
	{key: 'imported', header: 'Imported kWh', value: row => formatNumber(row.importedKwh, 1), align: 'right', priority: 1},
	{key: 'revenue', header: 'Revenue', value: row => `${formatNumber(row.revenue, 2)} ${row.currency}`, align: 'right', priority: 0},
	{key: 'cost', header: 'Cost', value: row => `${formatNumber(row.cost, 2)} ${row.currency}`, align: 'right', priority: 2},
	{key: 'net', header: 'Net', value: row => `${formatNumber(row.revenue - row.cost, 2)} ${row.currency}`, align: 'right', priority: 3},
	{key: 'transactions', header: 'Tx', value: row => formatNumber(row.transactions), align: 'right', priority: 4},
];

/** "battery_health_trends refreshed 3h ago (1.2 s)" plus, when older than a day, what to run. */
export function describeRefreshStatus(status: RefreshStatus, {consoleKey, now = Date.now()}: {consoleKey?: string; now?: number} = {}): {text: string; warning: string | undefined} {
	const when = status.lastRefreshedAt ? `refreshed ${formatAge(status.lastRefreshedAt, now)} ago` : 'never refreshed through refresh_*()';
	const took = status.durationMs === null ? '' : ` (took ${status.durationMs < 1000 ? `${Math.round(status.durationMs)} ms` : `${(status.durationMs / 1000).toFixed(1)} s`})`;
	const text = `${status.view} ${when}${took}`;
	if (!status.stale) return {text, warning: undefined};
	const how = consoleKey ? `${consoleKey} (maintenance) or \`${status.command}\`` : `\`${status.command}\``;
	return {text, warning: `${status.lastRefreshedAt ? 'older than a day' : 'age unknown'} — refresh with ${how}`};
}

export function energySummary(report: EnergyReport): string {
	const regen = `regeneration ${fixed(report.regenShare === null ? null : report.regenShare * 100, 1, ' %')}`;
	const recent = report.regenShareRecent === null ? '' : ` (last 4 weeks ${fixed(report.regenShareRecent * 100, 1, ' %')})`;
	return `${fixed(report.whPerKm, 0)} Wh/km · ${formatNumber(report.distanceKm)} km · ${regen}${recent}`;
}

/** One line under the fade table's title: what the numbers mean. */
export function fadeLegend(medianFadePctPerYear: number | null): string {
	const median = medianFadePctPerYear === null ? 'no median yet' : `median ${medianFadePctPerYear.toFixed(2)}`;
	return `Fade/yr: SoH points lost a year, least squares · ${median} · OUTLIER > 2× it`;
}
