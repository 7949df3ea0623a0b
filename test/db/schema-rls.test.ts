// Row-level security and the three database roles: organizations are isolated in every table and view, fail closed.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';

let db: TestDatabase;
let orgA: string;
let orgB: string;
const suffix = randomBytes(4).toString('hex');
const roles = {reader: `t_reader_${suffix}`, operator: `t_operator_${suffix}`, admin: `t_admin_${suffix}`, writer: `t_writer_${suffix}`};

const tenantViews = ['active_vehicles_status', 'active_charging_sessions', 'active_routes_status', 'charging_station_availability', 'battery_health_trends_scoped', 'energy_efficiency_metrics_scoped'];

/** One row in every tenant table for an organization: the whole chain from users to V2G. */
async function populate(slug: string, vinNumber: number): Promise<string> {
	const sql = db.sql;
	const [org] = await sql<Array<{id: string}>>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
	const o = org!.id;
	const [user] = await sql<Array<{id: string}>>`insert into users (organization_id, email, full_name) values (${o}, ${`ops@${slug}.example`}, 'Ops') returning id`;
	await sql`insert into user_roles (organization_id, user_id, role_id) select ${o}, ${user!.id}, id from roles where name = 'OrgAdmin'`;
	const [fleet] = await sql<Array<{id: string}>>`insert into fleets (organization_id, name, depot_location) values (${o}, 'Depot', 'SRID=4326;POINT(13.4 52.5)') returning id`;
	const [vehicle] = await sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
		values (${o}, ${fleet!.id}, ${`WVWZZZ1KZFW${String(vinNumber).padStart(6, '0')}`}, 'VW', 'ID.4', 77) returning id`;
	const v = vehicle!.id;
	await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, location) values (${v}, ${o}, now() - interval '1 minute', 50, 'SRID=4326;POINT(13.4 52.5)')`;
	const [station] = await sql<Array<{id: string}>>`insert into charging_stations (organization_id, name, location) values (${o}, ${`${slug} depot charger`}, 'SRID=4326;POINT(13.41 52.5)') returning id`;
	const [connector] = await sql<Array<{id: string}>>`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 1, 'CCS2', 150) returning id`;
	await sql`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 2, 'CCS2', 150)`;
	const [session] = await sql<Array<{id: string}>>`
		insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, status) values (${o}, ${v}, ${connector!.id}, now() - interval '10 minutes', 'active') returning id`;
	await sql`insert into charging_session_metrics (session_id, organization_id, recorded_at, power_kw, energy_kwh, soc_pct) values (${session!.id}, ${o}, now(), 50, 5, 55)`;
	const [route] = await sql<Array<{id: string}>>`insert into routes (organization_id, name) values (${o}, 'Loop') returning id`;
	const [waypoint] = await sql<Array<{id: string}>>`
		insert into route_waypoints (organization_id, route_id, sequence, location, charging_station_id) values (${o}, ${route!.id}, 1, 'SRID=4326;POINT(13.41 52.5)', ${station!.id}) returning id`;
	await sql`insert into route_waypoints (organization_id, route_id, sequence, location) values (${o}, ${route!.id}, 2, 'SRID=4326;POINT(13.5 52.5)')`;
	const [assignment] = await sql<Array<{id: string}>>`
		insert into route_assignments (organization_id, route_id, vehicle_id, driver_id, planned_start_at, actual_start_at, status)
		values (${o}, ${route!.id}, ${v}, ${user!.id}, now() - interval '1 hour', now() - interval '1 hour', 'in_progress') returning id`;
	await sql`insert into route_progress (organization_id, assignment_id, waypoint_id, arrived_at, charging_session_id) values (${o}, ${assignment!.id}, ${waypoint!.id}, now(), ${session!.id})`;
	await sql`insert into route_optimization_history (organization_id, route_id, algorithm) values (${o}, ${route!.id}, 'two-opt')`;
	await sql`insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh) values (${o}, ${v}, now(), 95, 73)`;
	await sql`
		insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh)
		values (${v}, ${o}, now() - interval '2 hours', now() - interval '1 hour', 40, 7)`;
	await sql`
		insert into v2g_energy_transactions (organization_id, vehicle_id, charging_session_id, direction, energy_kwh, price_per_kwh, grid_operator, started_at)
		values (${o}, ${v}, ${session!.id}, 'to_grid', 3, 0.25, 'TenneT', now())`;
	return o;
}

/** Tenant tables: every table (not partition) with organization_id, plus organizations itself. */
async function tenantTables(): Promise<Array<{name: string; orgColumn: string}>> {
	const rows = await db.sql<Array<{name: string}>>`
		select c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid
		where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
		  and a.attname = 'organization_id' and not a.attisdropped and c.relname <> 'organization_logins'
		order by 1`;
	return [{name: 'organizations', orgColumn: 'id'}, ...rows.map(r => ({name: r.name, orgColumn: 'organization_id'}))];
}

async function count(sql: Sql, relation: string, orgColumn: string, org: string | null): Promise<number> {
	const where = org === null ? `${orgColumn} is null` : `${orgColumn} = '${org}'`;
	const [row] = await sql.unsafe<Array<{n: number}>>(`select count(*)::int as n from ${relation} where ${where}`);
	return row!.n;
}

beforeAll(async () => {
	db = await createTestDatabase();
	orgA = await populate('tenant-a', 1);
	orgB = await populate('tenant-b', 2);
	await db.sql`insert into charging_stations (operator_name, name, location) values ('Ionity', 'public charger', 'SRID=4326;POINT(13.42 52.5)')`;
	await db.sql`select refresh_battery_health_trends()`;
	await db.sql`select refresh_energy_efficiency_metrics()`;
	await db.sql.unsafe(`create role ${roles.reader} login in role evfleet_reader`);
	await db.sql.unsafe(`create role ${roles.operator} login in role evfleet_operator`);
	await db.sql.unsafe(`create role ${roles.admin} login in role evfleet_admin`);
	await db.sql.unsafe(`create role ${roles.writer} login in role evfleet_reader`);
	await db.sql.unsafe(`grant insert on fleets to ${roles.writer}`);
	// The reader and the writer may see both organizations (they choose one); the operator is bound to none.
	await db.sql`insert into organization_logins (role_name, organization_id) values
		(${roles.reader}, ${orgA}), (${roles.reader}, ${orgB}), (${roles.writer}, ${orgA}), (${roles.writer}, ${orgB})`;
});

afterAll(async () => {
	await db?.close();
	// Roles are cluster-wide: remove ours once the database (and the writer's grant in it) is gone.
	const admin = createSql(parseConnectionUrl(inject('adminUrl'), 'test'), {max: 1});
	try {
		for (const role of Object.values(roles)) await admin.unsafe(`drop role if exists ${role}`);
	} finally {
		await admin.end({timeout: 5});
	}
});

describe('tenant tables', () => {
	it('all have row-level security enabled and forced', async () => {
		const tables = await tenantTables();
		expect(tables.map(t => t.name).sort()).toEqual([
			'battery_health_reports', 'charging_connectors', 'charging_session_metrics', 'charging_sessions', 'charging_stations',
			'energy_consumption_records', 'fleets', 'organizations', 'route_assignments', 'route_optimization_history', 'route_progress',
			'route_waypoints', 'routes', 'user_roles', 'users', 'v2g_energy_transactions', 'vehicle_live_state', 'vehicle_telematics', 'vehicles',
		]);
		const rows = await db.sql<Array<{name: string; rls: boolean; forced: boolean}>>`
			select relname as name, relrowsecurity as rls, relforcerowsecurity as forced from pg_class
			where relnamespace = 'public'::regnamespace and relname = any(${tables.map(t => t.name)}) order by 1`;
		for (const row of rows) expect(row, row.name).toMatchObject({rls: true, forced: true});
	});

	it('a reader scoped to organization A sees its rows and none of B, in every table and view', async () => {
		const sql = db.connect({user: roles.reader, max: 1, parameters: {'app.current_org_id': orgA}});
		for (const {name, orgColumn} of await tenantTables()) {
			expect(await count(sql, name, orgColumn, orgB), `${name} rows of B`).toBe(0);
			expect(await count(sql, name, orgColumn, orgA), `${name} rows of A`).toBeGreaterThan(0);
			expect(await count(db.sql, name, orgColumn, orgB), `${name} has B rows to hide`).toBeGreaterThan(0);
		}
		for (const view of tenantViews) {
			expect(await count(sql, view, 'organization_id', orgB), `${view} rows of B`).toBe(0);
			expect(await count(sql, view, 'organization_id', orgA), `${view} rows of A`).toBeGreaterThan(0);
		}
	});

	it('a reader scoped to A sees nothing of B through a partition queried directly', async () => {
		const sql = db.connect({user: roles.reader, max: 1, parameters: {'app.current_org_id': orgA}});
		const partitions = await db.sql<Array<{name: string}>>`
			select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
			where i.inhparent in ('vehicle_telematics'::regclass, 'charging_session_metrics'::regclass, 'energy_consumption_records'::regclass)`;
		expect(partitions.length).toBeGreaterThan(10);
		for (const {name} of partitions) expect(await count(sql, name, 'organization_id', orgB), name).toBe(0);
	});

	it('fails closed: without app.current_org_id a reader bound to two organizations sees no tenant rows, only public stations', async () => {
		const sql = db.connect({user: roles.reader, max: 1});
		for (const {name} of await tenantTables()) {
			const [row] = await sql.unsafe<Array<{n: number}>>(`select count(*)::int as n from ${name}`);
			const expected = name === 'charging_stations' ? 1 : 0;
			expect(row!.n, name).toBe(expected);
		}
		for (const view of tenantViews) {
			const [row] = await sql.unsafe<Array<{n: number}>>(`select count(*)::int as n from ${view}`);
			expect(row!.n, view).toBe(view === 'charging_station_availability' ? 1 : 0);
		}
	});

	it('shows public stations and their connectors to every tenant', async () => {
		const sql = db.connect({user: roles.reader, max: 1, parameters: {'app.current_org_id': orgB}});
		const rows = await sql<Array<{stationName: string}>>`select station_name from nearest_available_connectors(13.4, 52.5, null, 10, 10)`;
		expect(rows.map(r => r.stationName).sort()).toEqual(['tenant-b depot charger', 'tenant-b depot charger']);
		const stations = await sql<Array<{name: string}>>`select name from charging_stations order by name`;
		expect(stations.map(s => s.name)).toEqual(['public charger', 'tenant-b depot charger']);
	});

	it('an evfleet_admin member sees every organization without setting one', async () => {
		const sql = db.connect({user: roles.admin, max: 1});
		for (const {name, orgColumn} of await tenantTables()) {
			expect(await count(sql, name, orgColumn, orgA), name).toBeGreaterThan(0);
			expect(await count(sql, name, orgColumn, orgB), name).toBeGreaterThan(0);
		}
		const [row] = await sql<Array<{n: number}>>`select count(distinct organization_id)::int as n from battery_health_trends_scoped`;
		expect(row!.n).toBe(2);
	});

	it('an evfleet_admin member that chooses an organization sees and writes only that one, in its own SQL', async () => {
		const sql = db.connect({user: roles.admin, max: 1});
		await sql.begin(async tx => {
			await tx`select set_config('app.current_org_id', ${orgA}, true)`;
			for (const {name, orgColumn} of await tenantTables()) {
				expect(await count(tx as unknown as typeof sql, name, orgColumn, orgB), name).toBe(0);
			}
			expect(await count(tx as unknown as typeof sql, 'vehicles', 'organization_id', orgA)).toBeGreaterThan(0);
		});
		await expect(sql.begin(async tx => {
			await tx`select set_config('app.current_org_id', ${orgA}, true)`;
			await tx`insert into fleets (organization_id, name) values (${orgB}, 'Smuggled by an admin')`;
		})).rejects.toMatchObject({code: '42501'});
		// the choice ends with the transaction: every organization again
		expect(await count(sql, 'vehicles', 'organization_id', orgB)).toBeGreaterThan(0);
	});

	it('refuses to write a row for another organization', async () => {
		const sql = db.connect({user: roles.writer, max: 1, parameters: {'app.current_org_id': orgA}});
		await sql`insert into fleets (organization_id, name) values (${orgA}, 'Allowed')`;
		await expect(sql`insert into fleets (organization_id, name) values (${orgB}, 'Smuggled')`).rejects.toMatchObject({code: '42501'});
	});

	it('filters with one indexed equality on organization_id', async () => {
		const sql = db.connect({user: roles.reader, max: 1, parameters: {'app.current_org_id': orgA}});
		await sql`set enable_seqscan = off`;
		const plan = (await sql.unsafe<Array<Record<string, string>>>(`explain (costs off) select * from vehicles`)).map(r => Object.values(r)[0]).join('\n');
		expect(plan).toMatch(/Index Cond: \(organization_id = /);
	});
});

describe('database roles', () => {
	it('keep readers away from the raw materialized views and writes', async () => {
		const sql = db.connect({user: roles.reader, max: 1, parameters: {'app.current_org_id': orgA}});
		await expect(sql`select * from battery_health_trends`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select * from energy_efficiency_metrics`).rejects.toMatchObject({code: '42501'});
		await expect(sql`insert into organizations (name, slug) values ('x', 'x')`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select refresh_battery_health_trends()`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select create_monthly_partitions('vehicle_telematics')`).rejects.toMatchObject({code: '42501'});
		// it reports which months hold rows of every organization: operators only
		await expect(sql`select * from list_monthly_partitions('vehicle_telematics')`).rejects.toMatchObject({code: '42501'});
	});

	it('let operators run maintenance functions and write the audit log', async () => {
		const sql = db.connect({user: roles.operator, max: 1});
		const [entry] = await sql<Array<{refreshedBy: string; concurrent: boolean}>>`select * from refresh_battery_health_trends()`;
		expect(entry).toMatchObject({refreshedBy: roles.operator, concurrent: true});
		await sql`select create_monthly_partitions('energy_consumption_records', 6)`;
		const [log] = await sql<Array<{id: number}>>`insert into maintenance_log (action, target, os_user, client_host) values ('refresh', 'battery_health_trends', 'ops', 'bastion') returning id`;
		await sql`update maintenance_log set finished_at = now(), outcome = 'done' where id = ${log!.id}`;
		// The refresh ran as the owner: the view still holds both organizations.
		const [row] = await db.sql<Array<{n: number}>>`select count(distinct organization_id)::int as n from battery_health_trends`;
		expect(row!.n).toBe(2);
	});
});
