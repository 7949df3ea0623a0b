// Whole-list movement against a real database: the last page read backwards (`G`), then paging back up with each
// page's `previous` (k / PgUp at the top of a page), meets every row once, in the list's order, ties included:
// vehicles last seen at the same microsecond, and vehicles never seen (a null key).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {listVehicles, type VehicleSort} from '../../source/db/queries/vehicles.js';
import {listUsers} from '../../source/db/queries/users.js';
import type {Cursor, Page} from '../../source/model/page.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let sql: Sql;
let owner: {organizationId: string; fleetId: string};

/** A telematics row at an exact server time (microseconds), so that several vehicles share one. */
async function seenAt(v: fixture.VehicleFixture, time: string, soc: number): Promise<void> {
	await sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, location)
		values (${v.id}::uuid, ${v.organizationId}::uuid, ${time}::text::timestamptz, ${soc}, 30, st_setsrid(st_makepoint(13.45, 52.53), 4326)::geography)`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	sql = db.sql;
	const org = await fixture.organization(sql, {slug: 'tied-times', name: 'Tied Times'});
	const fleet = await fixture.fleet(sql, org.id, {name: 'Ties'});
	owner = {organizationId: org.id, fleetId: fleet.id};
	const [{base}] = await sql<[{base: string}]>`select to_char(date_trunc('second', now() - interval '1 hour') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as base`;
	// 10 vehicles at one microsecond, 3 one microsecond later, 3 one earlier, 7 never seen: 23 rows, pages of 4.
	const times = [...Array(10).fill('.123456'), ...Array(3).fill('.123457'), ...Array(3).fill('.123455')];
	for (let i = 0; i < 23; i++) {
		const v = await fixture.vehicle(sql, owner, {vin: fixture.vin(5000 + i * 7), plate: `T ${i}`});
		if (i < times.length) await seenAt(v, `${base}${times[i]}Z`, 40 + (i % 3) * 10);
	}
});

afterAll(async () => {
	await db?.close();
});

type Row = {id: string};
type Fetch = (request: {after?: Cursor | null; before?: Cursor | null; last?: boolean}) => Promise<Page<Row>>;

async function readForward(fetch: Fetch): Promise<Row[]> {
	const rows: Row[] = [];
	let page = await fetch({});
	rows.push(...page.rows);
	while (page.next) {
		page = await fetch({after: page.next});
		rows.push(...page.rows);
	}
	return rows;
}

/** G, then up a page at a time to the top: the rows in list order, and how many pages it took. */
async function readBackward(fetch: Fetch): Promise<{rows: Row[]; pages: number; last: Page<Row>}> {
	const last = await fetch({last: true});
	const rows = [...last.rows];
	let page = last;
	let pages = 1;
	while (page.previous) {
		page = await fetch({before: page.previous});
		rows.unshift(...page.rows);
		pages++;
		if (pages > 100) throw new Error('paging back did not end');
	}
	return {rows, pages, last};
}

describe('backward keyset pages', () => {
	const sorts: Array<[VehicleSort, boolean]> = [['lastSeen', false], ['lastSeen', true], ['soc', false], ['soc', true], ['vin', false], ['vin', true]];
	for (const [sort, descending] of sorts) {
		const label = `${sort}${descending ? ' desc' : ''}`;
		it(`the last page holds the true last rows, and paging back up meets every row once, in order (${label})`, async () => {
			const fetch: Fetch = request => listVehicles(sql, {organizationId: owner.organizationId, sort: descending ? `${sort}:desc` : sort, limit: 4, ...request});
			const forward = await readForward(fetch);
			expect(forward).toHaveLength(23);
			const {rows, pages, last} = await readBackward(fetch);
			expect(last.rows.map(r => r.id)).toEqual(forward.slice(-4).map(r => r.id));
			expect(last.next).toBeNull();
			expect(rows.map(r => r.id)).toEqual(forward.map(r => r.id));
			expect(pages).toBe(6);
			// g: the first page again, with nothing above it.
			const first = await fetch({});
			expect(first.rows.map(r => r.id)).toEqual(forward.slice(0, 4).map(r => r.id));
			expect(first.previous ?? null).toBeNull();
		});
	}

	it('pages forward again from a page read backwards, without repeating its last row', async () => {
		const fetch: Fetch = request => listVehicles(sql, {organizationId: owner.organizationId, sort: 'lastSeen', limit: 4, ...request});
		const forward = await readForward(fetch);
		const last = await fetch({last: true});
		const above = await fetch({before: last.previous});
		const again = await fetch({after: above.next});
		expect(again.rows.map(r => r.id)).toEqual(last.rows.map(r => r.id));
		expect([...above.rows, ...again.rows].map(r => r.id)).toEqual(forward.slice(-8).map(r => r.id));
	});

	it('a cursor of another sort starts from the top, as a forward one does', async () => {
		const bySoc = await listVehicles(sql, {organizationId: owner.organizationId, sort: 'soc', limit: 4, last: true});
		const byVin = await listVehicles(sql, {organizationId: owner.organizationId, sort: 'vin', limit: 4, before: bySoc.previous});
		const first = await listVehicles(sql, {organizationId: owner.organizationId, sort: 'vin', limit: 4});
		expect(byVin.rows.map(r => r.id)).toEqual(first.rows.map(r => r.id));
		expect(byVin.previous ?? null).toBeNull();
	});

	it('pages users backwards by last login, nulls included', async () => {
		for (let i = 0; i < 11; i++) {
			await sql`insert into users (organization_id, email, full_name, last_login_at) values (${owner.organizationId}, ${`tie${i}@ties.example`}, ${`Tie ${i}`}, ${i % 3 === 0 ? null : sql`date_trunc('second', now()) + interval '0.000001 s' * ${i % 2}`})`;
		}
		const fetch: Fetch = request => listUsers(sql, {organizationId: owner.organizationId, sort: 'lastLogin', limit: 3, ...request});
		const forward = await readForward(fetch);
		const {rows} = await readBackward(fetch);
		expect(forward).toHaveLength(11);
		expect(rows.map(r => r.id)).toEqual(forward.map(r => r.id));
	});
});
