// npm run bench [-- --quick] [-- --url URL] — the schema and the console against the physical floor.
// Starts a throw-away cluster (or uses --url), migrates and seeds it when needed, measures every figure
// against its baseline in the same run, writes bench/results/latest.json and prints a markdown table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {createSql, parseConnectionUrl, type Sql} from '../source/db/connection.js';
import {migrate, migrationStatus} from '../source/db/migrate.js';
import {ingest, liveVehiclesPage, matviewRefreshReader, nearestConnectors, vehicleLast100} from './figures/database.js';
import {activityRefresh} from './figures/activity.js';
import {radiusTenant, tenantPredicate} from './figures/tenant.js';
import {scopedQuery} from './figures/scope.js';
import {cliHelp, cliOrgsJson, consoleFirstFrame, consoleRssLive, consoleRssPaging} from './figures/processes.js';
import {skippedFigure, type BenchContext, type FigureRunner} from './lib/context.js';
import {figureIds, machineLine, markdownTable, reportSchema, type Figure, type FigureId, type Report} from './lib/report.js';

const repo = path.resolve(import.meta.dirname, '..');

type Meta = Pick<Figure, 'title' | 'unit' | 'better' | 'target'>;

/** In the order they run: reads first, then processes, then what writes (paging history, live feed, ingest). */
const figures: Array<{id: FigureId; meta: Meta; run: FigureRunner}> = [
	{id: 'liveVehiclesPage', meta: {title: 'live vehicles page', unit: 'ms', better: 'lower', target: '≥ 1000× faster, < 10 ms'}, run: liveVehiclesPage},
	{id: 'vehicleLast100', meta: {title: "one vehicle's last 100 telematics rows", unit: 'ms', better: 'lower', target: '≥ 100× faster'}, run: vehicleLast100},
	{id: 'nearestConnectors', meta: {title: 'nearest 5 available connectors', unit: 'ms', better: 'lower', target: '≥ 100× faster'}, run: nearestConnectors},
	{id: 'activityRefresh', meta: {title: 'Activity refresh, idle + blocked backends (200 + 20 from --quick up)', unit: 'ms', better: 'lower', target: 'one evfleet backend after; < 250 ms'}, run: activityRefresh},
	{id: 'radiusTenant', meta: {title: 'stations within 2 km, as a tenant reader (RLS)', unit: 'ms', better: 'lower', target: '≥ 100× faster, ≤ 3× superuser'}, run: radiusTenant},
	{id: 'tenantPredicate', meta: {title: 'live page and last 100 rows as a bound tenant reader', unit: 'ms', better: 'lower', target: 'no regression (≤ 1.1× before, both)'}, run: tenantPredicate},
	{id: 'scopedQuery', meta: {title: 'one scoped list query (tenant, vehicles page)', unit: 'ms', better: 'lower', target: '≤ 1.2× the statement alone'}, run: scopedQuery},
	{id: 'matviewRefreshReader', meta: {title: 'battery_health_trends refresh, reader', unit: 'ms', better: 'lower', target: 'readers never blocked'}, run: matviewRefreshReader},
	{id: 'cliHelp', meta: {title: '`evfleet --help`', unit: 'ms', better: 'lower', target: '≤ 4× node -e 0'}, run: cliHelp},
	{id: 'cliOrgsJson', meta: {title: '`evfleet orgs --json`', unit: 'ms', better: 'lower', target: '≤ 4× node -e 0'}, run: cliOrgsJson},
	{id: 'consoleFirstFrame', meta: {title: 'console first frame', unit: 'ms', better: 'lower', target: '≤ 5× node -e 0'}, run: consoleFirstFrame},
	{id: 'consoleRssPaging', meta: {title: 'console RSS paging history', unit: 'MB', better: 'lower', target: '≤ 120 MB, flat'}, run: consoleRssPaging},
	{id: 'consoleRssLive', meta: {title: 'console RSS watching live', unit: 'MB', better: 'lower', target: '≤ 120 MB, flat'}, run: consoleRssLive},
	{id: 'ingest', meta: {title: 'telematics ingest', unit: 'rows/s', better: 'higher', target: '≥ 0.5× raw COPY'}, run: ingest},
];

export type BenchScale = 'tiny' | 'small' | 'medium' | 'large';

/** The server settings that move these figures, recorded in the report (also for --url). */
const serverSettingNames = ['shared_buffers', 'max_wal_size', 'fsync', 'synchronous_commit', 'full_page_writes', 'jit'] as const;

/**
 * The throw-away cluster is set up as a DBA would set up a server of this size, not with PostgreSQL's
 * 128 MB of shared buffers: a quarter of the RAM (128 MB to 4 GB) and room for a bulk load between checkpoints.
 * At the large scale the current month's telematics primary key alone outgrows 128 MB. Durability is off (as
 * in every test cluster); both sides of every ratio run on the same server.
 */
export function benchServerSettings(totalMemory = os.totalmem()): Record<string, string> {
	const megabytes = Math.min(4096, Math.max(128, Math.floor(totalMemory / 4 / 1024 ** 2)));
	// max_connections: room for the Activity figure's 220 backends beside the harness.
	return {shared_buffers: `${megabytes}MB`, max_wal_size: '4GB', checkpoint_timeout: '15min', maintenance_work_mem: '512MB', max_connections: '300'};
}

type Workload = Pick<BenchContext, 'runs' | 'slowBaselineRuns' | 'ingestRows' | 'pagingRows' | 'pagingSeconds' | 'watchSeconds' | 'consoleRuns' | 'activityIdle' | 'activityBlocked'>;

/** How much each figure does at a scale: large is the benchmark, medium is --quick, tiny the smoke test. */
export const workloads: Record<BenchScale, Workload> = {
	tiny: {runs: 2, slowBaselineRuns: 1, ingestRows: 500, pagingRows: 2000, pagingSeconds: 2, watchSeconds: 3, consoleRuns: 1, activityIdle: 10, activityBlocked: 3},
	small: {runs: 5, slowBaselineRuns: 2, ingestRows: 5000, pagingRows: 20_000, pagingSeconds: 5, watchSeconds: 10, consoleRuns: 1, activityIdle: 50, activityBlocked: 10},
	medium: {runs: 15, slowBaselineRuns: 3, ingestRows: 20_000, pagingRows: 100_000, pagingSeconds: 15, watchSeconds: 20, consoleRuns: 1, activityIdle: 200, activityBlocked: 20},
	large: {runs: 25, slowBaselineRuns: 3, ingestRows: 100_000, pagingRows: 1_000_000, pagingSeconds: 30, watchSeconds: 60, consoleRuns: 2, activityIdle: 200, activityBlocked: 20},
};

export type BenchOptions = {
	/** The database to measure; migrated and seeded when it has no schema or no data. */
	url: string;
	scale: BenchScale;
	seed?: number;
	/** Override the workload (runs, rows, seconds). */
	workload?: Partial<Workload>;
	/** Only these figures (the rest are recorded as skipped). */
	only?: FigureId[];
	/** How to start the shipped CLI: node arguments (default bin/evfleet.js) and the dist/ it runs. */
	cli?: string[];
	log?: (message: string) => void;
};

async function prepareDatabase(sql: Sql, scale: BenchScale, seed: number, log: (message: string) => void): Promise<number | null> {
	const status = await migrationStatus(sql);
	const changed = status.filter(file => file.status === 'changed').map(file => file.name);
	if (changed.length > 0) log(`warning: ${changed.join(', ')} changed since applied: measuring the schema as it was applied`);
	else if (status.some(file => file.status !== 'applied')) {
		log('migrating');
		await migrate(sql, {});
	}
	const [{organizations}] = await sql<[{organizations: number}]>`select count(*)::int as organizations from organizations`;
	if (organizations > 0) {
		log(`database already holds ${organizations} organizations: measuring it as it is`);
		return null;
	}
	const {seedDatabase} = await import('../source/demo/seed/index.js');
	log(`seeding scale ${scale} (seed ${seed})`);
	let lastStep = 0;
	const result = await seedDatabase(sql, {
		scale,
		seed,
		onProgress: event => {
			if (event.step !== lastStep) {
				lastStep = event.step;
				log(`  seed ${event.step}/${event.steps} ${event.label}`);
			}
		},
	});
	await sql`analyze`;
	return result.durationMs / 1000;
}

async function describeData(sql: Sql) {
	const [row] = await sql<[{vehicles: number; stations: number; telematicsRows: number}]>`
		select (select count(*)::int from vehicles) as vehicles,
		       (select count(*)::int from charging_stations) as stations,
		       (select coalesce(sum(greatest(c.reltuples, 0)), 0)::float8
		          from pg_inherits i join pg_class c on c.oid = i.inhrelid
		          where i.inhparent = 'vehicle_telematics'::regclass) as telematics_rows`;
	return row;
}

export async function runBenchmark(options: BenchOptions): Promise<Report> {
	const log = options.log ?? (() => undefined);
	const workload = {...workloads[options.scale], ...options.workload};
	const startedAt = new Date().toISOString();
	const target = parseConnectionUrl(options.url, '--url');
	const opened: Sql[] = [];
	const connect = ({max = 1}: {max?: number} = {}) => {
		const sql = createSql(target, {max, parameters: {statement_timeout: '600s'}});
		opened.push(sql);
		return sql;
	};
	const sql = connect({max: 4});
	try {
		const seedSeconds = await prepareDatabase(connect({max: 2}), options.scale, options.seed ?? 1, log);
		const data = await describeData(sql);
		const [{version}] = await sql<[{version: string}]>`select split_part(version(), ' on ', 1) as version`;
		const server = Object.fromEntries(
			(await sql<Array<{name: string; setting: string}>>`
				select name, current_setting(name) as setting from pg_settings where name = any(${serverSettingNames as unknown as string[]}) order by name`).map(row => [row.name, row.setting]),
		);
		const context: BenchContext = {
			sql,
			connect,
			url: options.url,
			cli: options.cli ?? [path.join(repo, 'bin/evfleet.js')],
			log,
			...workload,
		};
		const results: Figure[] = [];
		for (const figure of figures) {
			if (options.only && !options.only.includes(figure.id)) {
				results.push(skippedFigure({id: figure.id, ...figure.meta}, 'not selected (--only)'));
				continue;
			}
			log(`measuring ${figure.id}`);
			const started = performance.now();
			try {
				results.push(await figure.run(context));
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				log(`  ${figure.id} failed: ${message}`);
				results.push(skippedFigure({id: figure.id, ...figure.meta}, message.split('\n')[0]!.slice(0, 300), 'failed'));
			}
			log(`  ${figure.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
		}
		const cpus = os.cpus();
		return reportSchema.parse({
			version: 1,
			startedAt,
			finishedAt: new Date().toISOString(),
			scale: options.scale,
			runs: workload.runs,
			machine: {
				cpus: cpus.length,
				cpuModel: cpus[0]?.model.trim() ?? 'unknown',
				memoryGiB: os.totalmem() / 1024 ** 3,
				platform: `${os.platform()} ${os.release()}`,
				node: process.versions.node,
				postgres: version,
				server,
			},
			data: {...data, seedSeconds},
			figures: results,
		} satisfies Report);
	} finally {
		await Promise.all(opened.map(connection => connection.end({timeout: 5})));
	}
}

export function writeReport(report: Report, file: string): void {
	fs.mkdirSync(path.dirname(file), {recursive: true});
	fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

async function main() {
	const {values} = parseArgs({
		options: {
			url: {type: 'string'},
			quick: {type: 'boolean', default: false},
			scale: {type: 'string'},
			runs: {type: 'string'},
			seed: {type: 'string', default: '1'},
			only: {type: 'string'},
			out: {type: 'string', default: path.join(repo, 'bench/results/latest.json')},
			'no-build': {type: 'boolean', default: false},
			keep: {type: 'boolean', default: false},
			help: {type: 'boolean', short: 'h', default: false},
		},
	});
	if (values.help) {
		process.stdout.write(`npm run bench -- [--quick] [--url URL] [--scale tiny|small|medium|large] [--runs N] [--only ${figureIds.join(',')}] [--out FILE] [--no-build] [--keep]\n`);
		return;
	}
	const scale = (values.scale ?? (values.quick ? 'medium' : 'large')) as BenchScale;
	if (!(scale in workloads)) throw new Error(`unknown scale ${scale}: use tiny, small, medium or large`);
	const only = values.only?.split(',').map(id => id.trim()) as FigureId[] | undefined;
	for (const id of only ?? []) if (!figureIds.includes(id)) throw new Error(`unknown figure ${id}: use ${figureIds.join(', ')}`);
	const runs = values.runs === undefined ? undefined : Number(values.runs);
	if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) throw new Error('--runs takes a whole number, 1 or more');
	const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

	if (!values['no-build']) {
		log('building the shipped CLI (npm run build)');
		// @ts-expect-error plain ES module script without types
		const {build} = (await import('../scripts/build.mjs')) as {build: (options: {quiet: boolean}) => Promise<string[]>};
		await build({quiet: true});
	}

	let url = values.url;
	let stop: (() => Promise<void>) | undefined;
	if (!url) {
		const {startCluster} = await import('../source/demo/cluster.js');
		log('starting a throw-away cluster');
		const cluster = await startCluster({keep: values.keep, settings: benchServerSettings(), onProgress: message => log(`  ${message}`)});
		stop = cluster.stop;
		const admin = createSql(parseConnectionUrl(cluster.url, 'cluster'), {max: 1});
		await admin.unsafe('create database evfleet_bench');
		await admin.end({timeout: 5});
		const bench = new URL(cluster.url);
		bench.pathname = '/evfleet_bench';
		url = bench.toString();
		if (values.keep) log(`keeping the cluster: ${url}`);
	}
	try {
		const report = await runBenchmark({url, scale, seed: Number(values.seed), only, log, workload: runs === undefined ? undefined : {runs}});
		writeReport(report, path.resolve(values.out));
		if (path.resolve(values.out) === path.join(repo, 'bench/results/latest.json')) writeReport(report, path.join(repo, `bench/results/${scale}.json`));
		process.stdout.write(`${machineLine(report)}\n\n${markdownTable(report)}\n`);
		log(`wrote ${path.relative(process.cwd(), path.resolve(values.out))}`);
	} finally {
		if (stop && !values.keep) await stop();
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	main().catch(error => {
		process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 1;
	});
}
