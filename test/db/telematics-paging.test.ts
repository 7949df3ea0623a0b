// The inspector's history pages through the console's data source with the server's microsecond cursor.
import type {Cursor} from '../../source/model/page.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createConsoleData} from '../../source/app/console-sources.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {fleet, organization, vehicle, type VehicleFixture} from './browse-fixtures.js';

let db: TestDatabase;
let v: VehicleFixture;

beforeAll(async () => {
	db = await createTestDatabase();
	const org = await organization(db.sql);
	const f = await fleet(db.sql, org.id);
	v = await vehicle(db.sql, {organizationId: org.id, fleetId: f.id});
	// Three reports, two of them in the same millisecond (microseconds apart), as a fast device sends them.
	await db.sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
		select ${v.id}::uuid, ${org.id}::uuid, at::timestamptz, soc
		from (values ('2026-11-20 14:05:00.123900+00', 60), ('2026-11-20 14:05:00.123400+00', 59), ('2026-11-20 14:04:00+00', 58)) as r(at, soc)`;
}, 60_000);

afterAll(async () => {
	await db?.close();
});

describe('telematics paging in the console', () => {
	it('pages one row at a time through two rows in the same millisecond, skipping and repeating none', async () => {
		const data = createConsoleData(db.sql).vehicle;
		const socs: Array<number | null> = [];
		let after: Cursor | undefined;
		for (let pages = 0; pages < 10; pages++) {
			const page = await data.telematics(v.id, {after, limit: 1});
			socs.push(...page.rows.map(row => row.socPct));
			if (!page.next) break;
			after = page.next;
		}
		expect(socs).toEqual([60, 59, 58]);
	});

	it('starts a jump strictly before the given time, then pages on by cursor', async () => {
		const data = createConsoleData(db.sql).vehicle;
		const first = await data.telematics(v.id, {before: new Date('2026-11-20T14:05:00.124Z'), limit: 1});
		expect(first.rows.map(row => row.socPct)).toEqual([60]);
		const second = await data.telematics(v.id, {after: first.next!, limit: 5});
		expect(second.rows.map(row => row.socPct)).toEqual([59, 58]);
		expect(second.next).toBeNull();
	});
});

describe('one gap rule for the CLI and the inspector', () => {
	it('evfleet vehicle and the inspector mark the same rows as gaps, across page boundaries', async () => {
		const {listTelematics} = await import('../../source/db/queries/telematics.js');
		const {isGap} = await import('../../source/model/telematics-gaps.js');
		const other = await vehicle(db.sql, {organizationId: v.organizationId, fleetId: v.fleetId});
		// Minutes ago: 0, 1, 2, then 20 minutes silent (a gap, on the first row of the second page), 23, 9 minutes (no gap), 32.
		await db.sql`
			insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
			select ${other.id}::uuid, ${v.organizationId}::uuid, now() - make_interval(mins => m), 50
			from unnest(array[0, 1, 2, 22, 23, 32]) as m`;
		const cli = await listTelematics(db.sql, {vehicleId: other.id, limit: 100});
		const inspector: boolean[] = [];
		let after: Cursor | undefined;
		for (let pages = 0; pages < 10; pages++) {
			const page = await createConsoleData(db.sql).vehicle.telematics(other.id, {after, limit: 3});
			inspector.push(...page.rows.map(row => isGap(row.secondsToNewer)));
			if (!page.next) break;
			after = page.next;
		}
		expect(cli.rows.map(row => row.gap)).toEqual([false, false, false, true, false, false]);
		expect(inspector).toEqual(cli.rows.map(row => row.gap));
	});
});
