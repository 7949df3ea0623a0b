// sql/citus.sql on a real Citus cluster (coordinator + 2 workers): what is distributed how, and that the
// schema's machinery (partitions, triggers, materialized views) still works there.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {connectTo} from './helpers.js';

// organization_logins binds logins to organizations: read by every tenant policy on every node.
const referenceTables = ['organizations', 'roles', 'permissions', 'role_permissions', 'charging_stations', 'charging_connectors', 'organization_logins'];

let citus: Sql;
let single: Sql;

beforeAll(() => {
	citus = connectTo('citus');
	single = connectTo('single');
});

afterAll(async () => {
	await Promise.all([citus?.end({timeout: 5}), single?.end({timeout: 5})]);
});

type DistRow = {table: string; method: string; column: string | null; colocation: number};

async function distribution(): Promise<Map<string, DistRow>> {
	const rows = await citus<DistRow[]>`
		select logicalrelid::regclass::text as table, partmethod as method,
		       case when partkey is null then null else column_to_column_name(logicalrelid, partkey) end as column,
		       colocationid as colocation
		from pg_dist_partition`;
	return new Map(rows.map(row => [row.table, row]));
}

describe('citus.sql', () => {
	it('distributes every table that carries organization_id (except the shared ones) by it, all co-located', async () => {
		// The list comes from the single server's catalog, not from citus.sql: a new tenant table not distributed fails here.
		const tenant = await single<{table: string}[]>`
			select c.relname as table
			from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'organization_id'
			where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
			order by 1`;
		const dist = await distribution();
		const distributed = tenant.map(t => t.table).filter(t => !referenceTables.includes(t));
		expect(distributed.length).toBeGreaterThan(10);
		for (const table of distributed) {
			expect(dist.get(table), table).toMatchObject({method: 'h', column: 'organization_id'});
		}
		expect(new Set(distributed.map(t => dist.get(t)!.colocation)).size).toBe(1);
	});

	it('makes organizations, the role catalog, the login bindings, charging stations and connectors reference tables', async () => {
		const dist = await distribution();
		for (const table of referenceTables) expect(dist.get(table)?.method, table).toBe('n');
	});

	it('distributes the monthly partitions with their parent, including those created later', async () => {
		const [{month}] = await citus<[{month: string}]>`select to_char(now() + interval '5 months', 'YYYY_MM') as month`;
		await citus`select count(*) from create_monthly_partitions('vehicle_telematics'::regclass, (now() + interval '5 months')::date, 1)`;
		const dist = await distribution();
		expect(dist.get(`vehicle_telematics_${month}`)).toMatchObject({method: 'h', column: 'organization_id'});
		const [{shards}] = await citus<[{shards: number}]>`select count(*)::int as shards from pg_dist_shard where logicalrelid = ${`vehicle_telematics_${month}`}::regclass`;
		expect(shards).toBeGreaterThan(1);
	});

	it('holds the same rows as the single server after loading the demo data set', async () => {
		const count = (sql: Sql) => sql<{n: number; vehicles: number; telematics: number; live: number; trends: number}[]>`
			select (select count(*)::int from organizations) as n, (select count(*)::int from vehicles) as vehicles,
			       (select count(*)::int from vehicle_telematics) as telematics, (select count(*)::int from vehicle_live_state) as live,
			       (select count(*)::int from battery_health_trends) as trends`;
		const [[many], [one]] = await Promise.all([count(citus), count(single)]);
		expect(one!.telematics).toBeGreaterThan(0);
		expect(many).toEqual(one);
	});
});
