// G in the inspector's history: the last page holds the vehicle's true oldest rows (read oldest first and turned
// round), and paging back up by `previous` meets every row once, in order, with the gap rule's seconds intact,
// through rows that share a millisecond.
import type {Cursor, Page} from '../../source/model/page.js';
import type {TelematicsRow} from '../../source/model/data-sources.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createConsoleData} from '../../source/app/console-sources.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {fleet, organization, vehicle, type VehicleFixture} from './browse-fixtures.js';

let db: TestDatabase;
let v: VehicleFixture;
/** The whole history as the server orders it, newest first: soc (each row's own number) and seconds to the newer row. */
let whole: Array<{soc: number; secondsToNewer: number | null; at: string}>;

/**
 * Twelve rows in pairs sharing a millisecond (400 µs apart), a minute between pairs, and a 30-minute silence
 * before the four newest; soc numbers them from the oldest (0) up.
 */
async function history(vehicleId: string, organizationId: string, base: string, socOffset = 0) {
	await db.sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
		select ${vehicleId}::uuid, ${organizationId}::uuid,
		       ${base}::timestamptz + make_interval(mins => i / 2 + case when i >= 8 then 30 else 0 end) + (i % 2) * interval '400 microseconds',
		       i + ${socOffset}
		from generate_series(0, 11) as i`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	const org = await organization(db.sql);
	const f = await fleet(db.sql, org.id);
	v = await vehicle(db.sql, {organizationId: org.id, fleetId: f.id});
	await history(v.id, org.id, '2026-11-20 14:00:00.123100+00');
	// Another vehicle reporting at the same times must never show up.
	const other = await vehicle(db.sql, {organizationId: org.id, fleetId: f.id});
	await history(other.id, org.id, '2026-11-20 14:00:00.123100+00', 50);
	whole = await db.sql<Array<{soc: number; secondsToNewer: number | null; at: string}>>`
		select soc_pct::int as soc, recorded_at::text as at,
		       extract(epoch from lag(recorded_at) over (order by recorded_at desc) - recorded_at)::double precision as seconds_to_newer
		from vehicle_telematics where vehicle_id = ${v.id}::uuid
		order by recorded_at desc`;
}, 60_000);

afterAll(async () => {
	await db?.close();
});

/** G, then k/PgUp: the last page, then each page above it by its `previous`, stacked back into newest-first order. */
async function walkUp(limit: number, before?: Date): Promise<{rows: TelematicsRow[]; pages: Array<Page<TelematicsRow>>}> {
	const data = createConsoleData(db.sql).vehicle;
	const pages: Array<Page<TelematicsRow>> = [];
	let previous: Cursor | null | undefined;
	let page = await data.telematics(v.id, {last: true, before, limit});
	for (let reads = 0; reads < 50; reads++) {
		pages.unshift(page);
		previous = page.previous;
		if (!previous) break;
		page = await data.telematics(v.id, {previous, before, limit});
	}
	return {rows: pages.flatMap(p => p.rows), pages};
}

describe('the inspector history from its oldest row (G) upwards', () => {
	it('reads the true oldest rows as the last page, newest first, with nothing older beyond it', async () => {
		const data = createConsoleData(db.sql).vehicle;
		const last = await data.telematics(v.id, {last: true, limit: 5});
		expect(last.rows.map(row => row.socPct)).toEqual(whole.slice(-5).map(row => row.soc));
		expect(last.next).toBeNull();
		expect(last.previous).not.toBeNull();
		expect(last.total).toBe(whole.length);
	});

	it.each([1, 3, 5, 12, 40])('meets every row once and in order walking back up %i rows at a time, across shared milliseconds', async limit => {
		const {rows, pages} = await walkUp(limit);
		expect(rows.map(row => row.socPct)).toEqual(whole.map(row => row.soc));
		// The top page is the list's first page: nothing above it.
		expect(pages[0]!.previous).toBeNull();
	});

	it('keeps each row\'s seconds to its newer row (and so its gap mark) on pages read backwards', async () => {
		for (const limit of [1, 3, 5]) {
			const {rows} = await walkUp(limit);
			expect(rows.map(row => row.secondsToNewer)).toEqual(whole.map(row => row.secondsToNewer));
			expect(rows.map(row => row.gap)).toEqual(whole.map(row => row.secondsToNewer !== null && row.secondsToNewer > 600));
		}
		// The fixture has one 30-minute silence: the rule has something to mark.
		expect(whole.filter(row => (row.secondsToNewer ?? 0) > 600)).toHaveLength(1);
	});

	it('pages down again from a page reached going up, by its `next`', async () => {
		const data = createConsoleData(db.sql).vehicle;
		const last = await data.telematics(v.id, {last: true, limit: 4});
		const above = await data.telematics(v.id, {previous: last.previous, limit: 4});
		const down = await data.telematics(v.id, {after: above.next, limit: 4});
		expect(down.rows.map(row => row.socPct)).toEqual(last.rows.map(row => row.socPct));
	});

	it('after a t jump, walks up from the oldest row to the jump and no further', async () => {
		// A jump is a Date (milliseconds): the millisecond of the fourth pair's older row (soc 6, at .123100) keeps soc 5 and below.
		const jump = new Date(whole.find(row => row.soc === 6)!.at.replace(' ', 'T').replace(/\+00$/, 'Z'));
		const {rows, pages} = await walkUp(2, jump);
		const older = whole.filter(row => row.soc <= 5);
		expect(pages[0]!.previous).toBeNull();
		expect(rows.map(row => row.socPct)).toEqual(older.map(row => row.soc));
		expect(rows.map(row => row.secondsToNewer)).toEqual(older.map(row => row.secondsToNewer));
		expect(pages.at(-1)!.total).toBe(older.length);
	});
});
