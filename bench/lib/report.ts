// The benchmark's result document (bench/results/latest.json), its schema, and the markdown table printed from it.
import zod from 'zod';

const measurement = zod.object({
	median: zod.number(),
	p95: zod.number(),
	samples: zod.array(zod.number()),
});

export const figureIds = [
	'ingest',
	'liveVehiclesPage',
	'vehicleLast100',
	'nearestConnectors',
	'radiusTenant',
	'tenantPredicate',
	'scopedQuery',
	'matviewRefreshReader',
	'activityRefresh',
	'cliHelp',
	'cliOrgsJson',
	'consoleFirstFrame',
	'consoleRssPaging',
	'consoleRssLive',
] as const;
export type FigureId = (typeof figureIds)[number];

export const figureSchema = zod.object({
	id: zod.enum(figureIds),
	title: zod.string(),
	unit: zod.enum(['rows/s', 'ms', 'MB']),
	/** Which direction is good for the measured value. */
	better: zod.enum(['lower', 'higher']),
	status: zod.enum(['measured', 'skipped', 'failed']),
	/** Why it was skipped or failed; or a remark on how it was measured. */
	note: zod.string().optional(),
	value: measurement.nullable(),
	baseline: zod.object({title: zod.string()}).merge(measurement).nullable(),
	/** Other reference points measured in the same run (psql next to node -e 0). */
	comparisons: zod.array(zod.object({title: zod.string(), median: zod.number(), p95: zod.number(), ratio: zod.number()})).default([]),
	/**
	 * Median against the baseline median, expressed as the target is: "x of baseline" for rates
	 * (value / baseline), "x faster" for latencies against a slow baseline (baseline / value), and
	 * "x of baseline" for process times against node -e 0 (value / baseline).
	 */
	ratio: zod.number().nullable(),
	ratioKind: zod.enum(['ofBaseline', 'faster']).nullable(),
	target: zod.string(),
	pass: zod.boolean().nullable(),
	/** Extra numbers a reader needs to judge the figure (rows, refresh durations, RSS growth …). */
	details: zod.record(zod.string(), zod.union([zod.number(), zod.string(), zod.boolean(), zod.null()])).default({}),
});
export type Figure = zod.infer<typeof figureSchema>;

export const reportSchema = zod.object({
	version: zod.literal(1),
	startedAt: zod.string(),
	finishedAt: zod.string(),
	scale: zod.string(),
	runs: zod.number().int().positive(),
	machine: zod.object({
		cpus: zod.number().int(),
		cpuModel: zod.string(),
		memoryGiB: zod.number(),
		platform: zod.string(),
		node: zod.string(),
		postgres: zod.string(),
		/** Settings of the measured server that move the figures (shared_buffers, max_wal_size, fsync …). */
		server: zod.record(zod.string(), zod.string()).optional(),
	}),
	data: zod.object({
		vehicles: zod.number(),
		stations: zod.number(),
		telematicsRows: zod.number(),
		seedSeconds: zod.number().nullable(),
	}),
	figures: zod.array(figureSchema),
});
export type Report = zod.infer<typeof reportSchema>;

function formatNumber(value: number, unit: Figure['unit']): string {
	if (!Number.isFinite(value)) return '–';
	if (unit === 'rows/s') return Math.round(value).toLocaleString('en-US');
	if (unit === 'MB') return value.toFixed(1);
	return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatRatio(figure: Figure): string {
	if (figure.ratio === null) return '–';
	const digits = figure.ratio >= 100 ? 0 : figure.ratio >= 10 ? 1 : 2;
	return figure.ratioKind === 'faster' ? `${figure.ratio.toFixed(digits)}× faster` : `${figure.ratio.toFixed(digits)}×`;
}

/** The table of the issue: figure, median, p95, baseline, ratio, target, pass/fail. */
export function markdownTable(report: Report): string {
	const lines = [
		'| figure | median | p95 | runs | baseline (median) | ratio | target | result |',
		'|---|---:|---:|---:|---|---:|---|---|',
	];
	for (const figure of report.figures) {
		const unit = figure.unit;
		const value = figure.value;
		const baseline = figure.baseline ? `${figure.baseline.title}: ${formatNumber(figure.baseline.median, unit)} ${unit}` : '–';
		const runs = value ? `${value.samples.length}${figure.baseline ? ` / ${figure.baseline.samples.length}` : ''}` : '–';
		const comparisons = figure.comparisons.map(c => `; ${c.title}: ${formatNumber(c.median, unit)} ${unit} (${c.ratio.toFixed(2)}×)`).join('');
		const result = figure.status !== 'measured' ? `${figure.status}${figure.note ? `: ${figure.note}` : ''}` : figure.pass === null ? 'n/a' : figure.pass ? 'pass' : 'FAIL';
		lines.push(`| ${figure.title} | ${value ? `${formatNumber(value.median, unit)} ${unit}` : '–'} | ${value ? formatNumber(value.p95, unit) : '–'} | ${runs} | ${baseline}${comparisons} | ${formatRatio(figure)} | ${figure.target} | ${result} |`);
	}
	return lines.join('\n');
}

export function machineLine(report: Report): string {
	const m = report.machine;
	const server = m.server ? ` (${Object.entries(m.server).map(([name, value]) => `${name}=${value}`).join(', ')})` : '';
	return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB RAM, ${m.platform}, Node ${m.node}, ${m.postgres}${server}; scale ${report.scale}: ${report.data.vehicles.toLocaleString('en-US')} vehicles, ${report.data.stations.toLocaleString('en-US')} stations, ${report.data.telematicsRows.toLocaleString('en-US')} telematics rows; ${report.runs} runs per figure`;
}
