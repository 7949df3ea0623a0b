// The tenant boundary against a hostile login: each test is an ordinary login writing its own SQL, one per hole.
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {liveCharging} from '../../source/db/queries/live-charging.js';

let db: TestDatabase;
const suffix = randomBytes(4).toString('hex');
const logins = {
	reader: `atk_reader_${suffix}`,
	writer: `atk_writer_${suffix}`,
	operator: `atk_operator_${suffix}`,
	stranger: `atk_stranger_${suffix}`,
	twoOrgs: `atk_two_${suffix}`,
};

type Tenant = {org: string; fleet: string; vehicle: string; station: string; connector: string; route: string};
let a: Tenant;
let b: Tenant;
let publicConnector: string;
let vinNumber = 0;

/** An organization with a fleet, a vehicle, a private station with a connector, and a route. */
async function tenant(slug: string): Promise<Tenant> {
	const sql = db.sql;
	const [org] = await sql<Array<{id: string}>>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
	const o = org!.id;
	const [fleet] = await sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${o}, 'Depot') returning id`;
	vinNumber += 1;
	const [vehicle] = await sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
		values (${o}, ${fleet!.id}, ${`WVWZZZ1KZAT${String(vinNumber).padStart(6, '0')}`}, 'VW', 'ID.4', 77) returning id`;
	await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, location) values (${vehicle!.id}, ${o}, now() - interval '1 minute', 50, 'SRID=4326;POINT(8.68 50.11)')`;
	const [station] = await sql<Array<{id: string}>>`insert into charging_stations (organization_id, name, location) values (${o}, ${`${slug} yard`}, 'SRID=4326;POINT(8.681 50.111)') returning id`;
	const [connector] = await sql<Array<{id: string}>>`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 1, 'CCS2', 150) returning id`;
	const [route] = await sql<Array<{id: string}>>`insert into routes (organization_id, name) values (${o}, 'Loop') returning id`;
	await sql`insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh) values (${o}, ${vehicle!.id}, now(), 95, 73)`;
	await sql`
		insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh)
		values (${vehicle!.id}, ${o}, now() - interval '2 hours', now() - interval '1 hour', 40, 7)`;
	return {org: o, fleet: fleet!.id, vehicle: vehicle!.id, station: station!.id, connector: connector!.id, route: route!.id};
}

function as(login: string): Sql {
	return db.connect({user: login, max: 1});
}

/** One transaction with the organization chosen transaction-locally, as the console does. */
function inOrg<T>(sql: Sql, org: string | null, work: (tx: Sql) => Promise<T>): Promise<T> {
	return sql.begin(async tx => {
		if (org) await tx`select set_config('app.current_org_id', ${org}, true)`;
		return work(tx as unknown as Sql);
	}) as Promise<T>;
}

async function rowsOf(sql: Sql, relation: string, org: string): Promise<number> {
	const [row] = await sql.unsafe<Array<{n: number}>>(`select count(*)::int as n from ${relation} where organization_id = $1`, [org]);
	return row!.n;
}

/** Every table, view and materialized view of the schema that has an organization_id column. */
async function relationsWithOrganization(): Promise<Array<{name: string; kind: string}>> {
	return db.sql<Array<{name: string; kind: string}>>`
		select c.relname as name, c.relkind::text as kind from pg_class c join pg_attribute a on a.attrelid = c.oid
		where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
		  and a.attname = 'organization_id' and not a.attisdropped
		order by 1`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	a = await tenant(`atk-a-${suffix}`);
	b = await tenant(`atk-b-${suffix}`);
	const [station] = await db.sql<Array<{id: string}>>`insert into charging_stations (operator_name, name, location) values ('Ionity', 'public hub', 'SRID=4326;POINT(8.682 50.112)') returning id`;
	const [connector] = await db.sql<Array<{id: string}>>`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 1, 'CCS2', 350) returning id`;
	publicConnector = connector!.id;
	await db.sql`select refresh_battery_health_trends()`;
	await db.sql`select refresh_energy_efficiency_metrics()`;
	await db.sql.unsafe(`create role ${logins.reader} login in role evfleet_reader`);
	await db.sql.unsafe(`create role ${logins.writer} login in role evfleet_writer`);
	await db.sql.unsafe(`create role ${logins.operator} login in role evfleet_operator`);
	await db.sql.unsafe(`create role ${logins.stranger} login`);
	await db.sql.unsafe(`create role ${logins.twoOrgs} login in role evfleet_reader`);
	// The operator gets a schema of its own: enough to create a partitioned table and a trigger.
	await db.sql.unsafe(`create schema ${logins.operator} authorization ${logins.operator}`);
	await db.sql`insert into organization_logins (role_name, organization_id) values (${logins.reader}, ${a.org}), (${logins.writer}, ${a.org}), (${logins.twoOrgs}, ${a.org}), (${logins.twoOrgs}, ${b.org})`;
});

afterAll(async () => {
	await db?.close();
	const admin = createSql(parseConnectionUrl(inject('adminUrl'), 'test'), {max: 1});
	try {
		for (const role of Object.values(logins)) await admin.unsafe(`drop role if exists ${role}`);
	} finally {
		await admin.end({timeout: 5});
	}
});

describe('hole 1: operator to superuser through create_monthly_partitions', () => {
	it('refuses a table that is not evfleet\'s own, and the caller\'s trigger never runs with the owner\'s rights', async () => {
		const sql = as(logins.operator);
		const schema = logins.operator;
		await sql.unsafe(`create table ${schema}.bait (t timestamptz not null) partition by range (t)`);
		await sql.unsafe(`create table ${schema}.bait_default partition of ${schema}.bait default`);
		await sql.unsafe(`insert into ${schema}.bait values (now())`);
		await sql.unsafe(`
			create function ${schema}.escalate() returns trigger language plpgsql as $f$
			begin
				execute format('alter role %I superuser', session_user);
				return new;
			end $f$`);
		await sql.unsafe(`create trigger escalate before insert on ${schema}.bait for each row execute function ${schema}.escalate()`);
		const attempt = sql`select create_monthly_partitions(${`${schema}.bait`}::regclass, (now() at time zone 'UTC')::date, 1)`;
		await expect(attempt).rejects.toThrow(/not one of evfleet's partitioned tables/);
		const [row] = await db.sql<Array<{rolsuper: boolean}>>`select rolsuper from pg_roles where rolname = ${logins.operator}`;
		expect(row!.rolsuper).toBe(false);
	});

	it('still creates partitions of evfleet\'s own tables for an operator', async () => {
		const sql = as(logins.operator);
		const created = await sql<Array<{name: string}>>`select create_monthly_partitions('vehicle_telematics'::regclass, date '2031-01-01', 1) as name`;
		expect(created.map(r => r.name)).toEqual(['vehicle_telematics_2031_01']);
	});
});

describe('hole 2: a login picks another organization', () => {
	it('a reader bound to A that sets B\'s id sees 0 rows of B in every table, view and materialized view', async () => {
		const sql = as(logins.reader);
		const relations = await relationsWithOrganization();
		expect(relations.length).toBeGreaterThan(20);
		for (const table of ['vehicles', 'vehicle_telematics', 'charging_stations', 'battery_health_trends']) {
			expect(await rowsOf(db.sql, table, b.org), `${table} holds B rows to hide`).toBeGreaterThan(0);
		}
		for (const {name, kind} of relations) {
			if (kind === 'm' || name === 'organization_logins') {
				// the raw materialized views cannot have RLS, and the bindings are the admins': readers may not read them at all
				await expect(inOrg(sql, b.org, tx => rowsOf(tx, name, b.org))).rejects.toMatchObject({code: '42501'});
				continue;
			}
			expect(await inOrg(sql, b.org, tx => rowsOf(tx, name, b.org)), `${name} (transaction-local)`).toBe(0);
		}
		await sql.unsafe(`set app.current_org_id = '${b.org}'`);
		for (const {name, kind} of relations) {
			if (kind !== 'm' && name !== 'organization_logins') expect(await rowsOf(sql, name, b.org), `${name} (session SET)`).toBe(0);
		}
		const [orgs] = await sql<Array<{n: number}>>`select count(*)::int as n from organizations where id = ${b.org}`;
		expect(orgs!.n).toBe(0);
	});

	it('a reader bound to one organization sees it without any SET, and sees it when it chooses it', async () => {
		const sql = as(logins.reader);
		expect(await rowsOf(sql, 'vehicles', a.org)).toBe(1);
		expect(await rowsOf(sql, 'vehicle_telematics', a.org)).toBe(1);
		expect(await inOrg(sql, a.org, tx => rowsOf(tx, 'battery_health_trends_scoped', a.org))).toBe(1);
	});

	it('a login bound to two organizations sees the one it chooses and nothing before it chooses', async () => {
		const sql = as(logins.twoOrgs);
		expect(await rowsOf(sql, 'vehicles', a.org) + (await rowsOf(sql, 'vehicles', b.org))).toBe(0);
		expect(await inOrg(sql, b.org, tx => rowsOf(tx, 'vehicles', b.org))).toBe(1);
		expect(await inOrg(sql, b.org, tx => rowsOf(tx, 'vehicles', a.org))).toBe(0);
	});

	it('a login bound to nothing sees no tenant row whatever it sets', async () => {
		await db.sql.unsafe(`grant evfleet_reader to ${logins.stranger}`);
		try {
			const sql = as(logins.stranger);
			for (const org of [a.org, b.org]) {
				expect(await inOrg(sql, org, tx => rowsOf(tx, 'vehicles', org))).toBe(0);
				expect(await inOrg(sql, org, tx => rowsOf(tx, 'energy_efficiency_metrics_scoped', org))).toBe(0);
			}
		} finally {
			await db.sql.unsafe(`revoke evfleet_reader from ${logins.stranger}`);
		}
	});

	it('the scope every policy reads (evfleet_tenant_scope) shows a login its own organization only: no other binding, nothing it was not granted', async () => {
		const scope = (sql: Sql, org: string | null) => inOrg(sql, org, tx => tx<Array<{org: string | null}>>`select organization_id as org from evfleet_tenant_scope`);
		expect(await scope(as(logins.reader), null)).toEqual([{org: a.org}]);
		expect(await scope(as(logins.reader), a.org)).toEqual([{org: a.org}]);
		expect(await scope(as(logins.reader), b.org)).toEqual([{org: null}]);
		expect(await scope(as(logins.twoOrgs), null)).toEqual([{org: null}]);
		expect(await scope(as(logins.twoOrgs), b.org)).toEqual([{org: b.org}]);
		// a function of the caller's own, called on the view, sees that one row and nothing of organization_logins
		const sql = as(logins.reader);
		const seen = await sql.begin(async tx => {
			await tx`create function pg_temp.peek(value uuid) returns boolean language plpgsql cost 0.0001 as $f$
				begin perform set_config('atk.seen', coalesce(current_setting('atk.seen', true), '') || coalesce(value::text, 'null') || ' ', true); return true; end $f$`;
			await tx`select set_config('app.current_org_id', ${b.org}, true)`;
			await tx`select count(*) from evfleet_tenant_scope where pg_temp.peek(organization_id)`;
			const [row] = await tx<Array<{seen: string}>>`select current_setting('atk.seen', true) as seen`;
			return row!.seen;
		}).catch((error: {code?: string}) => {
			if (error.code === '42501') return 'null '; // no TEMP privilege: the attack is off
			throw error;
		});
		expect(seen).toBe('null ');
		// and what it reads cannot be replaced: the view and the policies name their tables by oid, not by search_path
		await sql.begin(async tx => {
			await tx.unsafe(`create temp view evfleet_tenant_scope as select '${b.org}'::uuid as organization_id`);
			await tx`set local search_path = pg_temp, public`;
			await tx`select set_config('app.current_org_id', ${b.org}, true)`;
			const [row] = await tx<Array<{n: number}>>`select count(*)::int as n from public.vehicles where organization_id = ${b.org}`;
			expect(row!.n).toBe(0);
		}).catch((error: {code?: string}) => {
			if (error.code !== '42501') throw error;
		});
	});

	it('a bound login cannot bind itself to another organization', async () => {
		const sql = as(logins.writer);
		await expect(sql`insert into organization_logins (role_name, organization_id) values (${logins.writer}, ${b.org})`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select * from organization_logins`).rejects.toMatchObject({code: '42501'});
	});

	it('a bound login cannot read its binding through a temporary table of its own', async () => {
		const sql = as(logins.reader);
		await sql.begin(async tx => {
			await tx`create temp table organization_logins (role_name name, organization_id uuid)`;
			await tx`insert into organization_logins values (${logins.reader}, ${b.org})`;
			await tx`select set_config('app.current_org_id', ${b.org}, true)`;
			await tx`set local search_path = pg_temp, public`;
			const [row] = await tx<Array<{n: number}>>`select count(*)::int as n from public.vehicles where organization_id = ${b.org}`;
			expect(row!.n).toBe(0);
		}).catch((error: {code?: string}) => {
			// PostgreSQL may refuse the temp table itself (no TEMP privilege): the attack is off either way.
			if (error.code !== '42501') throw error;
		});
	});
});

describe('hole 3: references across tenants', () => {
	it('refuses a charging session on another organization\'s private connector', async () => {
		const attempt = inOrg(as(logins.writer), a.org, tx => tx`
			insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, status)
			values (${a.org}, ${a.vehicle}, ${b.connector}, now() - interval '3 hours', 'active')`);
		await expect(attempt).rejects.toThrow(/another organization's private charging station|charging_sessions_connector/);
	});

	it('accepts a charging session on a public station\'s connector and on one of its own', async () => {
		await inOrg(as(logins.writer), a.org, async tx => {
			await tx`insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, ended_at, status)
				values (${a.org}, ${a.vehicle}, ${publicConnector}, now() - interval '5 hours', now() - interval '4 hours', 'completed')`;
			await tx`insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, ended_at, status)
				values (${a.org}, ${a.vehicle}, ${a.connector}, now() - interval '7 hours', now() - interval '6 hours', 'completed')`;
		});
	});

	it('refuses a waypoint at another organization\'s private station', async () => {
		const attempt = inOrg(as(logins.writer), a.org, tx => tx`
			insert into route_waypoints (organization_id, route_id, sequence, location, charging_station_id)
			values (${a.org}, ${a.route}, 1, 'SRID=4326;POINT(8.68 50.11)', ${b.station})`);
		await expect(attempt).rejects.toThrow(/another organization's private charging station|route_waypoints_charging_station/);
	});

	it('refuses a vehicle in another organization\'s fleet', async () => {
		const attempt = inOrg(as(logins.writer), a.org, tx => tx`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			values (${a.org}, ${b.fleet}, 'WVWZZZ1KZAT999999', 'VW', 'ID.4', 77)`);
		await expect(attempt).rejects.toMatchObject({code: '23503'});
	});

	it('refuses to give a station with other organizations\' sessions to one organization', async () => {
		const [station] = await db.sql<Array<{id: string}>>`select station_id as id from charging_connectors where id = ${publicConnector}`;
		await expect(db.sql`update charging_stations set organization_id = ${b.org} where id = ${station!.id}`).rejects.toThrow(/used by another organization/);
	});

	it('moves a station\'s connectors with the station', async () => {
		const [station] = await db.sql<Array<{id: string}>>`insert into charging_stations (operator_name, name, location) values ('Allego', 'sold hub', 'SRID=4326;POINT(8.7 50.1)') returning id`;
		await db.sql`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 1, 'CCS2', 50)`;
		await db.sql`update charging_stations set organization_id = ${b.org} where id = ${station!.id}`;
		const [row] = await db.sql<Array<{org: string}>>`select organization_id as org from charging_connectors where station_id = ${station!.id}`;
		expect(row!.org).toBe(b.org);
	});
});

describe('hole 4: definer helpers and statistics leak', () => {
	it('PUBLIC can execute no SECURITY DEFINER function', async () => {
		const rows = await db.sql<Array<{fn: string}>>`
			select p.oid::regprocedure::text as fn from pg_proc p
			where p.pronamespace = 'public'::regnamespace and p.prosecdef
			  and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl where acl.grantee = 0)`;
		expect(rows.map(r => r.fn)).toEqual([]);
		const sql = as(logins.stranger);
		await expect(sql`select * from list_monthly_partitions('vehicle_telematics')`).rejects.toMatchObject({code: '42501'});
	});

	it('a tenant reader cannot list partitions with every organization\'s row estimates', async () => {
		await expect(as(logins.reader)`select * from list_monthly_partitions('vehicle_telematics')`).rejects.toMatchObject({code: '42501'});
	});

	it('a tenant reader cannot read PostGIS extents and statistics of every organization', async () => {
		await db.sql`analyze vehicle_live_state`;
		const sql = as(logins.reader);
		await expect(sql`select st_estimatedextent('public', 'vehicle_live_state', 'location')`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select _postgis_stats('vehicle_live_state'::regclass, 'location')`).rejects.toMatchObject({code: '42501'});
		await expect(sql`select most_common_vals::text from pg_stats where tablename = 'vehicles' and attname = 'vin'`).rejects.toMatchObject({code: '42501'});
	});
});

describe('hole 6: radius search as a tenant', () => {
	it('uses the GiST index under row-level security and returns public and own stations only', async () => {
		await db.sql`
			insert into charging_stations (operator_name, name, location)
			select 'Filler', 'filler ' || i, st_setsrid(st_makepoint(-5 + (i % 100) * 0.1, 40 + (i / 100) * 0.1), 4326)::geography
			from generate_series(1, 3000) i`;
		await db.sql`analyze charging_stations`;
		// auto_explain for this login only (a superuser's per-role settings: the reader may not load it itself)
		for (const setting of ["session_preload_libraries = 'auto_explain'", 'auto_explain.log_min_duration = 0', 'auto_explain.log_nested_statements = on', 'auto_explain.log_level = notice']) {
			await db.sql.unsafe(`alter role ${logins.reader} in database ${db.name} set ${setting}`);
		}
		const notices: string[] = [];
		const sql = db.connect({user: logins.reader, max: 1, onNotice: message => notices.push(message)});
		const rows = await sql<Array<{stationId: string}>>`select station_id from charging_stations_within(8.68, 50.11, 2000)`;
		const names = await db.sql<Array<{name: string}>>`select name from charging_stations where id = any(${rows.map(r => r.stationId)}::uuid[]) order by name`;
		expect(names.map(n => n.name)).toEqual(['public hub', `atk-a-${suffix} yard`].sort());
		expect(notices.join('\n')).toMatch(/Index (Only )?Scan using charging_stations_location_gist|Bitmap Index Scan on charging_stations_location_gist/);
	});

	it('the console\'s radius board reads only the stations found, not every station the tenant may see', async () => {
		// 3 000 filler stations from the test above; the board joins the search's result back to charging_stations:
		// by primary key, or (as with the function's old row estimate of 100) by hashing every visible station
		const sql = db.connect({user: logins.reader, max: 1});
		const plan = await inOrg(sql, a.org, async tx => {
			const rows = await tx.unsafe<Array<{'QUERY PLAN': string}>>(`explain (costs off) select st.id from charging_stations st
				where st.id in (select w.station_id from charging_stations_within(8.68::float8, 50.11::float8, 2000::float8) w)`);
			return rows.map(r => r['QUERY PLAN']).join('\n');
		});
		expect(plan).not.toMatch(/Seq Scan on charging_stations/);
		expect(plan).toMatch(/Index (Only )?Scan using charging_stations_pkey/);
		const snapshot = await inOrg(sql, a.org, tx => liveCharging(tx, {near: {latitude: 50.11, longitude: 8.68, radiusKm: 2}}));
		expect(snapshot.stations.map(s => s.name).sort()).toEqual(['public hub', `atk-a-${suffix} yard`].sort());
	});
});

describe('every SECURITY DEFINER function', () => {
	it('pins search_path (pg_catalog first, pg_temp last), is not PUBLIC, and is granted to one evfleet role', async () => {
		const rows = await db.sql<Array<{fn: string; config: string[] | null; grantees: string[]}>>`
			select p.oid::regprocedure::text as fn, p.proconfig as config,
			       array(select coalesce(r.rolname, 'PUBLIC') from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
			             left join pg_roles r on r.oid = acl.grantee
			             where acl.privilege_type = 'EXECUTE' and acl.grantee <> p.proowner order by 1) as grantees
			from pg_proc p
			where p.pronamespace = 'public'::regnamespace and p.prosecdef
			  and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
			order by 1`;
		expect(rows.length).toBeGreaterThanOrEqual(9);
		for (const row of rows) {
			const searchPath = (row.config ?? []).find(setting => setting.startsWith('search_path='));
			expect(searchPath, `${row.fn} search_path`).toMatch(/^search_path=pg_catalog(, [a-z_]+)*, pg_temp$/);
			expect(row.grantees, `${row.fn} grantees`).not.toContain('PUBLIC');
			const roles = row.grantees.filter(grantee => grantee !== 'evfleet_admin');
			expect(roles.length, `${row.fn} is granted to ${row.grantees.join(', ')}`).toBeLessThanOrEqual(1);
			expect(roles.every(grantee => grantee.startsWith('evfleet_')), `${row.fn} grantees`).toBe(true);
		}
	});

	it('that takes a relation refuses one that is not evfleet\'s own', async () => {
		await db.sql.unsafe(`create table ${logins.operator}.own (t timestamptz) partition by range (t)`);
		await db.sql.unsafe(`create materialized view ${logins.operator}.mv as select 1 as x`);
		await expect(db.sql`select * from list_monthly_partitions(${`${logins.operator}.own`}::regclass)`).rejects.toThrow(/not one of evfleet's partitioned tables/);
		await expect(db.sql`select * from evfleet_refresh_matview(${`${logins.operator}.mv`}::regclass)`).rejects.toThrow(/not one of evfleet's materialized views/);
	});
});

describe('references', () => {
	it('every foreign key has an index led by one of its columns (organization_id only for keys to organizations)', async () => {
		const rows = await db.sql<Array<{fk: string}>>`
			select c.conrelid::regclass || '.' || c.conname as fk
			from pg_constraint c
			where c.contype = 'f' and c.connamespace = 'public'::regnamespace
			  and not exists (
			    select 1 from pg_index i
			    where i.indrelid = c.conrelid
			      and i.indkey[0] = any (c.conkey)
			      and (array_length(c.conkey, 1) = 1
			           or (select attname from pg_attribute where attrelid = c.conrelid and attnum = i.indkey[0]) <> 'organization_id'
			           or i.indkey[1] = any (c.conkey)))
			order by 1`;
		expect(rows.map(r => r.fk)).toEqual([]);
	});

	it('deletes an organization with all its data in one statement', async () => {
		const doomed = await tenant(`atk-doomed-${suffix}`);
		await db.sql`insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, ended_at, status)
			values (${doomed.org}, ${doomed.vehicle}, ${doomed.connector}, now() - interval '2 hours', now() - interval '1 hour', 'completed')`;
		await db.sql`insert into organization_logins (role_name, organization_id) values (${logins.reader}, ${doomed.org})`;
		await db.sql`delete from organizations where id = ${doomed.org}`;
		for (const {name, kind} of await relationsWithOrganization()) {
			if (kind === 'r' || kind === 'p') expect(await rowsOf(db.sql, name, doomed.org), name).toBe(0);
		}
	});
});

describe('the audit trail', () => {
	it('stores the server\'s view of who refused beside what the client claims', async () => {
		const sql = as(logins.reader);
		const [row] = await sql<Array<{id: number}>>`select evfleet_log_refusal('refresh', 'x', 'select 1', 'no', 'root', 'bastion.example') as id`;
		const [entry] = await db.sql<Array<{osUser: string; clientHost: string; serverUser: string}>>`
			select os_user, client_host, server_user from maintenance_log where id = ${row!.id}`;
		expect(entry).toEqual({osUser: 'root', clientHost: 'bastion.example', serverUser: logins.reader});
	});

	it('keeps the server\'s view when an operator writes the log itself', async () => {
		const sql = as(logins.operator);
		const [row] = await sql<Array<{id: number}>>`
			insert into maintenance_log (action, os_user, server_user) values ('vacuum', 'someone', 'postgres') returning id`;
		await sql`update maintenance_log set server_user = 'postgres', outcome = 'done', finished_at = now() where id = ${row!.id}`;
		const [entry] = await db.sql<Array<{serverUser: string}>>`select server_user from maintenance_log where id = ${row!.id}`;
		expect(entry!.serverUser).toBe(logins.operator);
	});
});

describe('keys for a distribution by organization (issue 21)', () => {
	it('every tenant table\'s primary key and unique constraints include organization_id', async () => {
		const rows = await db.sql<Array<{constraint: string}>>`
			select c.conrelid::regclass || '.' || c.conname as constraint
			from pg_constraint c join pg_class t on t.oid = c.conrelid
			where c.contype in ('p', 'u') and t.relnamespace = 'public'::regnamespace and not t.relispartition
			  and exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attname = 'organization_id' and not a.attisdropped)
			  and not exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attnum = any (c.conkey) and a.attname = 'organization_id')
			order by 1`;
		// stations and connectors are shared (public ones): reference tables, keyed by id; a VIN is unique worldwide
		expect(rows.map(r => r.constraint)).toEqual([
			'charging_connectors.charging_connectors_number_unique',
			'charging_connectors.charging_connectors_pkey',
			'charging_stations.charging_stations_pkey',
			'vehicles.vehicles_vin_unique',
		]);
	});
});
