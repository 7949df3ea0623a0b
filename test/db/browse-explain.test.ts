// Browse queries use indexes: the plans the server actually ran (auto_explain, sent back as notices) for a few
// thousand vehicles and over a hundred thousand telematics rows in several monthly partitions, enable_seqscan off.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {listFleets} from '../../source/db/queries/fleets.js';
import {listOrganizations} from '../../source/db/queries/organizations.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import {findVehicles, getVehicleDetail, listVehicles, suggestVehicles} from '../../source/db/queries/vehicles.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let sql: Sql;
let plans: string[] = [];
let sample: {id: string; vin: string; plate: string; organizationId: string; fleetId: string};

beforeAll(async () => {
	db = await createTestDatabase();
	await db.sql`select create_monthly_partitions('vehicle_telematics', (date_trunc('month', now()) - interval '2 months')::date, 3)`;
	await db.sql`insert into organizations (name, slug) select 'Org ' || i, 'org-' || i from generate_series(1, 3) i`;
	await db.sql`
		insert into fleets (organization_id, name, depot_location)
		select o.id, o.slug || ' fleet ' || i, st_setsrid(st_makepoint(13 + i * 0.1, 52.5), 4326)::geography
		from organizations o, generate_series(1, 10) i`;
	// 3000 vehicles, 100 per fleet; VINs in the VIN alphabet (digits only after the fixed part)
	await db.sql`
		insert into vehicles (organization_id, fleet_id, vin, plate, make, model, battery_capacity_kwh, status)
		select f.organization_id, f.id, 'WVWZZZ1KZAW' || lpad((row_number() over (order by f.id, i))::text, 6, '0'),
		       'B-' || (row_number() over (order by f.id, i)), 'Volkswagen', 'ID.4', 77,
		       (array['active', 'charging', 'idle', 'maintenance'])[1 + i % 4]
		from fleets f, generate_series(1, 100) i`;
	// 40 rows per vehicle, one every 30 minutes: spans the previous month boundary for some
	await db.sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, location)
		select v.id, v.organization_id, now() - (n * interval '30 minutes') - (random() * interval '1 minute'), 50, 40,
		       st_setsrid(st_makepoint(13.4, 52.5), 4326)::geography
		from vehicles v, generate_series(0, 39) n`;
	await db.sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
		select v.id, v.organization_id, date_trunc('month', now()) - interval '1 month' + (n * interval '1 hour'), 60
		from vehicles v, generate_series(0, 9) n
		where v.vin like '%0'`;
	await db.sql`vacuum analyze`;
	const picked = await db.sql<(typeof sample)[]>`select id, vin, plate, organization_id, fleet_id from vehicles order by vin offset 1234 limit 1`;
	sample = picked[0]!;

	sql = db.connect({max: 1, onNotice: message => plans.push(message)});
	await sql`load 'auto_explain'`;
	await sql`select set_config('auto_explain.log_min_duration', '0', false), set_config('auto_explain.log_level', 'notice', false)`;
	// A few thousand rows are few enough that a sequential scan can be cheapest; what matters is that an index
	// path exists, as it will be chosen on the large seed: with sequential scans priced out, any left has no index.
	await sql`select set_config('enable_seqscan', 'off', false)`;
}, 300_000);

afterAll(async () => {
	await db?.close();
});

/** Plans of the page queries (the bounded count behind "of N" reads at most 10 001 rows and is not checked). */
async function plansOf(work: () => Promise<unknown>): Promise<string[]> {
	plans = [];
	await work();
	const pageQueries = plans.filter(plan => !/Query Text: select count\(\*\)::int as n from \(select 1/.test(plan) && !/Query Text: explain/i.test(plan));
	expect(pageQueries.length).toBeGreaterThan(0);
	return pageQueries;
}

function expectNoSeqScan(found: string[], table: string) {
	// partitions included: vehicle_telematics_2026_11, vehicle_telematics_default
	for (const plan of found) expect(plan).not.toMatch(new RegExp(`Seq Scan on ${table}(_\\w+)?\\b`));
}

describe('browse queries use indexes', () => {
	it('telematics pages of one vehicle never scan the history sequentially', async () => {
		const found = await plansOf(async () => {
			const first = await listTelematics(sql, {vehicleId: sample.id, limit: 20});
			await listTelematics(sql, {vehicleId: sample.id, limit: 20, after: first.next});
			await listTelematics(sql, {vehicleId: sample.id, limit: 20, since: new Date(Date.now() - 6 * 3_600_000)});
			await listTelematics(sql, {vehicleId: sample.id, limit: 20, before: new Date(Date.now() - 48 * 3_600_000)});
			// G (the oldest rows, read oldest first) and paging back up from there.
			const last = await listTelematics(sql, {vehicleId: sample.id, limit: 20, last: true});
			await listTelematics(sql, {vehicleId: sample.id, limit: 20, previous: last.previous});
		});
		expectNoSeqScan(found, 'vehicle_telematics');
		expect(found.join('\n')).toMatch(/Index (Only )?Scan( Backward)? using vehicle_telematics_\w+_pkey/);
	});

	it('the vehicle list, its filters and search use indexes on vehicles', async () => {
		const found = await plansOf(async () => {
			const first = await listVehicles(sql, {limit: 40});
			await listVehicles(sql, {limit: 40, after: first.next});
			await listVehicles(sql, {limit: 40, sort: 'vin:desc'});
			// G and paging back up from there read backwards, through the same indexes.
			const last = await listVehicles(sql, {limit: 40, last: true});
			await listVehicles(sql, {limit: 40, before: last.previous});
			await listVehicles(sql, {limit: 40, fleetId: sample.fleetId});
			await listVehicles(sql, {limit: 40, organizationId: sample.organizationId});
			await listVehicles(sql, {limit: 40, search: sample.vin.slice(0, 14)});
			await listVehicles(sql, {limit: 40, search: sample.vin.slice(0, 14), organizationId: sample.organizationId});
		});
		expectNoSeqScan(found, 'vehicles');
		expectNoSeqScan(found, 'vehicle_telematics');
	});

	it('finding a vehicle, suggestions and the inspector use indexes', async () => {
		const found = await plansOf(async () => {
			await findVehicles(sql, sample.vin);
			await findVehicles(sql, sample.plate);
			await findVehicles(sql, sample.id);
			await suggestVehicles(sql, `${sample.vin.slice(0, 15)}XX`);
			await getVehicleDetail(sql, sample.id);
		});
		expectNoSeqScan(found, 'vehicles');
		expectNoSeqScan(found, 'vehicle_telematics');
	});

	it('organization and fleet pages count per row through indexes', async () => {
		const found = await plansOf(async () => {
			await listOrganizations(sql, {limit: 40});
			await listFleets(sql, {limit: 40});
			await listFleets(sql, {limit: 40, organizationId: sample.organizationId});
		});
		expectNoSeqScan(found, 'vehicles');
		expectNoSeqScan(found, 'vehicle_telematics');
	});
});
