// The Citus tests' world: a Citus cluster (coordinator + 2 workers) and a single server, both with the schema
// (the Citus one with sql/citus.sql too) and the same small demo data set, so that tests can compare answers.
// Without Citus the run fails (never skips): build.sh and cluster.sh say what is missing.
import {execFile} from 'node:child_process';
import path from 'node:path';
import {promisify} from 'node:util';
import type {TestProject} from 'vitest/node';
import {findServerBinaries, startCluster, type Cluster} from '../../source/demo/cluster.js';
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {migrate} from '../../source/db/migrate.js';
import {seedDatabase} from '../../source/demo/seed/index.js';
import {buildCitus, startCitusCluster, type CitusCluster} from './cluster.js';

declare module 'vitest' {
	export interface ProvidedContext {
		citusUrl: string;
		singleUrl: string;
		seedAnchor: string;
	}
}

/** Tables in foreign-key order (parents first): the role catalog (its ids are random per database), the seed's tables, the live state. */
export const copiedTables = [
	'permissions', 'roles', 'role_permissions', 'organizations', 'users', 'user_roles', 'fleets', 'vehicles', 'charging_stations', 'charging_connectors', 'charging_sessions',
	'charging_session_metrics', 'v2g_energy_transactions', 'battery_health_reports', 'energy_consumption_records', 'vehicle_live_state',
	'vehicle_telematics', 'routes', 'route_waypoints', 'route_assignments', 'route_progress', 'route_optimization_history',
] as const;

const partitioned = ['vehicle_telematics', 'energy_consumption_records', 'charging_session_metrics'];

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

const run = promisify(execFile);

const open = (url: string) => createSql(parseConnectionUrl(url, 'citus test'), {max: 1});

/** Same monthly partitions on the cluster as the seed made on the single server (create_monthly_partitions on Citus). */
async function copyPartitions(from: Sql, to: Sql): Promise<void> {
	for (const table of partitioned) {
		const [range] = await from<{first: Date | null; months: number}[]>`
			select min(range_from) as first,
			       (extract(year from age(max(range_from), min(range_from))) * 12 + extract(month from age(max(range_from), min(range_from))) + 1)::int as months
			from monthly_partition_ranges(${table}::regclass) where not is_default`;
		if (range?.first) await to`select count(*) from create_monthly_partitions(${table}::regclass, ${range.first}::date, ${range.months}::int)`;
	}
}

/**
 * Each table's rows, COPYed out of the single server into the cluster by two psql processes (postgres.js COPY
 * streams stalled now and then between two tables here).
 */
async function copyRows(fromUrl: string, toUrl: string, log: (message: string) => void): Promise<void> {
	const psql = path.join(findServerBinaries(), 'psql');
	await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', toUrl, '-c', 'truncate role_permissions, roles, permissions cascade']);
	for (const table of copiedTables) {
		// Stored columns only (not generated ones), out of a partitioned table through a query.
		const {stdout: columns} = await run(psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', fromUrl, '-c',
			`select string_agg(quote_ident(attname), ', ' order by attnum) from pg_attribute where attrelid = '${table}'::regclass and attnum > 0 and not attisdropped and attgenerated = ''`]);
		const list = columns.trim();
		await run('bash', ['-o', 'pipefail', '-c', `"$0" -X -q -v ON_ERROR_STOP=1 -d "$1" -c "copy (select ${list} from ${table}) to stdout" | "$0" -X -q -v ON_ERROR_STOP=1 -d "$2" -c "copy ${table} (${list}) from stdin"`, psql, fromUrl, toUrl]);
		log(`copied ${table}`);
	}
}

export default async function setup(project: TestProject) {
	let single: Cluster | undefined;
	let citus: CitusCluster | undefined;
	const stop = async () => {
		await citus?.stop();
		await single?.stop();
	};
	const started = Date.now();
	const log = (message: string) => process.stderr.write(`[citus setup ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}\n`);
	try {
		log('building Citus if missing (shared/citus/build.sh)');
		await buildCitus();
		log('starting the Citus cluster and a single server');
		citus = await startCitusCluster('evfleet');
		single = await startCluster();
		const admin = open(single.url);
		await admin.unsafe('create database evfleet_single');
		await admin.end({timeout: 5});
		const singleUrl = withDatabase(single.url, 'evfleet_single');

		const anchor = new Date('2026-11-20T12:00:00Z');
		const one = open(singleUrl);
		const many = open(citus.url);
		try {
			await migrate(one);
			await seedDatabase(one, {scale: 'tiny', seed: 7, anchor});
			log('single server migrated and seeded; migrating the cluster (five files + citus.sql)');
			await migrate(many);
			await copyPartitions(one, many);
			await copyRows(singleUrl, citus.url, log);
			await many`select refresh_battery_health_trends()`;
			await many`select refresh_energy_efficiency_metrics()`;
			await many`analyze`;
		} finally {
			await one.end({timeout: 5});
			await many.end({timeout: 5});
		}
		log('ready');
		project.provide('citusUrl', citus.url);
		project.provide('singleUrl', singleUrl);
		project.provide('seedAnchor', anchor.toISOString());
	} catch (error) {
		await stop();
		throw new Error(`the Citus tests need a Citus cluster and none could be prepared: ${(error as Error).message}`, {cause: error});
	}
	return stop;
}
