// The work behind `evfleet battery` and `evfleet energy`: parse the options, open a (scoped) read-only
// connection, load the report and print it as charts and tables, or as JSON.
import {UsageError} from '../model/errors.js';
import {parseLimit, parseMonths} from '../text/parse.js';
import {chooseFormat, printJson} from '../print/output.js';
import {colorEnabled} from '../text/terminal.js';
import type {ConnectionOptions} from './options.js';

export type AnalyticsOptions = ConnectionOptions & {org?: string; fleet?: string; vehicle?: string; months: string; limit?: string; json: boolean};

/** "24", "24mo", "2y" → months, between 1 and 120. */
export function parseWindowMonths(text: string): number {
	const months = /^\s*\d+\s*$/.test(text) ? Number(text) : parseMonths(text, '--months');
	if (!Number.isInteger(months) || months < 1 || months > 120) throw new UsageError(`invalid --months "${text}"`, 'use 1 to 120 months: 24, 18mo, 2y');
	return months;
}

export async function runAnalytics(kind: 'battery' | 'energy', options: AnalyticsOptions): Promise<void> {
	const months = parseWindowMonths(options.months);
	const limit = parseLimit(options.limit, {fallback: 20, noun: 'number of vehicles'});
	if (options.fleet && options.vehicle) throw new UsageError('--fleet and --vehicle cannot be used together', 'a vehicle is always compared with its own fleet');
	const format = chooseFormat({json: options.json});
	// Heavy modules load only when the command runs (Pastel imports every command file at startup).
	const [{resolveTarget}, {openBrowse}, {resolveScope}, sources, text] = await Promise.all([
		import('../db/connection.js'),
		import('../db/scope.js'),
		import('../db/queries/battery.js'),
		import('../db/sources/battery.js'),
		import('../print/battery-text.js'),
	]);
	const target = resolveTarget(options);
	const {sql} = await openBrowse(target, options.org, {max: 4});
	try {
		const scope = await resolveScope(sql, {org: options.org, fleet: options.fleet, vehicle: options.vehicle});
		const report = kind === 'battery' ? await sources.loadBatteryReport(sql, scope, {months, limit}) : await sources.loadEnergyReport(sql, scope, {months});
		if (format === 'json') {
			printJson(report);
			return;
		}
		const color = colorEnabled(process.stdout);
		const textOptions = {width: process.stdout.columns ?? 80, rows: process.stdout.isTTY ? process.stdout.rows : undefined, color, format: format === 'table' ? ('table' as const) : ('tsv' as const)};
		const body = kind === 'battery' ? text.batteryText(report as Awaited<ReturnType<typeof sources.loadBatteryReport>>, textOptions) : text.energyText(report as Awaited<ReturnType<typeof sources.loadEnergyReport>>, textOptions);
		process.stdout.write(`${body}\n`);
	} finally {
		await sql.end({timeout: 5});
	}
}
