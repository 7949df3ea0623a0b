import React from 'react';
import {argument} from 'pastel';
import zod from 'zod';
import Task from '../app/Task.js';
import {withBrowseSql} from '../db/scope.js';
import {NotFoundError, UsageError} from '../model/errors.js';
import type {TelematicsRow, VehicleDetail} from '../model/data-sources.js';
import {describeLocation, formatAge, formatNumber, formatSeconds} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';
import {chooseFormat, formatTimestamp, formatValue, printJson, printRows, type OutputFormat} from '../print/output.js';
import {parseCount, parseDuration, parseSince, parseIdentifier, checkIdentifiers} from '../text/parse.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

export const description = 'Inspect one vehicle: identity, latest state, charging, route, battery health, nearest connectors, telematics';

export const args = zod.tuple([zod.string().describe(argument({name: 'vehicle', description: 'VIN, plate or id'}))]);

export const options = connectionOptions.merge(outputOptions).merge(scopeOptions).extend({
	telematics: zod.boolean().default(false).describe('Show telematics history, newest first (implied by --since/--until)'),
	since: zod.string().optional().describe('Oldest telematics row: an age (30m, 2h, 3d) or a time (2026-11-20 14:00, ISO 8601)'),
	until: zod.string().optional().describe('Newest telematics row: an age or a time'),
	limit: zod.string().default('50').describe('At most this many telematics rows'),
	gap: zod.string().default('10m').describe('Mark silences longer than this in the history'),
});

type Props = {args: [string]; options: zod.infer<typeof options>};

const dashed = (value: unknown, unit = '') => (value === null || value === undefined ? '-' : `${typeof value === 'number' ? formatNumber(value, Number.isInteger(value) ? 0 : 1) : String(value)}${unit}`);

export default function Vehicle({args: [rawRef], options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const ref = parseIdentifier(rawRef, 'vehicle');
				checkIdentifiers(options);
				const format = chooseFormat(options);
				const now = Date.now();
				const since = options.since === undefined ? undefined : parseSince(options.since, now, '--since');
				const until = options.until === undefined ? undefined : parseSince(options.until, now, '--until');
				if (since && until && since > until) throw new UsageError('--since is after --until');
				const limit = parseCount(options.limit, '--limit', 100_000);
				const gapSeconds = parseDuration(options.gap, '--gap') / 1000;
				const withTelematics = options.telematics || since !== undefined || until !== undefined;
				const vehicles = await import('../db/queries/vehicles.js');
				const {listTelematics} = await import('../db/queries/telematics.js');
				const {collectPages} = await import('../model/page.js');

				await withBrowseSql(options, async (sql, organization) => {
					const matches = await vehicles.findVehicles(sql, ref);
					if (matches.length === 0) {
						const suggestions = await vehicles.suggestVehicles(sql, ref);
						const where = organization ? ` in organization ${organization.slug}` : '';
						throw new NotFoundError(
							`no vehicle with VIN, plate or id "${ref}"${where}`,
							suggestions.length > 0
								? `did you mean: ${suggestions.map(s => `${s.vin}${s.plate ? ` (${s.plate})` : ''}`).join(', ')}`
								: `evfleet vehicles --search ${JSON.stringify(ref.slice(0, 8))} lists partial matches`,
						);
					}
					if (matches.length > 1 && !matches.some(m => m.vin === ref.trim().toUpperCase() || m.id === ref.trim().toLowerCase())) {
						throw new UsageError(
							`"${ref}" is the plate of ${matches.length} vehicles: ${matches.map(m => `${m.vin} (${m.organizationName})`).join(', ')}`,
							'give the VIN, or add --org',
						);
					}
					const detail = await vehicles.getVehicleDetail(sql, matches[0]!.id);
					if (!detail) throw new NotFoundError(`vehicle "${ref}" disappeared while reading it`);
					const history = withTelematics
						? await collectPages(request => listTelematics(sql, {vehicleId: detail.vehicle.id, after: request.after, limit: request.limit, since, until, gapSeconds}), limit)
						: undefined;

					if (format === 'json') {
						printJson({...detail, telematics: history ? {rows: history.rows, more: history.next !== null, total: history.total, totalIsExact: !history.estimated} : undefined});
						return;
					}
					if (format === 'csv' && history) {
						printRows(history.rows, telematicsColumns(format), format, process.stdout, {compact: true, width: process.stdout.columns});
						return;
					}
					if (format === 'table') process.stdout.write(formatFields(describe(detail, format), process.stdout.columns || 80));
					else printRows(describe(detail, format), [
						{key: 'field', header: 'field'},
						{key: 'value', header: 'value'},
					], format);
					if (format === 'csv') return;
					if (detail.nearestConnectors.length > 0) {
						process.stdout.write(format === 'table' ? '\nnearest available connectors\n' : '\n');
						printRows(detail.nearestConnectors, [
							{key: 'distanceM', header: 'distance', align: 'right', format: value => ((value as number) < 1000 ? `${Math.round(value as number)} m` : `${formatNumber((value as number) / 1000, 1)} km`)},
							{key: 'stationName', header: 'station'},
							{key: 'operatorName', header: 'operator', priority: 2},
							{key: 'connectorNumber', header: '#', align: 'right'},
							{key: 'connectorType', header: 'type'},
							{key: 'maxPowerKw', header: 'kW', align: 'right'},
							{key: 'pricePerKwh', header: 'per kWh', align: 'right', format: (value, row) => `${formatNumber(value as number, 2)} ${row.currency}`, priority: 1},
						], format, process.stdout, {compact: true, width: process.stdout.columns});
					}
					if (history) {
						process.stdout.write(format === 'table' ? `\ntelematics, newest first (${history.rows.length} of ${history.estimated ? '~' : ''}${history.total}${since ? ` since ${formatTimestamp(since)}` : ''})\n` : '\n');
						printRows(history.rows, telematicsColumns(format), format, process.stdout, {compact: true, width: process.stdout.columns});
						if (history.next) process.stderr.write(`showing ${history.rows.length} of ${history.estimated ? '~' : ''}${history.total}; raise --limit or narrow --since/--until\n`);
					}
				});
			}}
		/>
	);
}

type Detail = VehicleDetail;
type Telematics = TelematicsRow;

function time(value: Date | null | undefined, format: OutputFormat): string {
	if (!value) return '-';
	return format === 'table' ? `${formatTimestamp(value)} (${formatAge(value)} ago)` : value.toISOString();
}

function describe({vehicle: v, state: s, chargingSession: c, routeAssignment: r, batteryReport: b}: Detail, format: OutputFormat): Array<{field: string; value: string}> {
	const rows: Array<[string, string]> = [
		['VIN', v.vin],
		['plate', v.plate ?? '-'],
		['id', v.id],
		['vehicle', `${v.make} ${v.model}${v.modelYear ? ` (${v.modelYear})` : ''}, ${v.status}`],
		['organization', `${v.organizationName} (${v.organizationSlug})`],
		['fleet', v.fleetName],
		['depot', v.depotAddress ?? '-'],
		[
			'battery',
			`${dashed(v.batteryCapacityKwh, ' kWh')} (usable ${dashed(v.usableCapacityKwh, ' kWh')}), AC ${dashed(v.maxAcChargeKw, ' kW')}, DC ${dashed(v.maxDcChargeKw, ' kW')}, ${v.connectorTypes.join('/') || 'no connectors'}${v.v2gCapable ? ', V2G' : ''}`,
		],
		['odometer', dashed(Math.round(s?.odometerKm ?? v.odometerKm), ' km')],
	];
	if (s) {
		rows.push(
			['last seen', `${time(s.recordedAt, format)}, ${s.connectivity}`],
			['SoC / SoH', `${dashed(s.socPct, '%')} / ${dashed(s.sohPct, '%')}`],
			['speed', `${dashed(s.speedKmh, ' km/h')}${s.headingDeg === null ? '' : ` heading ${Math.round(s.headingDeg)}°`}`],
			['location', s.latitude === null || s.longitude === null ? '-' : `${describeLocation(s)} (${s.latitude.toFixed(5)}, ${s.longitude.toFixed(5)})`],
			['pack', `${dashed(s.packVoltageV, ' V')}, ${dashed(s.packCurrentA, ' A')}, ${dashed(s.packTempC, ' °C')}, power ${dashed(s.powerKw, ' kW')}`],
		);
	} else {
		rows.push(['last seen', 'never reported']);
	}
	rows.push([
		'charging',
		c
			? `${c.status} at ${c.stationName ?? '?'}${c.connectorNumber ? ` #${c.connectorNumber}` : ''}${c.connectorType ? ` ${c.connectorType}` : ''} since ${time(c.startedAt, format)}, ${dashed(c.energyKwh, ' kWh')}${c.isV2g ? ' (V2G)' : ''}`
			: 'not charging',
	]);
	rows.push([
		'route',
		r
			? `${r.routeName} (${r.status}) ${r.actualStartAt ? `started ${time(r.actualStartAt, format)}` : `planned ${time(r.plannedStartAt, format)}`}, ${r.waypointsReached}/${r.waypoints} waypoints${r.driverName ? `, driver ${r.driverName}` : ''}`
			: 'none',
	]);
	rows.push([
		'battery report',
		b
			? `${time(b.reportedAt, format)}: SoH ${dashed(b.sohPct, '%')}, ${dashed(b.capacityMeasuredKwh, ' kWh')} measured, ${dashed(b.cycleCount)} cycles (${b.source})`
			: 'none',
	]);
	return rows.map(([field, value]) => ({field, value}));
}

/** "field   value" lines for a terminal, values wrapped at the terminal's width under their own column. */
function formatFields(rows: Array<{field: string; value: string}>, width: number): string {
	const labelWidth = Math.max(...rows.map(row => row.field.length)) + 2;
	const room = Math.max(20, width - labelWidth - 1);
	const lines: string[] = [];
	for (const {field, value} of rows) {
		const words = sanitizeForTerminal(value).split(' ');
		let line = '';
		const out: string[] = [];
		for (const word of words) {
			if (line && line.length + 1 + word.length > room) {
				out.push(line);
				line = word;
			} else {
				line = line ? `${line} ${word}` : word;
			}
		}
		out.push(line);
		out.forEach((text, i) => lines.push(`${(i === 0 ? field : '').padEnd(labelWidth)}${text}`));
	}
	return `${lines.join('\n')}\n`;
}

function telematicsColumns(format: OutputFormat) {
	// Tables show "-" for nothing; TSV and CSV leave the field empty, as scripts expect.
	const dash = (value: unknown, unit = '') => (format === 'table' ? dashed(value, unit) : formatValue(value));
	return [
		{key: 'recordedAt' as const, header: 'recorded at', format: (value: unknown) => (format === 'table' ? formatTimestamp(value as Date) : (value as Date).toISOString())},
		{key: 'socPct' as const, header: 'SoC', align: 'right' as const, format: (value: unknown) => dash(value, '%')},
		{key: 'speedKmh' as const, header: 'km/h', align: 'right' as const, format: (value: unknown) => dash(value)},
		{key: 'powerKw' as const, header: 'kW', align: 'right' as const, format: (value: unknown) => dash(value)},
		{key: 'packTempC' as const, header: '°C', align: 'right' as const, format: (value: unknown) => dash(value), priority: 1},
		{key: 'latitude' as const, header: 'position', priority: 3, format: (_value: unknown, row: Telematics) => (row.latitude === null || row.longitude === null ? (format === 'table' ? '-' : '') : `${row.latitude.toFixed(5)},${row.longitude.toFixed(5)}`)},
		{key: 'odometerKm' as const, header: 'odometer', align: 'right' as const, format: (value: unknown) => dash(value), priority: 2},
		{
			key: 'secondsToNewer' as const,
			header: 'gap',
			format: (value: unknown, row: Telematics) => (row.gap ? `${formatSeconds(value as number)} silent after` : ''),
		},
	];
}

