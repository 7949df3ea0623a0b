// One recommended maintenance schedule: evfleet_maintenance_schedule() in the schema. sql/energy_schema.sql
// installs it into pg_cron when the extension is there, and `evfleet maint schedule` compares, installs or prints
// (as crontab lines) the same rows. Where the server has pg_cron, a cluster with it preloaded checks cron.job itself.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startCluster, type Cluster} from '../../source/demo/cluster.js';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';
import {crontabLines, cronState, jobsToInstall, recommendedJobs, type RecommendedJob} from '../../source/db/maintenance/schedule.js';
import {migrate} from '../../source/db/migrate.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let recommended: RecommendedJob[];
beforeAll(async () => {
	db = await createTestDatabase();
	recommended = await recommendedJobs(db.sql);
});
afterAll(async () => {
	await db?.close();
});

const job = (name: string) => recommended.find(j => j.name === name)!;

describe('the recommended maintenance schedule', () => {
	it('makes partitions 3 months ahead for every partitioned table, checked hourly (a no-op while they exist)', async () => {
		const partitions = job('evfleet-create-partitions');
		expect(partitions.schedule).toMatch(/^\d{1,2} \* \* \* \*$/);
		expect(partitions.command).toMatch(/create_monthly_partitions\(t, 3\)/);
		const [{parents}] = await db.sql<[{parents: string[]}]>`select array_agg(c.relname::text order by c.relname) as parents from pg_partitioned_table p join pg_class c on c.oid = p.partrelid`;
		for (const parent of parents) expect(partitions.command).toContain(`'${parent}'`);
		expect(partitions.cli).toBe('maint partitions create --ahead 3');
	});

	it('refreshes battery_health_trends daily and energy_efficiency_metrics hourly, inside the staleness limits of maint status (26 h, 2 h)', () => {
		expect(job('evfleet-refresh-battery-health-trends')).toMatchObject({schedule: expect.stringMatching(/^\d{1,2} \d{1,2} \* \* \*$/), command: 'select refresh_battery_health_trends()', cli: 'maint refresh battery_health_trends'});
		expect(job('evfleet-refresh-energy-efficiency-metrics')).toMatchObject({schedule: expect.stringMatching(/^\d{1,2} \* \* \* \*$/), command: 'select refresh_energy_efficiency_metrics()', cli: 'maint refresh energy_efficiency_metrics'});
		expect(recommended).toHaveLength(3);
	});

	it('sql/ schedules pg_cron jobs only from evfleet_maintenance_schedule(), never with a schedule of its own', () => {
		const calls = fs.readdirSync('sql').filter(file => file.endsWith('.sql')).flatMap(file => fs.readFileSync(path.join('sql', file), 'utf8').match(/cron\.schedule\s*\([^)]*\)/g) ?? []);
		expect(calls).toEqual(['cron.schedule(job.jobname, job.schedule, job.command)']);
		expect(fs.readFileSync('sql/energy_schema.sql', 'utf8')).toMatch(/for job in select \* from evfleet_maintenance_schedule\(\) loop\s+perform cron\.schedule\(job\.jobname, job\.schedule, job\.command\);/);
	});

	it('prints the same schedule as crontab lines for servers without pg_cron', () => {
		const lines = crontabLines(recommended, '--profile prod');
		for (const j of recommended) expect(lines).toContain(`${j.schedule.padEnd(12)} evfleet ${j.cli} --yes --profile prod >> /var/log/evfleet-maint.log 2>&1`);
	});
});

describe('with pg_cron', () => {
	let cluster: Cluster | undefined;
	let available = false;
	beforeAll(async () => {
		const [row] = await db.sql<{available: boolean}[]>`select exists (select 1 from pg_available_extensions where name = 'pg_cron') as available`;
		available = row!.available;
		if (available) cluster = await startCluster({settings: {shared_preload_libraries: 'pg_cron', 'cron.database_name': 'fleet'}});
	}, 120_000);
	afterAll(async () => {
		await cluster?.stop();
	});

	it('the schema installs exactly the recommended jobs, and maint schedule finds nothing to install (without pg_cron on this server: nothing is scheduled and the schema loads)', async () => {
		if (!available) {
			// This server has no pg_cron (CI installs PostGIS only): the schema loaded without it and scheduled nothing.
			expect((await cronState(db.sql)).installed).toBe(false);
			return;
		}
		const admin = createSql(parseConnectionUrl(cluster!.url, 'cron cluster'), {max: 1});
		await admin.unsafe('create database fleet');
		await admin.end({timeout: 5});
		const url = cluster!.url.replace(/\/postgres$/, '/fleet');
		const sql = createSql(parseConnectionUrl(url, 'cron cluster'), {max: 1, onNotice: () => {}});
		try {
			await sql.unsafe('create extension pg_cron');
			await migrate(sql);
			const state = await cronState(sql);
			const fromSchema = await recommendedJobs(sql);
			expect(state.jobs.map(j => ({name: j.jobname, schedule: j.schedule, command: j.command, active: j.active}))).toEqual(
				[...fromSchema].sort((a, b) => a.name.localeCompare(b.name)).map(j => ({name: j.name, schedule: j.schedule, command: j.command, active: true})),
			);
			expect(fromSchema).toEqual(recommended);
			expect(jobsToInstall(state, fromSchema)).toEqual([]);
		} finally {
			await sql.end({timeout: 5});
		}
		const shown = await runCli(['maint', 'schedule', '--url', url]);
		expect(shown.stdout).toContain('the recommended jobs are installed');
		expect(shown.code).toBe(0);
	}, 120_000);
});
