// schema.sql and the whole schema: every object exists after migrate, reloading is harmless, core constraints and triggers.
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {schemaFiles} from '../../source/db/migrate.js';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db?.close();
});

const tables = [
	'organizations', 'users', 'roles', 'permissions', 'role_permissions', 'user_roles', 'maintenance_log', 'matview_refresh_log',
	'fleets', 'vehicles', 'vehicle_telematics', 'vehicle_live_state',
	'charging_stations', 'charging_connectors', 'charging_sessions', 'charging_session_metrics',
	'routes', 'route_assignments', 'route_waypoints', 'route_progress', 'route_optimization_history',
	'battery_health_reports', 'energy_consumption_records', 'v2g_energy_transactions',
];
const views = ['active_vehicles_status', 'active_charging_sessions', 'active_routes_status', 'charging_station_availability', 'battery_health_trends_scoped', 'energy_efficiency_metrics_scoped'];
const functions = [
	'set_updated_at()', 'evfleet_current_org()', 'evfleet_is_admin()', 'connectivity_status(double precision)',
	'create_monthly_partitions(regclass,date,integer)', 'create_monthly_partitions(regclass,integer)', 'list_monthly_partitions(regclass)', 'monthly_partition_ranges(regclass)',
	'monthly_partition_for(regclass,timestamp with time zone)',
	'nearest_available_connectors(double precision,double precision,text,double precision,integer)',
	'refresh_battery_health_trends()', 'refresh_energy_efficiency_metrics()',
];

describe('objects after migrate', () => {
	it('has every table of the spec', async () => {
		const rows = await db.sql<Array<{name: string}>>`
			select c.relname as name from pg_class c
			where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname = any(${tables})`;
		expect(rows.map(r => r.name).sort()).toEqual([...tables].sort());
	});

	it('has the views and the materialized views with unique indexes', async () => {
		const rows = await db.sql<Array<{name: string}>>`select viewname as name from pg_views where schemaname = 'public' and viewname = any(${views})`;
		expect(rows.map(r => r.name).sort()).toEqual([...views].sort());
		const mvs = await db.sql<Array<{name: string; uniqueIndexes: number}>>`
			select m.matviewname as name,
			       (select count(*)::int from pg_index i where i.indrelid = format('%I', m.matviewname)::regclass and i.indisunique) as unique_indexes
			from pg_matviews m where m.schemaname = 'public' order by 1`;
		expect(mvs).toEqual([
			{name: 'battery_health_trends', uniqueIndexes: 1},
			{name: 'energy_efficiency_metrics', uniqueIndexes: 1},
		]);
	});

	it('has the functions others rely on', async () => {
		for (const fn of functions) {
			const [row] = await db.sql<Array<{ok: boolean}>>`select to_regprocedure(${fn}) is not null as ok`;
			expect(row!.ok, fn).toBe(true);
		}
	});

	it('has the required extensions and the three database roles', async () => {
		const extensions = await db.sql<Array<{extname: string}>>`select extname from pg_extension where extname in ('uuid-ossp', 'postgis', 'btree_gist') order by 1`;
		expect(extensions.map(e => e.extname)).toEqual(['btree_gist', 'postgis', 'uuid-ossp']);
		const roles = await db.sql<Array<{rolname: string; rolcanlogin: boolean}>>`
			select rolname, rolcanlogin from pg_roles where rolname in ('evfleet_reader', 'evfleet_operator', 'evfleet_admin') order by 1`;
		expect(roles).toEqual([
			{rolname: 'evfleet_admin', rolcanlogin: false},
			{rolname: 'evfleet_operator', rolcanlogin: false},
			{rolname: 'evfleet_reader', rolcanlogin: false},
		]);
		const [chain] = await db.sql<Array<{operatorReads: boolean; adminOperates: boolean}>>`
			select pg_has_role('evfleet_operator', 'evfleet_reader', 'member') as operator_reads,
			       pg_has_role('evfleet_admin', 'evfleet_operator', 'member') as admin_operates`;
		expect(chain).toEqual({operatorReads: true, adminOperates: true});
	});

	it('puts a GiST index on every geography column', async () => {
		const missing = await db.sql<Array<{tbl: string; col: string}>>`
			select c.relname as tbl, a.attname as col
			from pg_attribute a join pg_class c on c.oid = a.attrelid
			where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and not c.relispartition
			  and a.atttypid = 'geography'::regtype and not a.attisdropped
			  and not exists (
			    select 1 from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
			    where i.indrelid = c.oid and am.amname = 'gist' and a.attnum = any(i.indkey))
			order by 1`;
		expect(missing).toEqual([]);
	});

	it('creates the five default roles with permissions, SuperAdmin holding all of them', async () => {
		const rows = await db.sql<Array<{name: string; permissions: number}>>`
			select r.name, count(rp.permission_id)::int as permissions from roles r left join role_permissions rp on rp.role_id = r.id
			group by r.name order by r.name`;
		expect(rows.map(r => r.name)).toEqual(['Analyst', 'Driver', 'FleetManager', 'OrgAdmin', 'SuperAdmin']);
		const [{total}] = (await db.sql<Array<{total: number}>>`select count(*)::int as total from permissions`) as unknown as [{total: number}];
		expect(rows.find(r => r.name === 'SuperAdmin')!.permissions).toBe(total);
		for (const row of rows) expect(row.permissions, row.name).toBeGreaterThan(0);
	});
});

describe('loading the files again', () => {
	it('applies all five files a second time without error and without duplicating data', async () => {
		const before = await db.sql<Array<{n: number}>>`select (select count(*) from roles) + (select count(*) from permissions) + (select count(*) from role_permissions) as n`;
		const dir = path.resolve('sql');
		for (const file of schemaFiles) {
			const text = fs.readFileSync(path.join(dir, file), 'utf8');
			await db.sql.begin(async tx => {
				await tx.unsafe(text).simple();
			});
		}
		const after = await db.sql<Array<{n: number}>>`select (select count(*) from roles) + (select count(*) from permissions) + (select count(*) from role_permissions) as n`;
		expect(after).toEqual(before);
	});

	it('schema.sql alone brings policies of the first bindings predicate (select evfleet_current_org()) to the view, partitions included', async () => {
		const [part] = await db.sql<Array<{name: string}>>`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'vehicle_telematics'::regclass limit 1`;
		const old = '(select evfleet_current_org())';
		for (const [policy, table] of [['vehicles_tenant_isolation', 'vehicles'], ['vehicle_telematics_tenant_isolation', part!.name]] as const) {
			await db.sql.unsafe(`alter policy ${policy} on ${table} using (organization_id = ${old}) with check (organization_id = ${old})`);
		}
		const predicates = () => db.sql<Array<{qual: string; withcheck: string}>>`
			select distinct pg_get_expr(polqual, polrelid) as qual, pg_get_expr(polwithcheck, polrelid) as withcheck
			from pg_policy where polname like '%\_tenant\_isolation' and polrelid <> 'organizations'::regclass`;
		expect((await predicates()).length).toBe(2);
		await db.sql.begin(async tx => {
			await tx.unsafe(fs.readFileSync(path.resolve('sql/schema.sql'), 'utf8')).simple();
		});
		const today = '(organization_id = ( SELECT s.organization_id\n   FROM evfleet_tenant_scope s))';
		expect(await predicates()).toEqual([{qual: today, withcheck: today}]);
	});
});

describe('core constraints and triggers', () => {
	it('moves updated_at on update through set_updated_at()', async () => {
		const [org] = await db.sql<Array<{id: string; updatedAt: Date}>>`
			insert into organizations (name, slug, updated_at) values ('Clock', 'clock', now() - interval '1 day') returning id, updated_at`;
		const [after] = await db.sql<Array<{updatedAt: Date}>>`update organizations set name = 'Clock 2' where id = ${org!.id} returning updated_at`;
		expect(after!.updatedAt.getTime()).toBeGreaterThan(org!.updatedAt.getTime());
		const triggers = await db.sql<Array<{tbl: string}>>`
			select c.relname as tbl from pg_attribute a join pg_class c on c.oid = a.attrelid
			where a.attname = 'updated_at' and c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
			  and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgfoid = 'set_updated_at'::regproc)`;
		expect(triggers).toEqual([]);
	});

	it('rejects an unknown subscription plan', async () => {
		await expect(db.sql`insert into organizations (name, slug, subscription_plan) values ('X', 'x-plan', 'platinum')`).rejects.toMatchObject({
			constraint_name: 'organizations_subscription_plan_valid',
		});
	});

	it('rejects a slug with capitals and a duplicate slug', async () => {
		await expect(db.sql`insert into organizations (name, slug) values ('X', 'Bad Slug')`).rejects.toMatchObject({constraint_name: 'organizations_slug_format'});
		await db.sql`insert into organizations (name, slug) values ('Y', 'same-slug')`;
		await expect(db.sql`insert into organizations (name, slug) values ('Z', 'same-slug')`).rejects.toMatchObject({constraint_name: 'organizations_slug_unique'});
	});

	it('keeps user emails unique per organization, case-insensitively', async () => {
		const [org] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Mail', 'mail') returning id`;
		await db.sql`insert into users (organization_id, email, full_name) values (${org!.id}, 'Ada@example.com', 'Ada')`;
		await expect(db.sql`insert into users (organization_id, email, full_name) values (${org!.id}, 'ada@EXAMPLE.com', 'Ada 2')`).rejects.toMatchObject({
			constraint_name: 'users_email_unique',
		});
	});

	it('accepts only the known outcomes in maintenance_log', async () => {
		const [row] = await db.sql<Array<{dbUser: string}>>`insert into maintenance_log (action, target, outcome) values ('vacuum', 'vehicles', 'done') returning db_user`;
		expect(row!.dbUser).toBe('postgres');
		await expect(db.sql`insert into maintenance_log (action, outcome) values ('vacuum', 'maybe')`).rejects.toMatchObject({
			constraint_name: 'maintenance_log_outcome_valid',
		});
	});

	it('derives connectivity from the age of the last report', async () => {
		const rows = await db.sql<Array<{c: string}>>`select connectivity_status(x) as c from unnest(array[10, 300, 301, 3600, 3601, null]::float8[]) x`;
		expect(rows.map(r => r.c)).toEqual(['online', 'online', 'stale', 'stale', 'offline', 'offline']);
	});
});
