// npm run bench:growth [-- --scales medium,large] — how the hot paths grow with data, to size a server.
// Seeds one database per scale (10x apart by default: 1 000 and 10 000 vehicles) on one throw-away cluster, times
// the product's own read paths and the materialized view refreshes on each, and states the cost per vehicle, per
// history row and per station, and the growth exponent between the sizes (1 = linear, 0 = flat).
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {createSql, parseConnectionUrl, type Sql} from '../source/db/connection.js';
import {nearestAvailableConnectors} from '../source/db/queries/charging.js';
import {liveVehicles} from '../source/db/queries/live.js';
import {listTelematics} from '../source/db/queries/telematics.js';
import {benchServerSettings, type BenchScale} from './run.js';
import {summarize, timeRuns} from './lib/stats.js';

const repo = path.resolve(import.meta.dirname, '..');

export type GrowthSize = {
	scale: BenchScale;
	vehicles: number;
	telematicsRows: number;
	/** Heap, indexes and TOAST of every telematics partition. */
	telematicsBytes: number;
	stations: number;
	batteryReports: number;
	energyRecords: number;
	seedSeconds: number;
};

export type GrowthPath = {
	id: 'livePage' | 'last100' | 'radiusSearch' | 'refreshBatteryHealthTrends' | 'refreshEnergyEfficiencyMetrics';
	title: string;
	/** What the cost is divided by: the data that path has to look at in the worst case. */
	per: 'vehicle' | 'telematics row' | 'station' | 'battery report' | 'energy record';
	/** Median and p95 in ms at each size, in the order of `sizes`. */
	medianMs: number[];
	p95Ms: number[];
	/** Median ms per unit of `per` at each size, in microseconds. */
	microsecondsPer: number[];
	/** log(t2 / t1) / log(n2 / n1) between the first and the last size: 1 linear, 0 flat. */
	exponent: number | null;
};

export type GrowthReport = {version: 1; startedAt: string; finishedAt: string; runs: number; postgres: string; sizes: GrowthSize[]; paths: GrowthPath[]};

async function describe(sql: Sql, scale: BenchScale, seedSeconds: number): Promise<GrowthSize> {
	const [row] = await sql<[Omit<GrowthSize, 'scale' | 'seedSeconds'>]>`
		select (select count(*)::int from vehicles) as vehicles,
		       (select count(*)::float8 from vehicle_telematics) as telematics_rows,
		       (select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::float8 from pg_inherits i
		         where i.inhparent = 'vehicle_telematics'::regclass) as telematics_bytes,
		       (select count(*)::int from charging_stations) as stations,
		       (select count(*)::int from battery_health_reports) as battery_reports,
		       (select count(*)::float8 from energy_consumption_records) as energy_records`;
	return {scale, ...row, seedSeconds};
}

type Timings = Record<GrowthPath['id'], number[]>;

/** The product's read paths and the view refreshes, each timed `runs` times on one seeded database. */
async function measure(sql: Sql, runs: number): Promise<Timings> {
	const vehicles = await sql<Array<{id: string}>>`
		select v.id from vehicles v
		where v.status = 'active' and exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id)
		order by md5(v.id::text) limit ${runs + 2}`;
	const points = await sql<Array<{latitude: number; longitude: number}>>`
		select st_y(location::geometry) + 0.01 as latitude, st_x(location::geometry) - 0.01 as longitude
		from charging_stations order by md5(id::text) limit ${runs + 2}`;
	const pick = <T>(items: T[], run: number) => items[(run + items.length) % items.length]!;
	return {
		livePage: await timeRuns(runs, () => liveVehicles(sql, {}), {warmup: 2}),
		last100: await timeRuns(runs, run => sql.begin(tx => listTelematics(tx as unknown as Sql, {vehicleId: pick(vehicles, run).id, limit: 100})), {warmup: 2}),
		radiusSearch: await timeRuns(runs, run => nearestAvailableConnectors(sql, {...pick(points, run), limit: 5, radiusKm: 50}), {warmup: 2}),
		refreshBatteryHealthTrends: await timeRuns(Math.min(runs, 5), () => sql`select refresh_battery_health_trends()`, {warmup: 1}),
		refreshEnergyEfficiencyMetrics: await timeRuns(Math.min(runs, 5), () => sql`select refresh_energy_efficiency_metrics()`, {warmup: 1}),
	};
}

const pathMeta: Array<Pick<GrowthPath, 'id' | 'title' | 'per'> & {units: (size: GrowthSize) => number}> = [
	{id: 'livePage', title: 'live vehicles page (counts + first 100)', per: 'vehicle', units: size => size.vehicles},
	{id: 'last100', title: "one vehicle's last 100 telematics rows", per: 'telematics row', units: size => size.telematicsRows},
	{id: 'radiusSearch', title: 'nearest 5 available connectors within 50 km', per: 'station', units: size => size.stations},
	{id: 'refreshBatteryHealthTrends', title: 'refresh battery_health_trends (concurrently)', per: 'battery report', units: size => size.batteryReports},
	{id: 'refreshEnergyEfficiencyMetrics', title: 'refresh energy_efficiency_metrics (concurrently)', per: 'energy record', units: size => size.energyRecords},
];

export function growthPaths(sizes: GrowthSize[], timings: Timings[]): GrowthPath[] {
	return pathMeta.map(meta => {
		const summaries = timings.map(t => summarize(t[meta.id]));
		const medianMs = summaries.map(s => s.median);
		const units = sizes.map(meta.units);
		const first = 0;
		const last = sizes.length - 1;
		const exponent = last > first && units[last]! > units[first]! && medianMs[first]! > 0
			? Math.log(medianMs[last]! / medianMs[first]!) / Math.log(units[last]! / units[first]!)
			: null;
		return {
			id: meta.id,
			title: meta.title,
			per: meta.per,
			medianMs,
			p95Ms: summaries.map(s => s.p95),
			microsecondsPer: medianMs.map((ms, i) => (ms * 1000) / Math.max(1, units[i]!)),
			exponent,
		};
	});
}

const fmt = (value: number, digits = 2) => value.toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: value < 10 ? digits : 0});

export function growthTable(report: GrowthReport): string {
	const {sizes} = report;
	const lines = [
		`| | ${sizes.map(s => `${s.scale}: ${fmt(s.vehicles, 0)} vehicles, ${fmt(s.telematicsRows, 0)} telematics rows, ${fmt(s.stations, 0)} stations`).join(' | ')} | |`,
		`|---|${sizes.map(() => '---:').join('|')}|---:|`,
		`| telematics on disk (heap + indexes) | ${sizes.map(s => `${fmt(s.telematicsBytes / 1024 ** 2, 0)} MB, ${fmt(s.telematicsBytes / Math.max(1, s.telematicsRows), 0)} bytes per row`).join(' | ')} | |`,
	];
	for (const p of report.paths) {
		const cells = p.medianMs.map((ms, i) => `${fmt(ms)} ms (p95 ${fmt(p.p95Ms[i]!)}), ${fmt(p.microsecondsPer[i]!, 4)} µs per ${p.per}`);
		lines.push(`| ${p.title} | ${cells.join(' | ')} | growth exponent ${p.exponent === null ? '–' : fmt(p.exponent)} |`);
	}
	return lines.join('\n');
}

async function main() {
	const {values} = parseArgs({
		options: {
			scales: {type: 'string', default: 'medium,large'},
			runs: {type: 'string', default: '15'},
			out: {type: 'string', default: path.join(repo, 'bench/results/growth.json')},
		},
	});
	const scales = values.scales.split(',').map(s => s.trim()) as BenchScale[];
	const runs = Number(values.runs);
	const log = (message: string) => process.stderr.write(`[growth ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
	const {startCluster} = await import('../source/demo/cluster.js');
	const {migrate} = await import('../source/db/migrate.js');
	const {seedDatabase} = await import('../source/demo/seed/index.js');
	log('starting a throw-away cluster');
	const cluster = await startCluster({settings: benchServerSettings()});
	const startedAt = new Date().toISOString();
	try {
		const sizes: GrowthSize[] = [];
		const timings: Timings[] = [];
		let postgres = '';
		for (const scale of scales) {
			const admin = createSql(parseConnectionUrl(cluster.url, 'cluster'), {max: 1});
			await admin.unsafe(`create database evfleet_growth_${scale}`);
			await admin.end({timeout: 5});
			const url = new URL(cluster.url);
			url.pathname = `/evfleet_growth_${scale}`;
			const sql = createSql(parseConnectionUrl(url.toString(), 'growth'), {max: 2, parameters: {statement_timeout: '600s'}});
			try {
				await migrate(sql);
				log(`seeding ${scale}`);
				const seeded = await seedDatabase(sql, {scale, seed: 1});
				await sql`analyze`;
				const size = await describe(sql, scale, seeded.durationMs / 1000);
				log(`measuring ${scale}: ${size.vehicles} vehicles, ${size.telematicsRows} telematics rows`);
				timings.push(await measure(sql, runs));
				sizes.push(size);
				[{postgres}] = await sql<[{postgres: string}]>`select split_part(version(), ' on ', 1) as postgres`;
			} finally {
				await sql.end({timeout: 5});
			}
			// One database at a time in the cache: the next scale does not compete with this one.
			const dropper = createSql(parseConnectionUrl(cluster.url, 'cluster'), {max: 1});
			await dropper.unsafe(`drop database evfleet_growth_${scale}`);
			await dropper.end({timeout: 5});
		}
		const report: GrowthReport = {version: 1, startedAt, finishedAt: new Date().toISOString(), runs, postgres, sizes, paths: growthPaths(sizes, timings)};
		fs.mkdirSync(path.dirname(values.out), {recursive: true});
		fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(`${growthTable(report)}\n`);
		log(`wrote ${path.relative(process.cwd(), values.out)}`);
	} finally {
		await cluster.stop();
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	main().catch(error => {
		process.stderr.write(`bench growth: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 1;
	});
}
