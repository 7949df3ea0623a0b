// The maint commands as scripts run them: stdin not a terminal, exit codes, --yes, --dry-run, status --check.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {addMonths, currentMonth} from '../../source/db/queries/maintenance.js';
import {runCli, type CliResult} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let far: string;

// stdin is a pipe, not a terminal: what cron and scripts give the command.
function evfleet(args: string[]): Promise<CliResult> {
	return runCli(args, {env: {DATABASE_URL: db.url, NO_COLOR: '1'}});
}

async function exists(name: string): Promise<boolean> {
	const [row] = await db.sql<{ok: boolean}[]>`select to_regclass(${`public.${name}`}) is not null as ok`;
	return row!.ok;
}

beforeAll(async () => {
	db = await createTestDatabase();
	far = `vehicle_telematics_${addMonths(await currentMonth(db.sql), 3).replace('-', '_')}`;
});

afterAll(async () => {
	await db.close();
});

describe('evfleet maint without a terminal', () => {
	it('refuses without --yes (exit 2) and changes nothing', async () => {
		await db.sql.unsafe(`drop table if exists public.${far}`);
		const run = await evfleet(['maint', 'partitions', 'create', '--table', 'vehicle_telematics']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/refusing to run a maintenance action without a terminal/);
		expect(run.stderr).toMatch(/--yes/);
		expect(await exists(far)).toBe(false);
		// audited like a refusal on a terminal
		const [log] = await db.sql<{outcome: string; error: string}[]>`
			select outcome, error from maintenance_log where action = 'partitions.create' order by id desc limit 1`;
		expect(log).toEqual({outcome: 'refused', error: 'refusing to run a maintenance action without a terminal to confirm it'});
	});

	it('runs with --yes and prints the SQL and the outcome', async () => {
		await db.sql.unsafe(`drop table if exists public.${far}`);
		const run = await evfleet(['maint', 'partitions', 'create', '--table', 'vehicle_telematics', '--yes']);
		expect(run.stderr).toBe('[1/1] SELECT create_monthly_partitions(\'public.vehicle_telematics\'::regclass, 3)\n');
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/SELECT create_monthly_partitions\('public\.vehicle_telematics'::regclass, 3\);/);
		expect(run.stdout).toMatch(/done: evfleet maint partitions create/);
		expect(await exists(far)).toBe(true);
	});

	it('--dry-run prints the plan, changes nothing and is logged as dry_run', async () => {
		const run = await evfleet(['maint', 'vacuum', 'vehicles', '--analyze', '--dry-run']);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/VACUUM \(ANALYZE\) public\.vehicles;/);
		expect(run.stdout).toMatch(/dry run: nothing was changed/);
		const [row] = await db.sql<{outcome: string}[]>`select outcome from maintenance_log where action = 'vacuum' order by id desc limit 1`;
		expect(row!.outcome).toBe('dry_run');
	});

	it('rejects a bad --lock-timeout with exit 2', async () => {
		const run = await evfleet(['maint', 'refresh', 'all', '--yes', '--lock-timeout', 'soon']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/invalid --lock-timeout "soon"/);
	});

	it('reports an unknown table with exit 2', async () => {
		const run = await evfleet(['maint', 'analyze', 'no_such_table', '--yes']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/no table named "no_such_table"/);
	});
});

describe('evfleet maint status --check', () => {
	it('exits 1 when next month has no partition, 0 once it exists and the views are fresh', async () => {
		await db.sql`select refresh_battery_health_trends()`;
		await db.sql`select refresh_energy_efficiency_metrics()`;
		const next = `vehicle_telematics_${addMonths(await currentMonth(db.sql), 1).replace('-', '_')}`;
		await db.sql.unsafe(`drop table public.${next}`);
		const failing = await evfleet(['maint', 'status', '--check']);
		expect(failing.code).toBe(1);
		expect(failing.stdout).toMatch(/vehicle_telematics.*no partition for/);
		await db.sql`select create_monthly_partitions('vehicle_telematics'::regclass, 3)`;
		const ok = await evfleet(['maint', 'status', '--check']);
		expect(ok.stdout).toMatch(/ok: nothing needs attention/);
		expect(ok.code).toBe(0);
	});

	it('exits 1 on a warning too: a backend waiting for a lock is listed and fails the check', async () => {
		const holder = db.connect({max: 1, parameters: {application_name: 'psql'}});
		const waiter = db.connect({max: 1, parameters: {application_name: 'psql'}});
		const key = 917_201;
		let release!: () => void;
		const released = new Promise<void>(resolve => (release = resolve));
		const holding = holder.begin(async tx => {
			await tx`select pg_advisory_xact_lock(${key})`;
			await released;
		});
		try {
			await vi.waitFor(async () => expect(await db.sql`select 1 from pg_locks where locktype = 'advisory' and objid = ${key} and granted`).toHaveLength(1), {timeout: 10_000, interval: 25});
			const [w] = await waiter<{pid: number}[]>`select pg_backend_pid() as pid`;
			const waiting = waiter`select pg_advisory_lock(${key})`.execute();
			await vi.waitFor(async () => expect(await db.sql`select 1 from pg_stat_activity where pid = ${w!.pid} and cardinality(pg_blocking_pids(pid)) > 0`).toHaveLength(1), {timeout: 10_000, interval: 25});
			const run = await evfleet(['maint', 'status', '--check']);
			expect(run.stdout).toMatch(new RegExp(`warn\tpid ${w!.pid}\twaiting \\d+ s for a lock held by pid`));
			expect(run.code).toBe(1);
			release();
			await holding;
			await waiting;
		} finally {
			release();
			await holder.end({timeout: 1});
			await waiter.end({timeout: 1});
		}
	});

	it('--json carries partitions, views, needsAction and needsAttention', async () => {
		const run = await evfleet(['maint', 'status', '--json']);
		expect(run.code).toBe(0);
		const health = JSON.parse(run.stdout);
		expect(health.partitions.map((p: {table: string}) => p.table)).toEqual(['charging_session_metrics', 'energy_consumption_records', 'vehicle_telematics']);
		expect(health.matviews.map((m: {view: string}) => m.view)).toEqual(['battery_health_trends', 'energy_efficiency_metrics']);
		expect(typeof health.needsAction).toBe('boolean');
		expect(health.needsAttention).toBe(health.issues.length > 0);
	});
});
