// The battery and energy reports as text for stdout (`evfleet battery`, `evfleet energy`): the same charts
// and tables as the console view, sized to the terminal, colored only when colors are on.
import {chartHeight} from '../text/charts.js';
import {chartText} from '../components/LineChart.js';
import {terminalColumn, type Column} from '../components/DataTable.js';
import {renderRows, type OutputFormat} from './output.js';
import {sanitizeForTerminal} from '../text/sanitize.js';
import type {BatteryReport, EnergyReport} from '../model/battery-data.js';
import {describeRefreshStatus, energySummary, fadeLegend, fadeColumns, temperatureBarColumn, temperatureColumns, v2gColumns} from './battery-format.js';

export type TextOptions = {width: number; rows: number | undefined; color: boolean; format: Extract<OutputFormat, 'table' | 'tsv'>};

function table<T>(rows: readonly T[], columns: readonly Column<T>[], {width, format, color}: TextOptions): string {
	if (rows.length === 0) return '(none)';
	columns = columns.map(terminalColumn);
	const kept = format === 'table' ? columns : columns.filter(column => column.header !== '');
	const cells = rows.map(row => Object.fromEntries(kept.map(column => [column.key, column.value(row)])));
	const printed = kept.map(({key, header, align, priority, minWidth, maxWidth}) => ({key, header, align, priority, minWidth, maxWidth}));
	return renderRows(cells, printed, format, {color, width: format === 'table' ? width : undefined});
}

// The report's own lines carry scope labels and names from the database: sanitized before any color is added.
function heading(text: string, color: boolean): string {
	const safe = sanitizeForTerminal(text);
	return color ? `\u001B[1m${safe}\u001B[22m` : safe;
}

function warningLine(text: string, color: boolean): string {
	const safe = sanitizeForTerminal(text);
	return color ? `\u001B[33m! ${safe}\u001B[39m` : `! ${safe}`;
}

function freshness(report: BatteryReport | EnergyReport, options: TextOptions): string[] {
	const {text, warning} = describeRefreshStatus(report.refresh);
	return warning ? [sanitizeForTerminal(text), warningLine(warning, options.color)] : [sanitizeForTerminal(text)];
}

export function batteryText(report: BatteryReport, options: TextOptions): string {
	const group = report.scope.kind !== 'vehicle';
	const vehicles = Math.max(0, ...report.vehiclesPerMonth);
	const lines = [
		heading(`Battery health — ${report.scope.label}, last ${report.months} months`, options.color),
		...freshness(report, options),
		'',
		group ? `State of health: median, 10th and 90th percentile of ${vehicles} vehicle${vehicles === 1 ? '' : 's'} (monthly means)` : 'State of health (monthly mean) and the fleet median',
		chartText({
			series: report.series,
			dates: report.dates,
			width: options.width,
			height: options.rows ? chartHeight(options.rows, 12 + Math.min(report.fade.length, 10)) : 12,
			unit: '%',
			color: options.color,
		}),
		'',
	];
	lines.push(
		group ? `Fastest fading: ${report.fade.length} of ${report.ranked} vehicles with reports` : `Fade: rank ${report.fade[0]?.rank ?? '-'} of ${report.ranked} in its fleet`,
		fadeLegend(report.medianFadePctPerYear),
		table(report.fade, fadeColumns, options),
	);
	return lines.join('\n');
}

export function energyText(report: EnergyReport, options: TextOptions): string {
	const lines = [
		heading(`Energy — ${report.scope.label}, last ${report.months} months`, options.color),
		...freshness(report, options),
		'',
		sanitizeForTerminal(energySummary(report), {oneLine: false}),
		sanitizeForTerminal(`Wh/km per week (net of regeneration) vs the ${report.peerLabel}`),
		chartText({
			series: report.series,
			dates: report.dates,
			width: options.width,
			height: options.rows ? chartHeight(options.rows, 14 + report.temperature.length + Math.min(report.v2g.length, 12)) : 10,
			unit: 'Wh/km',
			color: options.color,
		}),
		'',
		'Consumption by ambient temperature',
		table(report.temperature, [...temperatureColumns, temperatureBarColumn(report.temperature, 20, !options.color)], options),
		'',
		'V2G energy per month',
		table(report.v2g, v2gColumns, options),
	];
	return lines.join('\n');
}
