// The console's main screens on Citus: the same rows as on one server, tenants isolated by row-level security on
// the workers (the console's SET LOCALs in each transaction, db/scope.ts), and a tenant's live page routed to the one
// shard that holds it.
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {nearestAvailableConnectors} from '../../source/db/queries/charging.js';
import {listFleets} from '../../source/db/queries/fleets.js';
import {liveCharging} from '../../source/db/queries/live-charging.js';
import {liveVehicles} from '../../source/db/queries/live.js';
import {listOrganizations} from '../../source/db/queries/organizations.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import type {Page} from '../../source/model/page.js';
import {getVehicleDetail, listVehicles} from '../../source/db/queries/vehicles.js';
import type {VehicleRow} from '../../source/model/data-sources.js';
import {listUsers} from '../../source/db/queries/users.js';
import {fadeRanking} from '../../source/db/queries/battery.js';
import {liveRoutes} from '../../source/db/queries/routes.js';
import {UnsupportedOnCitusError} from '../../source/db/citus.js';
import {createConsoleData} from '../../source/app/console-sources.js';
import {asTenant, connectTo, consoleHandle, recordingTransactions, type SentStatement, type Server} from './helpers.js';

// A console login that row-level security restricts (not a superuser, not evfleet_admin).
const tenantLogin = 'evfleet_citus_tenant';
// A DBA's login: a member of evfleet_admin, not a superuser.
const dbaLogin = 'evfleet_citus_dba';

const admin: Partial<Record<Server, Sql>> = {};
const tenant: Partial<Record<Server, Sql>> = {};
let organizations: Array<{id: string; slug: string}>;
let vehicle: {id: string; organizationId: string};

beforeAll(async () => {
	for (const server of ['citus', 'single'] as const) {
		const sql = (admin[server] = connectTo(server));
		await sql.unsafe(`do $$ begin
			if not exists (select 1 from pg_roles where rolname = '${tenantLogin}') then create role ${tenantLogin} login; end if;
		end $$`);
		await sql.unsafe(`grant evfleet_reader to ${tenantLogin}`);
		tenant[server] = connectTo(server, {user: tenantLogin});
	}
	organizations = await admin.single!<Array<{id: string; slug: string}>>`select id, slug from organizations order by slug`;
	// Bound to every organization (organization_logins, where the schema has it): it chooses one with SET LOCAL.
	for (const server of ['citus', 'single'] as const) {
		const sql = admin[server]!;
		const [{bindings}] = await sql<[{bindings: boolean}]>`select to_regclass('organization_logins') is not null as bindings`;
		if (bindings) await sql.unsafe(`insert into organization_logins (role_name, organization_id) select '${tenantLogin}', id from organizations on conflict do nothing`);
	}
	const [first] = await admin.single!<Array<{id: string; organizationId: string}>>`
		select v.id, v.organization_id from vehicles v
		where exists (select 1 from vehicle_telematics t where t.vehicle_id = v.id)
		order by v.vin limit 1`;
	vehicle = first!;
});

afterAll(async () => {
	await Promise.all([...Object.values(tenant), ...Object.values(admin)].map(sql => sql.end({timeout: 5})));
});

/** The same work on both servers, for comparing their answers. */
async function onBoth<T>(work: (sql: Sql, server: Server) => Promise<T>, as: 'admin' | 'tenant' = 'admin'): Promise<{citus: T; single: T}> {
	const pool = as === 'admin' ? admin : tenant;
	const [citus, single] = await Promise.all([work(pool.citus!, 'citus'), work(pool.single!, 'single')]);
	return {citus, single};
}

const withoutTime = <T extends {at: Date}>({at: _at, ...rest}: T) => rest;

async function timed<T>(work: () => Promise<T>): Promise<{result: T; seconds: number}> {
	const started = performance.now();
	const result = await work();
	return {result, seconds: (performance.now() - started) / 1000};
}

/**
 * The same vehicle pages, except for secondsSinceReport (now() - last report): each server computes it at its own
 * now() (on Citus each worker at its own), so the two may differ by the time between the queries, never by more.
 */
function expectSameVehicles(pages: {citus: Page<VehicleRow>; single: Page<VehicleRow>}, withinSeconds: number) {
	const withoutAge = (page: Page<VehicleRow>) => ({...page, rows: page.rows.map(({secondsSinceReport: _age, ...row}) => row)});
	expect(withoutAge(pages.citus)).toEqual(withoutAge(pages.single));
	pages.single.rows.forEach((row, i) => {
		const other = pages.citus.rows[i]!.secondsSinceReport;
		if (row.secondsSinceReport === null) expect(other).toBeNull();
		else expect(Math.abs(other! - row.secondsSinceReport)).toBeLessThanOrEqual(withinSeconds);
	});
}

describe('the console on Citus returns what one server returns', () => {
	it('has a seeded data set with more than one organization to compare', () => {
		expect(organizations.length).toBeGreaterThan(1);
	});

	it('lists organizations with their counts', async () => {
		const {citus, single} = await onBoth(sql => listOrganizations(sql, {limit: 50}));
		expect(single.rows.length).toBe(organizations.length);
		expect(citus).toEqual(single);
	});

	it('lists fleets, of all organizations and of one', async () => {
		const all = await onBoth(sql => listFleets(sql, {limit: 50}));
		expect(all.single.rows.length).toBeGreaterThan(0);
		expect(all.citus).toEqual(all.single);
		const one = await onBoth(sql => listFleets(sql, {limit: 50, organizationId: organizations[0]!.id}));
		expect(one.citus).toEqual(one.single);
	});

	it('lists vehicles, sorted by state of charge and by last report, page after page', async () => {
		for (const sort of ['vin', 'soc', 'lastSeen'] as const) {
			const first = await timed(() => onBoth(sql => listVehicles(sql, {limit: 7, sort})));
			expect(first.result.single.next).not.toBeNull();
			expectSameVehicles(first.result, first.seconds);
			const second = await timed(() => onBoth(sql => listVehicles(sql, {limit: 7, sort, after: first.result.single.next})));
			expectSameVehicles(second.result, second.seconds);
		}
	});

	it('lists a tenant\'s vehicles and fleets by row-level security alone (no organization in the query: every shard)', async () => {
		// The lists' left joins on organization_id under the tenant policies: refused by Citus on PostgreSQL 15 with
		// policies written "organization_id = evfleet_current_org()" (a pseudo-constant join clause); citus.sql's
		// "= any (array[...])" form passes.
		const org = organizations[0]!.id;
		const vehicles = await timed(() => onBoth(async sql => listVehicles(await consoleHandle(sql, org), {limit: 7, sort: 'soc'}), 'tenant'));
		expect(vehicles.result.single.rows.length).toBeGreaterThan(0);
		expect(vehicles.result.single.rows.every(row => row.organizationId === org)).toBe(true);
		expectSameVehicles(vehicles.result, vehicles.seconds);
		const fleets = await onBoth(async sql => listFleets(await consoleHandle(sql, org), {limit: 50}), 'tenant');
		expect(fleets.single.rows.length).toBeGreaterThan(0);
		expect(fleets.citus).toEqual(fleets.single);
	});

	it('shows one vehicle\'s latest telematics rows', async () => {
		const {citus, single} = await onBoth(sql => sql.begin(tx => listTelematics(tx as unknown as Sql, {vehicleId: vehicle.id, limit: 100})));
		expect(single.rows.length).toBeGreaterThan(10);
		expect(citus).toEqual(single);
	});

	it('shows the live vehicles page of every organization and of each one scoped by row-level security', async () => {
		const all = await onBoth(sql => liveVehicles(sql, {}));
		expect(all.single.rows.length).toBeGreaterThan(0);
		expect(withoutTime(all.citus)).toEqual(withoutTime(all.single));
		for (const org of organizations) {
			const scoped = await onBoth(sql => asTenant(sql, org.id, tx => liveVehicles(tx, {organizationId: org.id})), 'tenant');
			expect(scoped.single.rows.length).toBeGreaterThan(0);
			expect(scoped.single.rows.every(row => row.organizationId === org.id)).toBe(true);
			expect(withoutTime(scoped.citus)).toEqual(withoutTime(scoped.single));
		}
	});

	it('shows the live charging board and the nearest available connectors of a tenant (public stations included)', async () => {
		const org = organizations[0]!.id;
		const charging = await onBoth(sql => asTenant(sql, org, tx => liveCharging(tx, {})), 'tenant');
		expect(charging.single.stations.length).toBeGreaterThan(0);
		expect(withoutTime(charging.citus)).toEqual(withoutTime(charging.single));
		const [point] = await admin.single!<Array<{latitude: number; longitude: number}>>`
			select st_y(location::geometry) + 0.001 as latitude, st_x(location::geometry) as longitude
			from charging_stations where organization_id is null order by id limit 1`;
		const nearest = await onBoth(sql => asTenant(sql, org, tx => nearestAvailableConnectors(tx, {...point!, limit: 5})), 'tenant');
		expect(nearest.single.length).toBeGreaterThan(0);
		expect(nearest.citus).toEqual(nearest.single);
	});
});

describe('a DBA scoped to one organization (evfleet console --org)', () => {
	it('as an evfleet_admin login: every organization unscoped, one with --org, on Citus as on one server', async () => {
		const dba: Partial<Record<Server, Sql>> = {};
		try {
			for (const server of ['citus', 'single'] as const) {
				await admin[server]!.unsafe(`do $$ begin
					if not exists (select 1 from pg_roles where rolname = '${dbaLogin}') then create role ${dbaLogin} login; end if;
				end $$`);
				await admin[server]!.unsafe(`grant evfleet_admin to ${dbaLogin}`);
				dba[server] = connectTo(server, {user: dbaLogin});
			}
			const on = <T>(work: (sql: Sql) => Promise<T>) => Promise.all([work(dba.citus!), work(dba.single!)]).then(([citus, single]) => ({citus, single}));
			const everything = await on(sql => listFleets(sql, {limit: 50}));
			expect(new Set(everything.single.rows.map(row => row.organizationId)).size).toBe(organizations.length);
			expect(everything.citus).toEqual(everything.single);
			const org = organizations[1]!.id;
			const live = await on(async sql => liveVehicles(await consoleHandle(sql, org), {}));
			expect(live.single.rows.length).toBeGreaterThan(0);
			expect(live.single.rows.every(row => row.organizationId === org)).toBe(true);
			expect(withoutTime(live.citus)).toEqual(withoutTime(live.single));
			const fleets = await on(async sql => listFleets(await consoleHandle(sql, org), {limit: 50}));
			expect(fleets.single.rows.length).toBeGreaterThan(0);
			expect(fleets.single.rows.every(row => row.organizationId === org)).toBe(true);
			expect(fleets.citus).toEqual(fleets.single);
			// the login's own SQL, organization set as the console sets it: that organization's rows on every worker
			const counts = await on(sql => asTenant(sql, org, tx => tx<Array<{orgs: number}>>`select count(distinct organization_id)::int as orgs from vehicle_telematics`));
			expect(counts.citus).toEqual([{orgs: 1}]);
			expect(counts.single).toEqual([{orgs: 1}]);
		} finally {
			await Promise.all(Object.values(dba).map(sql => sql.end({timeout: 5})));
		}
	});

	it('as a superuser: scoped on one server by dropping to evfleet_reader; on Citus refused in one sentence', async () => {
		const org = organizations[1]!.id;
		const single = await liveVehicles(await consoleHandle(admin.single!, org), {});
		expect(single.rows.length).toBeGreaterThan(0);
		expect(single.rows.every(row => row.organizationId === org)).toBe(true);
		const refused = await consoleHandle(admin.citus!, org).then(() => undefined, (error: unknown) => error);
		expect(refused).toBeInstanceOf(UnsupportedOnCitusError);
		expect((refused as Error).message).toMatch(/passes every row-level security policy, and on Citus it cannot drop to evfleet_reader/);
	});
});

describe('the console\'s other screens on Citus', () => {
	it('shows one vehicle in the inspector, the users list and the battery fade ranking as one server does', async () => {
		const detail = await timed(() => onBoth(sql => getVehicleDetail(sql, vehicle.id)));
		const {citus, single} = detail.result;
		expect(single?.state).toBeTruthy();
		const withoutAge = (d: typeof single) => ({...d, state: d?.state ? {...d.state, secondsSinceReport: 0} : null});
		expect(withoutAge(citus)).toEqual(withoutAge(single));
		expect(Math.abs(citus!.state!.secondsSinceReport - single!.state!.secondsSinceReport)).toBeLessThanOrEqual(detail.seconds);
		const users = await onBoth(sql => listUsers(sql, {limit: 20}));
		expect(users.single.rows.length).toBeGreaterThan(0);
		expect(users.citus).toEqual(users.single);
		const now = new Date(inject('seedAnchor'));
		const fade = await onBoth(sql => fadeRanking(sql, {kind: 'all', label: 'all'}, {months: 12, now}));
		expect(fade.single.length).toBeGreaterThan(0);
		// Fitted slopes are sums of floating-point terms, added in another order on the workers.
		expect(roundFloats(fade.citus)).toEqual(roundFloats(fade.single));
	});

	it('says in one sentence that the live routes view does not run there, instead of the planner\'s words', async () => {
		await expect(liveRoutes(admin.single!, {})).resolves.toBeTruthy();
		const refused = await liveRoutes(admin.citus!, {}).then(() => undefined, (error: unknown) => error);
		expect(refused).toBeInstanceOf(UnsupportedOnCitusError);
		expect((refused as Error).message).toMatch(/^The live routes view does not run on a Citus cluster: Citus cannot distribute its query \(/);
	});
});

/** Numbers rounded to 9 significant digits, everything else as it is. */
function roundFloats<T>(value: T): T {
	return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)) as T;
}

describe('row-level security on Citus', () => {
	it('shows a tenant only its own rows of every table, on every worker, with SET LOCAL in a transaction', async () => {
		const [mine, other] = [organizations[0]!, organizations[1]!];
		const counts = (sql: Sql) => sql<Array<{table: string; own: number; foreign: number}>>`
			select t.table, t.own, t.foreign from (values
				('vehicles', (select count(*) filter (where organization_id = ${mine.id}::uuid) from vehicles), (select count(*) filter (where organization_id <> ${mine.id}::uuid) from vehicles)),
				('vehicle_telematics', (select count(*) filter (where organization_id = ${mine.id}::uuid) from vehicle_telematics), (select count(*) filter (where organization_id <> ${mine.id}::uuid) from vehicle_telematics)),
				('vehicle_live_state', (select count(*) filter (where organization_id = ${mine.id}::uuid) from vehicle_live_state), (select count(*) filter (where organization_id <> ${mine.id}::uuid) from vehicle_live_state)),
				('charging_sessions', (select count(*) filter (where organization_id = ${mine.id}::uuid) from charging_sessions), (select count(*) filter (where organization_id <> ${mine.id}::uuid) from charging_sessions)),
				('organizations', (select count(*) filter (where id = ${mine.id}::uuid) from organizations), (select count(*) filter (where id <> ${mine.id}::uuid) from organizations))
			) as t("table", own, "foreign")`;
		const scoped = await asTenant(tenant.citus!, mine.id, counts);
		const truth = await counts(admin.citus!);
		for (const row of scoped) {
			expect(row.foreign, row.table).toBe(0);
			expect(row.own, row.table).toBe(truth.find(t => t.table === row.table)!.own);
			expect(row.own, row.table).toBeGreaterThan(0);
		}
		// Naming the other organization does not help.
		const [{n}] = await asTenant(tenant.citus!, mine.id, sql => sql<[{n: number}]>`select count(*)::int as n from vehicle_telematics where organization_id = ${other.id}::uuid`);
		expect(n).toBe(0);
	});

	it('fails closed: without the organization set, a tenant login sees no tenant rows on the workers', async () => {
		const [{vehicles, telematics}] = await tenant.citus!<[{vehicles: number; telematics: number}]>`
			select (select count(*)::int from vehicles) as vehicles, (select count(*)::int from vehicle_telematics) as telematics`;
		expect({vehicles, telematics}).toEqual({vehicles: 0, telematics: 0});
	});

	it('carries the console\'s organization to the workers by its own SET LOCAL, whatever the session\'s propagate setting', async () => {
		const org = organizations[0]!.id;
		const pool = connectTo('citus', {user: tenantLogin});
		try {
			// citus.sql sets 'local' for the database; a session (or a pooler's server connection) may say otherwise.
			await pool.unsafe(`set citus.propagate_set_commands = 'none'`);
			const [{unscoped}] = await pool.begin(async tx => {
				await tx.unsafe(`set local app.current_org_id = '${org}'`);
				return tx<[{unscoped: number}]>`select count(*)::int as unscoped from vehicles`;
			});
			expect(unscoped).toBe(0);
			const [{n}] = await asTenant(pool, org, sql => sql<[{n: number}]>`select count(*)::int as n from vehicles`);
			const [{truth}] = await admin.citus!<[{truth: number}]>`select count(*)::int as truth from vehicles where organization_id = ${org}::uuid`;
			expect(n).toBe(truth);
			expect(n).toBeGreaterThan(0);
		} finally {
			await pool.end({timeout: 5});
		}
	});

	it('does not carry a session-level set_config to the workers (only SET LOCAL reaches them)', async () => {
		const org = organizations[0]!.id;
		const [{n}] = await tenant.citus!.begin(async tx => {
			await tx`select set_config('app.current_org_id', ${org}, true)`;
			return tx<[{n: number}]>`select count(*)::int as n from vehicles`;
		});
		// What the workers see decides: set_config is not propagated, so the policy there sees no organization.
		expect(n).toBe(0);
	});

	it('refuses a tenant\'s write into another organization on the worker that holds it', async () => {
		const [mine, other] = [organizations[0]!, organizations[1]!];
		await admin.citus!.unsafe(`grant insert on vehicle_telematics to ${tenantLogin}`);
		const [otherVehicle] = await admin.citus!<Array<{id: string}>>`select id from vehicles where organization_id = ${other.id}::uuid limit 1`;
		await expect(asTenant(tenant.citus!, mine.id, sql => sql`
			insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
			values (${otherVehicle!.id}::uuid, ${other.id}::uuid, now(), 50)`, {})).rejects.toThrow(/row-level security/);
	});
});

describe('routing on Citus', () => {
	/** The statements the console's live vehicles page sent, through its own handle on org (one per snapshot). */
	async function consoleLivePage(org: string): Promise<{handle: Sql; page: SentStatement[]}> {
		const recorder = recordingTransactions(tenant.citus!);
		const handle = await consoleHandle(recorder.sql, org);
		const snapshot = await createConsoleData(handle, undefined, {organizationId: org}).live!.snapshot({limit: 50});
		expect(snapshot.rows.length).toBeGreaterThan(0);
		return {handle, page: recorder.sent().filter(statement => /^\s*with since/i.test(statement.text))};
	}

	const taskCounts = (plans: unknown) => [...JSON.stringify(plans).matchAll(/"Task Count":\s*(\d+)/g)].map(m => Number(m[1]));

	it('sends the console\'s live vehicles page of a tenant to one shard (EXPLAIN: one task)', async () => {
		const org = organizations[0]!.id;
		const {handle, page} = await consoleLivePage(org);
		expect(page).toHaveLength(1);
		const counts = taskCounts(await handle.unsafe(`explain (format json) ${page[0]!.text}`, page[0]!.parameters as never[]));
		expect(counts.length).toBeGreaterThan(0);
		expect(counts).toEqual(counts.map(() => 1));
	});

	it('asks every shard for a live page without the organization in its filters (what routing saves)', async () => {
		const org = organizations[0]!.id;
		const recorder = recordingTransactions(tenant.citus!);
		const handle = await consoleHandle(recorder.sql, org);
		const snapshot = await liveVehicles(handle, {});
		expect(snapshot.rows.length).toBeGreaterThan(0);
		expect(snapshot.rows.every(row => row.organizationId === org)).toBe(true);
		const [page] = recorder.sent().filter(statement => /^\s*with since/i.test(statement.text));
		// EXPLAINed by the cluster's superuser: the shards a statement goes to do not depend on who sends it (the
		// policies apply on the workers). As the tenant, EXPLAIN of a statement on every shard fails on the workers:
		// their planner evaluates the policy's evfleet_current_org() for its estimates, a read of the reference table
		// organization_logins that Citus then sends over a second connection to the same node, which cannot join the
		// distributed transaction ("the backend has already been assigned a transaction id"). Running it works.
		const counts = taskCounts(await admin.citus!.unsafe(`explain (format json) ${page!.text}`, page!.parameters as never[]));
		expect(Math.max(...counts)).toBeGreaterThan(1);
	});
});
