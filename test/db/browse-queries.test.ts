// The browse query modules against a real database: keyset pages, search, lookups, gaps, organization scope.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {listFleets} from '../../source/db/queries/fleets.js';
import {listOrganizations} from '../../source/db/queries/organizations.js';
import type {Cursor, Page} from '../../source/model/page.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import {listUsers} from '../../source/db/queries/users.js';
import {findVehicle, findVehicles, getVehicleDetail, listVehicles, suggestVehicles, type VehicleSort} from '../../source/db/queries/vehicles.js';
import {openScoped, resolveOrganization} from '../../source/db/scope.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let sql: Sql;
let orgA: {id: string; slug: string; name: string};
let orgB: {id: string; slug: string; name: string};
let fleetA: {id: string; name: string};
let fleetB: {id: string; name: string};
let ownerA: {organizationId: string; fleetId: string};
let ownerB: {organizationId: string; fleetId: string};
let vehiclesA: fixture.VehicleFixture[];
let vehicleB: fixture.VehicleFixture;

beforeAll(async () => {
	db = await createTestDatabase();
	sql = db.sql;
	orgA = await fixture.organization(sql, {slug: 'acme-logistics', name: 'Acme Logistics'});
	orgB = await fixture.organization(sql, {slug: 'globex', name: 'Globex'});
	fleetA = await fixture.fleet(sql, orgA.id, {name: 'Berlin North'});
	fleetB = await fixture.fleet(sql, orgB.id, {name: 'Paris'});
	ownerA = {organizationId: orgA.id, fleetId: fleetA.id};
	ownerB = {organizationId: orgB.id, fleetId: fleetB.id};
	vehiclesA = [];
	for (let i = 0; i < 60; i++) vehiclesA.push(await fixture.vehicle(sql, ownerA, {vin: fixture.vin(1000 + i * 3), plate: `B-AC ${1000 + i}`}));
	vehicleB = await fixture.vehicle(sql, ownerB, {vin: fixture.vin(777_777, 'VF1RFA00X6'), plate: 'GB-123-XY'});
	// Some vehicles report (varied SoC, so the nullable sort key has values and nulls).
	for (const [i, v] of vehiclesA.slice(0, 25).entries()) await fixture.telematics(sql, v, [{at: new Date(Date.now() - i * 1000), soc: 10 + (i % 7) * 10}]);
	await fixture.telematics(sql, vehicleB, [{at: new Date(), soc: 80}]);
});

afterAll(async () => {
	await db?.close();
});

/** Reads every page of a keyset list, calling between() after each page (to write concurrently). */
async function readAll<Row extends {id: string}>(fetch: (after: Cursor | null) => Promise<Page<Row>>, between: (page: number) => Promise<void> = async () => {}): Promise<Row[]> {
	const rows: Row[] = [];
	let after: Cursor | null = null;
	for (let page = 0; page < 1000; page++) {
		const result: Page<Row> = await fetch(after);
		rows.push(...result.rows);
		if (!result.next) return rows;
		after = result.next;
		await between(page);
	}
	throw new Error('pagination did not end');
}

describe('keyset pagination', () => {
	const sorts: Array<[VehicleSort, boolean]> = [['vin', false], ['vin', true], ['soc', false], ['soc', true], ['lastSeen', true], ['plate', false], ['model', false]];
	for (const [sort, descending] of sorts) {
		it(`returns every vehicle exactly once across pages while vehicles are inserted (sort ${sort}${descending ? ' desc' : ''})`, async () => {
			const before = await readAll(after => listVehicles(sql, {organizationId: orgA.id, sort: descending ? `${sort}:desc` : sort, after, limit: 7}));
			const existing = new Set(before.map(row => row.id));
			let serial = 500_000 + Math.floor(Math.random() * 100_000) * 10;
			const seen = await readAll(
				after => listVehicles(sql, {organizationId: orgA.id, sort: descending ? `${sort}:desc` : sort, after, limit: 7}),
				async () => {
					// New rows on both sides of the cursor: before it (low VIN) and after it (high VIN), with and without state.
					const low = await fixture.vehicle(sql, ownerA, {vin: fixture.vin(serial++, 'AAAAA'), plate: null});
					await fixture.vehicle(sql, ownerA, {vin: fixture.vin(serial++, 'ZZZZZ'), plate: null});
					await fixture.telematics(sql, low, [{at: new Date(), soc: 55}]);
				},
			);
			const ids = seen.map(row => row.id);
			expect(new Set(ids).size).toBe(ids.length);
			for (const id of existing) expect(ids).toContain(id);
		});
	}

	it('orders pages by the sort key (VIN ascending, no overlap between pages)', async () => {
		const first = await listVehicles(sql, {organizationId: orgA.id, limit: 10});
		const second = await listVehicles(sql, {organizationId: orgA.id, limit: 10, after: first.next});
		const vins = [...first.rows, ...second.rows].map(row => row.vin);
		expect(vins).toEqual([...vins].sort());
		expect(second.rows[0]!.vin > first.rows.at(-1)!.vin).toBe(true);
	});

	it('says how many rows match: exact for small lists', async () => {
		const page = await listVehicles(sql, {fleetId: fleetB.id, limit: 40});
		expect(page).toMatchObject({total: 1, estimated: false, next: null});
	});

	it('pages organizations, fleets and users', async () => {
		const orgs = await readAll(after => listOrganizations(sql, {after, limit: 1}));
		expect(orgs.map(o => o.slug)).toEqual(['acme-logistics', 'globex']);
		expect(orgs[0]).toMatchObject({name: 'Acme Logistics', fleets: 1, plan: 'professional'});
		expect(orgs[0]!.vehicles).toBeGreaterThanOrEqual(60);
		expect(orgs[0]!.onlineNow).toBeGreaterThanOrEqual(25);

		const fleets = await listFleets(sql, {limit: 10});
		expect(fleets.rows.map(f => f.name)).toEqual(['Berlin North', 'Paris']);
		expect(fleets.rows[1]).toMatchObject({vehicles: 1, vehiclesByStatus: {active: 1}, avgSocPct: 80, online: 1, onlineShare: 1});

		const emails = Array.from({length: 9}, (_, i) => `person${i}@acme.example`);
		for (const [i, email] of emails.entries()) {
			await sql`insert into users (organization_id, email, full_name, last_login_at) values (${orgA.id}, ${email}, ${`Person ${i}`}, ${i % 2 ? new Date(Date.now() - i * 60_000) : null})`;
		}
		await sql`insert into user_roles (organization_id, user_id, role_id)
			select u.organization_id, u.id, r.id from users u, roles r where u.email = 'person0@acme.example' and r.name in ('OrgAdmin', 'Analyst')`;
		const users = await readAll(after => listUsers(sql, {organizationId: orgA.id, after, limit: 4}));
		expect(users.map(u => u.email)).toEqual(emails);
		expect(users[0]!.roles).toEqual(['Analyst', 'OrgAdmin']);
		const byLogin = await readAll(after => listUsers(sql, {organizationId: orgA.id, sort: 'lastLogin', after, limit: 2}));
		expect(byLogin.map(u => u.email).slice(0, 4)).toEqual(['person1@acme.example', 'person3@acme.example', 'person5@acme.example', 'person7@acme.example']);
		expect(byLogin).toHaveLength(9);
	});
});

describe('search and lookup', () => {
	it('finds a vehicle by VIN prefix, by plate prefix and by id', async () => {
		const target = vehiclesA[10]!;
		const byVin = await listVehicles(sql, {search: target.vin.slice(0, 15).toLowerCase(), limit: 40});
		expect(byVin.rows.map(r => r.id)).toContain(target.id);
		expect(byVin.rows.every(r => r.vin.startsWith(target.vin.slice(0, 15)))).toBe(true);
		const byPlate = await listVehicles(sql, {search: 'GB-123', limit: 40});
		expect(byPlate.rows.map(r => r.vin)).toEqual([vehicleB.vin]);
		const byId = await listVehicles(sql, {search: target.id, limit: 40});
		expect(byId.rows.map(r => r.id)).toEqual([target.id]);
	});

	it('searches make and model for text that is not a VIN', async () => {
		await fixture.vehicle(sql, ownerB, {make: 'Renault', model: 'Megane E-Tech', plate: 'GB-777-ZZ'});
		const page = await listVehicles(sql, {search: 'megane', limit: 40});
		expect(page.rows.map(r => r.model)).toEqual(['Megane E-Tech']);
	});

	it('filters by connectivity exactly as connectivity_status() classifies', async () => {
		const orgC = await fixture.organization(sql, {slug: 'connectivity-check'});
		const fleetC = await fixture.fleet(sql, orgC.id);
		const owner = {organizationId: orgC.id, fleetId: fleetC.id};
		for (const ageSeconds of [5, 290, 310, 3590, 3610, 86_400]) {
			const v = await fixture.vehicle(sql, owner);
			await fixture.telematics(sql, v, [{at: new Date(Date.now() - ageSeconds * 1000)}]);
		}
		await fixture.vehicle(sql, owner); // never reported
		const all = await listVehicles(sql, {organizationId: orgC.id, limit: 40});
		expect(all.rows.map(r => r.connectivity).sort()).toEqual(['offline', 'offline', 'offline', 'online', 'online', 'stale', 'stale']);
		for (const connectivity of ['online', 'stale', 'offline'] as const) {
			const filtered = await listVehicles(sql, {organizationId: orgC.id, connectivity, limit: 40});
			expect(filtered.rows.map(r => r.id).sort()).toEqual(all.rows.filter(r => r.connectivity === connectivity).map(r => r.id).sort());
		}
	});

	it('searches models only when no VIN or plate starts with the text', async () => {
		const owner = {organizationId: orgB.id, fleetId: fleetB.id};
		await fixture.vehicle(sql, owner, {make: 'Kia', model: 'EV6', plate: 'KI-1'});
		await fixture.vehicle(sql, owner, {make: 'Kia', model: 'Niro EV', plate: 'NIRO-1'});
		expect((await listVehicles(sql, {search: 'niro', limit: 40})).rows.map(r => r.plate)).toEqual(['NIRO-1']);
		expect((await listVehicles(sql, {search: 'kia', limit: 40})).rows.map(r => r.model).sort()).toEqual(['EV6', 'Niro EV']);
	});

	it('findVehicle takes a VIN in any case, a plate, or an id', async () => {
		const target = vehiclesA[3]!;
		expect((await findVehicle(sql, target.vin.toLowerCase()))?.id).toBe(target.id);
		expect((await findVehicle(sql, target.plate!))?.id).toBe(target.id);
		expect((await findVehicle(sql, target.plate!.toLowerCase()))?.id).toBe(target.id);
		expect((await findVehicle(sql, ` ${target.id} `))?.vin).toBe(target.vin);
		expect(await findVehicle(sql, 'WVWZZZ1KZAW999999')).toBeUndefined();
	});

	it('finds every vehicle that shares a plate across organizations', async () => {
		const twin = await fixture.vehicle(sql, ownerA, {plate: 'GB-123-XY'});
		const found = await findVehicles(sql, 'gb-123-xy');
		expect(found.map(v => v.id).sort()).toEqual([twin.id, vehicleB.id].sort());
	});

	it('suggests the closest VINs for a mistyped one', async () => {
		const target = vehiclesA[20]!;
		const typo = `${target.vin.slice(0, 14)}X${target.vin.slice(15)}`;
		const suggestions = await suggestVehicles(sql, typo);
		expect(suggestions[0]).toMatchObject({vin: target.vin, distance: 1});
		expect(suggestions.length).toBeLessThanOrEqual(5);
	});

	it('resolves an organization by slug or id and suggests close slugs for a wrong one', async () => {
		expect((await resolveOrganization(sql, 'globex')).id).toBe(orgB.id);
		expect((await resolveOrganization(sql, orgA.id)).slug).toBe('acme-logistics');
		await expect(resolveOrganization(sql, 'acme')).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('acme-logistics')});
	});
});

describe('vehicle detail', () => {
	it('has the latest state, distance and bearing to the depot, charging, route, battery report and nearest connectors', async () => {
		const v = await fixture.vehicle(sql, ownerA, {plate: 'B-DT 1'});
		// 0.1° east of the Berlin depot (13.405, 52.52)
		await fixture.telematics(sql, v, [{at: new Date(Date.now() - 60_000), soc: 41, longitude: 13.505, latitude: 52.52}]);
		const [station] = await sql<{id: string}[]>`
			insert into charging_stations (organization_id, name, location) values (${orgA.id}, 'Depot chargers', st_setsrid(st_makepoint(13.5, 52.52), 4326)::geography)
			returning id`;
		const [connector] = await sql<{id: string}[]>`
			insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 1, 'CCS2', 150) returning id`;
		await sql`insert into charging_connectors (station_id, connector_number, connector_type, max_power_kw) values (${station!.id}, 2, 'CCS2', 50)`;
		await sql`insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, energy_kwh, start_soc_pct)
			values (${orgA.id}, ${v.id}, ${connector!.id}, now() - interval '20 minutes', 12.5, 30)`;
		await sql`update charging_connectors set status = 'occupied' where id = ${connector!.id}`;
		const [route] = await sql<{id: string}[]>`insert into routes (organization_id, fleet_id, name, planned_distance_km) values (${orgA.id}, ${fleetA.id}, 'Morning loop', 42) returning id`;
		await sql`insert into route_assignments (organization_id, route_id, vehicle_id, planned_start_at, actual_start_at, status)
			values (${orgA.id}, ${route!.id}, ${v.id}, now() - interval '1 hour', now() - interval '50 minutes', 'in_progress')`;
		await sql`insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, cycle_count)
			values (${orgA.id}, ${v.id}, now() - interval '30 days', 97, 300), (${orgA.id}, ${v.id}, now() - interval '1 day', 96.5, 320)`;

		const detail = await getVehicleDetail(sql, v.id);
		expect(detail?.vehicle).toMatchObject({vin: v.vin, fleetName: 'Berlin North', organizationSlug: 'acme-logistics', connectorTypes: ['CCS2', 'Type2']});
		expect(detail?.state).toMatchObject({socPct: 41, connectivity: 'online'});
		expect(detail!.state!.depotDistanceM).toBeGreaterThan(6700);
		expect(detail!.state!.depotDistanceM).toBeLessThan(6850);
		expect(detail!.state!.depotBearingDeg).toBeGreaterThan(85);
		expect(detail!.state!.depotBearingDeg).toBeLessThan(95);
		expect(detail?.chargingSession).toMatchObject({status: 'active', stationName: 'Depot chargers', connectorNumber: 1, energyKwh: 12.5});
		expect(detail?.routeAssignment).toMatchObject({routeName: 'Morning loop', status: 'in_progress', plannedDistanceKm: 42});
		expect(detail?.batteryReport).toMatchObject({sohPct: 96.5, cycleCount: 320});
		// connector 1 is occupied: only connector 2 is available
		expect(detail?.nearestConnectors.map(c => [c.stationName, c.connectorNumber])).toEqual([['Depot chargers', 2]]);
		expect(detail!.nearestConnectors[0]!.distanceM).toBeLessThan(500);
	});

	it('is undefined for an unknown id', async () => {
		expect(await getVehicleDetail(sql, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
	});
});

describe('telematics history', () => {
	it('pages newest first, every row exactly once, while newer rows arrive', async () => {
		const v = await fixture.vehicle(sql, ownerA);
		const end = new Date(Date.now() - 3_600_000);
		await fixture.telematics(sql, v, fixture.series(95, end, 30));
		let arriving = end.getTime();
		const rows = await readAll(
			after => listTelematics(sql, {vehicleId: v.id, after, limit: 10}),
			async () => {
				arriving += 30_000;
				await fixture.telematics(sql, v, [{at: new Date(arriving)}]);
			},
		);
		const times = rows.map(r => r.recordedAt.getTime());
		expect(times).toHaveLength(95);
		expect(new Set(times).size).toBe(95);
		expect(times).toEqual([...times].sort((a, b) => b - a));
		expect(times[0]).toBe(end.getTime());
	});

	it('marks silences longer than the threshold, across page boundaries too', async () => {
		const v = await fixture.vehicle(sql, ownerA);
		const t0 = Date.UTC(2026, 10, 20, 14, 0, 0);
		const at = (minutes: number) => ({at: new Date(t0 + minutes * 60_000)});
		// reports each minute 0..5, silent 25 minutes, then 30..33
		await fixture.telematics(sql, v, [0, 1, 2, 3, 4, 5, 30, 31, 32, 33].map(at));
		const first = await listTelematics(sql, {vehicleId: v.id, limit: 4, gapSeconds: 600});
		expect(first.rows.map(r => r.gap)).toEqual([false, false, false, false]);
		const second = await listTelematics(sql, {vehicleId: v.id, limit: 4, after: first.next, gapSeconds: 600});
		expect(first.rows[0]!.secondsToNewer).toBeNull();
		expect(second.rows[0]).toMatchObject({recordedAt: new Date(t0 + 5 * 60_000), gap: true, secondsToNewer: 25 * 60});
		expect(second.rows.slice(1).map(r => r.gap)).toEqual([false, false, false]);
	});

	it('keeps to the since/until window and jumps with before', async () => {
		const v = await fixture.vehicle(sql, ownerA);
		const t0 = Date.UTC(2026, 10, 20, 14, 0, 0);
		await fixture.telematics(sql, v, fixture.series(60, new Date(t0), 60));
		const window = await listTelematics(sql, {vehicleId: v.id, limit: 100, since: new Date(t0 - 10 * 60_000), until: new Date(t0 - 5 * 60_000)});
		expect(window.rows.map(r => (t0 - r.recordedAt.getTime()) / 60_000)).toEqual([5, 6, 7, 8, 9, 10]);
		expect(window).toMatchObject({total: 6, estimated: false, next: null});
		const jumped = await listTelematics(sql, {vehicleId: v.id, limit: 2, before: new Date(t0 - 30 * 60_000)});
		expect(jumped.rows.map(r => (t0 - r.recordedAt.getTime()) / 60_000)).toEqual([31, 32]);
		// the first row after a jump knows its silence too (one minute to the row at the jump time)
		expect(jumped.rows[0]!.secondsToNewer).toBe(60);
	});
});

describe('organization scope', () => {
	it('a scoped connection sees only its organization, even for a superuser', async () => {
		const target = parseConnectionUrl(db.url, 'test');
		const scoped = await openScoped(target, 'acme-logistics', {readOnly: true});
		try {
			expect(scoped.organization).toMatchObject({id: orgA.id, slug: 'acme-logistics'});
			const [who] = await scoped.sql<{user: string; org: string}[]>`select current_user as user, current_setting('app.current_org_id') as org`;
			expect(who).toEqual({user: 'evfleet_reader', org: orgA.id});
			expect((await listOrganizations(scoped.sql, {limit: 10})).rows.map(o => o.slug)).toEqual(['acme-logistics']);
			expect((await listFleets(scoped.sql, {limit: 10})).rows.map(f => f.name)).toEqual(['Berlin North']);
			const vehicles = await readAll(after => listVehicles(scoped.sql, {after, limit: 50}));
			expect(vehicles.length).toBeGreaterThanOrEqual(60);
			expect(vehicles.every(v => v.organizationId === orgA.id)).toBe(true);
			expect(await findVehicle(scoped.sql, vehicleB.vin)).toBeUndefined();
			expect(await getVehicleDetail(scoped.sql, vehicleB.id)).toBeUndefined();
			expect((await listTelematics(scoped.sql, {vehicleId: vehicleB.id, limit: 10})).rows).toEqual([]);
			expect((await listVehicles(scoped.sql, {search: 'GB-123', limit: 10})).rows.every(v => v.organizationId === orgA.id)).toBe(true);
			// read-only: the scoped session cannot write
			await expect(scoped.sql`update vehicles set odometer_km = 1`).rejects.toThrow(/read-only|permission denied/);
		} finally {
			await scoped.sql.end({timeout: 5});
		}
	});

	it('an evfleet_admin login is scoped by the organization alone (no role switch: Citus could not follow one); a superuser drops to evfleet_reader; a reader login sees nothing until scoped, and is scoped by id', async () => {
		const suffix = Math.random().toString(36).slice(2, 8);
		const admin = `browse_admin_${suffix}`;
		const reader = `browse_reader_${suffix}`;
		await sql.unsafe(`create role ${admin} login; grant evfleet_admin to ${admin}; create role ${reader} login; grant evfleet_reader to ${reader}`);
		// the reader login may see both organizations: it sees neither until it chooses one
		await sql`insert into organization_logins (role_name, organization_id) values (${reader}, ${orgA.id}), (${reader}, ${orgB.id})`;
		const url = (user: string) => {
			const parsed = new URL(db.url);
			parsed.username = user;
			return parseConnectionUrl(parsed.toString(), 'test');
		};
		try {
			const asAdmin = await openScoped(url(admin), 'globex');
			const [adminSession] = await asAdmin.sql<{user: string}[]>`select current_user as user`;
			expect(adminSession?.user).toBe(admin);
			const adminRows = (await listVehicles(asAdmin.sql, {limit: 100})).rows;
			expect(adminRows.length).toBeGreaterThan(0);
			expect(adminRows.every(v => v.organizationId === orgB.id)).toBe(true);
			await asAdmin.sql.end({timeout: 5});
			const asSuperuser = await openScoped(parseConnectionUrl(db.url, 'test'), 'globex');
			const [superSession] = await asSuperuser.sql<{user: string}[]>`select current_user as user`;
			expect(superSession?.user).toBe('evfleet_reader');
			expect((await listVehicles(asSuperuser.sql, {limit: 100})).rows.every(v => v.organizationId === orgB.id)).toBe(true);
			await asSuperuser.sql.end({timeout: 5});

			const unscoped = db.connect({user: reader});
			expect((await listVehicles(unscoped, {limit: 10})).rows).toEqual([]);
			expect((await listOrganizations(unscoped, {limit: 10})).rows).toEqual([]);
			await expect(openScoped(url(reader), 'globex')).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('organization id')});
			const asReader = await openScoped(url(reader), orgB.id);
			expect(asReader.organization).toMatchObject({id: orgB.id, slug: 'globex', name: 'Globex'});
			const [readerSession] = await asReader.sql<{user: string}[]>`select current_user as user`;
			expect(readerSession?.user).toBe(reader);
			expect((await listVehicles(asReader.sql, {limit: 100})).rows.map(v => v.organizationId)).toContain(orgB.id);
			expect((await listVehicles(asReader.sql, {limit: 100})).rows.every(v => v.organizationId === orgB.id)).toBe(true);
			await asReader.sql.end({timeout: 5});
			await unscoped.end({timeout: 5});
		} finally {
			await sql.unsafe(`drop role if exists ${admin}; drop role if exists ${reader}`);
		}
	});

	it('refuses an unknown organization with close matches (exit 2)', async () => {
		const target = parseConnectionUrl(db.url, 'test');
		await expect(openScoped(target, 'globx')).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('globx'), hint: expect.stringContaining('globex')});
	});
});
