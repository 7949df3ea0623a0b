// Upgrading a database that runs main's schema before the tenant keys (fixture: that commit's five files), with
// data in it, by re-running today's files: evfleet db migrate --reapply-changed.
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {migrate} from '../../source/db/migrate.js';
import {createEmptyDatabase, type TestDatabase} from '../helpers/db.js';

const before = path.resolve('test/fixtures/migrations/before-tenant-keys');
const today = path.resolve('sql');

let db: TestDatabase;
let org: string;
let vehicle: string;

beforeAll(async () => {
	db = await createEmptyDatabase();
	const sql = db.connect({max: 1});
	await migrate(sql, {dir: before});
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Upgrade', 'upgrade') returning id`;
	org = o!.id;
	const [fleet] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Depot') returning id`;
	const [v] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
		values (${org}, ${fleet!.id}, 'WVWZZZ1KZUP000001', 'VW', 'ID.4', 77) returning id`;
	vehicle = v!.id;
	await db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
		select ${vehicle}, ${org}, now() - make_interval(mins => i), 50 from generate_series(1, 100) i`;
	await db.sql`insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, route_assignment_id)
		values (${vehicle}, ${org}, now() - interval '2 hours', now() - interval '1 hour', gen_random_uuid())`;
	const result = await migrate(sql, {dir: today, reapplyChanged: true});
	expect(result.reapplied.map(file => file.name)).toEqual(['schema.sql', 'fleet_schema.sql', 'charging_schema.sql', 'routes_schema.sql', 'energy_schema.sql']);
}, 120_000);

afterAll(async () => {
	await db?.close();
});

describe('upgrading main\'s schema with data in it', () => {
	it('keeps the rows and gives the tables their new keys', async () => {
		const [row] = await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id = ${vehicle}`;
		expect(row!.n).toBe(100);
		const keys = await db.sql<Array<{name: string; def: string}>>`
			select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
			where conname in ('vehicle_telematics_pkey', 'vehicle_telematics_vehicle_fk', 'energy_consumption_records_route_assignment_fk', 'vehicle_live_state_pkey')
			  and conrelid in ('vehicle_telematics'::regclass, 'energy_consumption_records'::regclass, 'vehicle_live_state'::regclass)
			order by 1`;
		expect(keys.map(k => k.name)).toEqual(['energy_consumption_records_route_assignment_fk', 'vehicle_live_state_pkey', 'vehicle_telematics_pkey', 'vehicle_telematics_vehicle_fk']);
		expect(keys.find(k => k.name === 'vehicle_telematics_pkey')!.def).toBe('PRIMARY KEY (vehicle_id, recorded_at, organization_id)');
	});

	it('clears an energy record\'s assignment that never existed instead of failing', async () => {
		const [row] = await db.sql<Array<{id: string | null}>>`select route_assignment_id as id from energy_consumption_records where vehicle_id = ${vehicle}`;
		expect(row!.id).toBeNull();
	});

	it('brings the partitions\' policies to the new predicate', async () => {
		const rows = await db.sql<Array<{qual: string}>>`
			select distinct pg_get_expr(polqual, polrelid) as qual from pg_policy where polname like '%_tenant_isolation'`;
		expect(rows.map(r => r.qual).sort()).toEqual([
			'(id = ( SELECT s.organization_id\n   FROM evfleet_tenant_scope s))',
			'(organization_id = ( SELECT s.organization_id\n   FROM evfleet_tenant_scope s))',
		]);
	});

	it('keeps ingest and the live state working', async () => {
		await db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) values (${vehicle}, ${org}, now(), 61)`;
		const [live] = await db.sql<Array<{soc: number}>>`select soc_pct as soc from vehicle_live_state where vehicle_id = ${vehicle}`;
		expect(live!.soc).toBe(61);
	});

	it('checks the new key once per statement on every partition with the live-state trigger, per row on none', async () => {
		const rows = await db.sql<Array<{partition: string; enabled: boolean}>>`
			select tg.tgrelid::regclass::text as partition, tg.tgenabled <> 'D' as enabled
			from pg_trigger tg join pg_inherits i on i.inhrelid = tg.tgrelid and i.inhparent = 'vehicle_telematics'::regclass
			where tg.tgfoid = 'pg_catalog."RI_FKey_check_ins"'::regproc`;
		expect(rows.length).toBeGreaterThan(4);
		expect(rows.filter(r => r.enabled)).toEqual([]);
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at) values (${vehicle}, gen_random_uuid(), now())`)
			.rejects.toMatchObject({code: '23503'});
	});

	it('does nothing more the second time', async () => {
		const again = await migrate(db.connect({max: 1}), {dir: today});
		expect(again.applied).toEqual([]);
		expect(again.reapplied).toEqual([]);
	});
});
