// `evfleet demo` without the screens: a throw-away PostgreSQL, the schema, the demo data set and the simulator,
// and one stop() that undoes all of it (simulator, connections, server, its directory unless kept).
import fs from 'node:fs';
import path from 'node:path';
import {startCluster, type Cluster} from '../cluster.js';
import {createSql, parseConnectionUrl, type ConnectionTarget, type Sql} from '../../db/connection.js';
import {migrate} from '../../db/migrate.js';
import {startSimulator, type Simulator, type SimulatorTick} from '../simulator.js';
import {seedDatabase, type Scale, type SeedProgress} from './index.js';

export type DemoPhase =
	| {phase: 'cluster'; message: string}
	| {phase: 'cluster-ready'; url: string; directory: string; reused: boolean; durationMs: number}
	| {phase: 'migrate'; file: string}
	| {phase: 'migrate-done'; files: number; durationMs: number}
	| {phase: 'seed'; progress: SeedProgress}
	| {phase: 'seed-done'; rows: number; durationMs: number; skipped: boolean}
	| {phase: 'ready'; url: string};

export type DemoOptions = {
	/** Keep the data directory on stop (always kept when `directory` is given). */
	keep?: boolean;
	/** Reuse (or create) this data directory: `evfleet demo --dir PATH`. */
	directory?: string;
	seed?: number;
	scale?: Scale;
	tickMs?: number;
	simulate?: boolean;
	onPhase?: (phase: DemoPhase) => void;
	onTick?: (tick: SimulatorTick) => void;
	onSimulatorError?: (error: unknown) => void;
};

export type Demo = {
	url: string;
	target: ConnectionTarget;
	directory: string;
	kept: boolean;
	/** Stops the simulator, closes connections, stops the server, removes its directory unless kept. Idempotent. */
	stop(): Promise<void>;
};

export const demoDatabase = 'evfleet';

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
	const phase = options.onPhase ?? (() => {});
	const kept = Boolean(options.keep || options.directory);
	const directory = options.directory ? path.resolve(options.directory) : undefined;
	const reused = directory !== undefined && fs.existsSync(path.join(directory, 'data', 'PG_VERSION'));
	let started = Date.now();
	const cluster: Cluster = await startCluster({keep: kept, directory, onProgress: message => phase({phase: 'cluster', message})});
	let simulator: Simulator | undefined;
	let sql: Sql | undefined;
	let simulatorSql: Sql | undefined;
	let stopping: Promise<void> | undefined;
	const stop = () =>
		(stopping ??= (async () => {
			await simulator?.stop().catch(() => {});
			await simulatorSql?.end({timeout: 2}).catch(() => {});
			await sql?.end({timeout: 2}).catch(() => {});
			await cluster.stop();
		})());
	try {
		const adminTarget = parseConnectionUrl(cluster.url, 'demo');
		const admin = createSql(adminTarget, {max: 1});
		try {
			const [exists] = await admin`select 1 from pg_database where datname = ${demoDatabase}`;
			if (!exists) await admin.unsafe(`create database ${demoDatabase}`);
		} finally {
			await admin.end({timeout: 2});
		}
		const url = cluster.url.replace(/\/postgres$/, `/${demoDatabase}`);
		const target = parseConnectionUrl(url, 'evfleet demo');
		phase({phase: 'cluster-ready', url, directory: cluster.directory, reused, durationMs: Date.now() - started});

		started = Date.now();
		const migrator = createSql(target, {max: 1});
		try {
			// A kept demo (--dir) made by an older evfleet gets this version's schema files again (they are written to be re-run).
			const result = await migrate(migrator, {reapplyChanged: true, onProgress: event => event.kind === 'start' && phase({phase: 'migrate', file: event.file})});
			phase({phase: 'migrate-done', files: result.applied.length + result.reapplied.length, durationMs: Date.now() - started});
		} finally {
			await migrator.end({timeout: 2});
		}

		started = Date.now();
		sql = createSql(target, {max: 3});
		const [{count}] = (await sql<{count: number}[]>`select count(*)::int as count from organizations`) as unknown as [{count: number}];
		if (count === 0) {
			const result = await seedDatabase(sql, {scale: options.scale ?? 'small', seed: options.seed ?? 1, onProgress: progress => phase({phase: 'seed', progress})});
			phase({phase: 'seed-done', rows: Object.values(result.counts).reduce((a, b) => a + b, 0), durationMs: Date.now() - started, skipped: false});
		} else {
			phase({phase: 'seed-done', rows: 0, durationMs: 0, skipped: true});
		}
		if (options.simulate !== false) {
			// The simulator's own connection: it holds the one-simulator-per-database lock.
			simulatorSql = createSql(target, {max: 1});
			simulator = startSimulator(simulatorSql, {tickMs: options.tickMs ?? 2000, seed: options.seed ?? 1, onTick: options.onTick, onError: options.onSimulatorError});
		}
		phase({phase: 'ready', url});
		return {url, target, directory: cluster.directory, kept, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}
