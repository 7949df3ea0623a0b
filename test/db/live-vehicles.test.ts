import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {liveVehicles} from '../../source/db/queries/live.js';
import {scopedHandle, scopedRole} from '../../source/db/scope.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {fleet, organization, report, vehicle} from './live-fixtures.js';

let db: TestDatabase;
const ids: Record<string, string> = {};
let orgA: string;
let orgB: string;
let fleetA1: string;
let fleetA2: string;

beforeAll(async () => {
	db = await createTestDatabase();
	const {sql} = db;
	orgA = await organization(sql, 'cairo-live');
	orgB = await organization(sql, 'alex-live');
	fleetA1 = await fleet(sql, orgA, 'Nasr City');
	fleetA2 = await fleet(sql, orgA, 'Maadi');
	const fleetB = await fleet(sql, orgB, 'Corniche');
	const add = async (name: string, org: string, fleetId: string, status: string, r?: Parameters<typeof report>[3]) => {
		const v = await vehicle(sql, org, fleetId, {status, plate: name});
		ids[name] = v.id;
		if (r) await report(sql, org, v.id, r);
	};
	await add('ONLINE', orgA, fleetA1, 'active', {secondsAgo: 5, soc: 60});
	await add('STALE', orgA, fleetA1, 'active', {secondsAgo: 1800, soc: 70});
	await add('GONE', orgA, fleetA1, 'active', {secondsAgo: 7200, soc: 55});
	await add('NEVER', orgA, fleetA2, 'idle');
	await add('MAINT', orgA, fleetA2, 'maintenance', {secondsAgo: 7200, soc: 40});
	await add('LOWSOC', orgA, fleetA2, 'charging', {secondsAgo: 3, soc: 12});
	await add('HOT', orgA, fleetA1, 'active', {secondsAgo: 3, soc: 80, temp: 61});
	await add('RETIRED', orgA, fleetA1, 'retired', {secondsAgo: 3, soc: 50});
	await add('OTHERORG', orgB, fleetB, 'active', {secondsAgo: 3, soc: 5});
});

afterAll(async () => {
	await db?.close();
});

const plates = (rows: Array<{plate: string | null}>) => rows.map(row => row.plate);

describe('liveVehicles', () => {
	it('counts every vehicle in service by status and connectivity', async () => {
		const snapshot = await liveVehicles(db.sql, {});
		expect(snapshot.counts.vehicles).toBe(8);
		expect(snapshot.counts.byStatus).toEqual({active: 5, charging: 1, idle: 1, maintenance: 1, offline: 0});
		expect(snapshot.counts.byConnectivity).toEqual({online: 4, stale: 1, offline: 3});
		expect(plates(snapshot.rows)).not.toContain('RETIRED');
	});

	it('lists what needs attention first: silent in service, stale, low SoC, hot pack, maintenance, the rest', async () => {
		const snapshot = await liveVehicles(db.sql, {});
		expect(plates(snapshot.rows)).toEqual(['NEVER', 'GONE', 'STALE', 'OTHERORG', 'LOWSOC', 'HOT', 'MAINT', 'ONLINE']);
		expect(snapshot.rows.map(row => row.attention)).toEqual(['offline', 'offline', 'stale', 'low-soc', 'low-soc', 'hot-pack', 'maintenance', null]);
		const online = snapshot.rows.find(row => row.plate === 'ONLINE')!;
		expect(online).toMatchObject({connectivity: 'online', socPct: 60, speedKmh: 30, powerKw: 10, fleetName: 'Nasr City'});
		expect(online.latitude).toBeCloseTo(30.0444, 4);
		expect(online.longitude).toBeCloseTo(31.2357, 4);
		expect(online.lastSeenAt).toBeInstanceOf(Date);
	});

	it('follows new telematics at the next refresh (as the simulator writes them)', async () => {
		const before = await liveVehicles(db.sql, {});
		expect(before.rows.find(row => row.plate === 'STALE')?.attention).toBe('stale');
		await report(db.sql, orgA, ids['STALE']!, {secondsAgo: 0, soc: 69.5, speed: 55});
		const after = await liveVehicles(db.sql, {});
		const stale = after.rows.find(row => row.plate === 'STALE')!;
		expect(stale).toMatchObject({connectivity: 'online', attention: null, socPct: 69.5, speedKmh: 55});
		expect(after.counts.byConnectivity.stale).toBe(before.counts.byConnectivity.stale - 1);
		expect(after.counts.byConnectivity.online).toBe(before.counts.byConnectivity.online + 1);
		// back to stale for the other tests
		await db.sql`update vehicle_live_state set recorded_at = now() - interval '30 minutes' where vehicle_id = ${ids['STALE']!}`;
	});

	it('filters by fleet, status and connectivity; the counts keep the whole scope and say how many match', async () => {
		const byFleet = await liveVehicles(db.sql, {fleetId: fleetA2});
		expect(plates(byFleet.rows).sort()).toEqual(['LOWSOC', 'MAINT', 'NEVER']);
		expect(byFleet.counts.vehicles).toBe(3);
		const offline = await liveVehicles(db.sql, {connectivity: 'offline'});
		expect(plates(offline.rows)).toEqual(['NEVER', 'GONE', 'MAINT']);
		expect(offline.counts).toMatchObject({vehicles: 8, matching: 3});
		const charging = await liveVehicles(db.sql, {status: 'charging'});
		expect(plates(charging.rows)).toEqual(['LOWSOC']);
	});

	it('returns at most `limit` rows, the most urgent', async () => {
		const snapshot = await liveVehicles(db.sql, {limit: 2});
		expect(plates(snapshot.rows)).toEqual(['NEVER', 'GONE']);
		expect(snapshot.counts.matching).toBe(8);
	});

	it('sees one organization only through row-level security (--org)', async () => {
		const scoped = scopedHandle(db.connect({max: 1}), {organizationId: orgB, role: scopedRole, readOnly: true});
		const snapshot = await liveVehicles(scoped, {});
		expect(plates(snapshot.rows)).toEqual(['OTHERORG']);
		expect(snapshot.counts.vehicles).toBe(1);
	});

	it('reads the live state only, never the telematics history (EXPLAIN)', async () => {
		const texts: string[] = [];
		const spy = db.connect({max: 1});
		(spy as unknown as {options: {debug: unknown}}).options.debug = (_c: number, query: string, parameters: unknown[]) => texts.push(JSON.stringify({query, parameters}));
		await liveVehicles(spy, {fleetId: fleetA1, status: 'active', connectivity: 'online', limit: 10});
		const {query, parameters} = JSON.parse(texts.at(-1)!) as {query: string; parameters: unknown[]};
		const plan = (await db.sql.unsafe(`explain ${query}`, parameters as never[])).map(row => Object.values(row)[0]).join('\n');
		expect(plan).toContain('vehicle_live_state');
		expect(plan).not.toMatch(/vehicle_telematics/);
	});
});

describe('liveVehicles connectivity', () => {
	it("agrees with the schema's connectivity_status() on both sides of the 5-minute and 1-hour thresholds", async () => {
		const {sql} = db;
		const edge = await fleet(sql, orgA, 'Threshold edge');
		for (const [name, secondsAgo] of [['E290', 290], ['E310', 310], ['E3590', 3590], ['E3610', 3610]] as const) {
			const v = await vehicle(sql, orgA, edge, {status: 'active', plate: name});
			await report(sql, orgA, v.id, {secondsAgo, soc: 50});
		}
		const snapshot = await liveVehicles(sql, {fleetId: edge});
		const fromSchema = await sql<{plate: string; connectivity: string}[]>`
			select v.plate, connectivity_status(date_part('epoch', now() - s.recorded_at)) as connectivity
			from vehicles v join vehicle_live_state s on s.vehicle_id = v.id where v.fleet_id = ${edge}`;
		const expected = Object.fromEntries(fromSchema.map(row => [row.plate, row.connectivity]));
		expect(expected).toEqual({E290: 'online', E310: 'stale', E3590: 'stale', E3610: 'offline'});
		expect(Object.fromEntries(snapshot.rows.map(row => [row.plate, row.connectivity]))).toEqual(expected);
		expect(snapshot.counts.byConnectivity).toEqual({online: 1, stale: 2, offline: 1});
	});
});

describe('liveVehicles against a naive query over every vehicle', () => {
	it('counts, matches and ranks like a join of every vehicle with its live state, for every filter', async () => {
		const {sql} = db;
		// Vehicles out of service that report (their silence or SoC must not rank them as in service), a retired
		// one that reports, and a second never-reported one in another fleet.
		const extra = await fleet(sql, orgA, 'Naive check');
		const add = async (plate: string, status: string, r?: Parameters<typeof report>[3]) => {
			const v = await vehicle(sql, orgA, extra, {status, plate});
			if (r) await report(sql, orgA, v.id, r);
		};
		await add('PARKED-OFF', 'offline', {secondsAgo: 9000, soc: 15});
		await add('MAINT-ON', 'maintenance', {secondsAgo: 2, soc: 90});
		await add('MAINT-STALE', 'maintenance', {secondsAgo: 1200, soc: 8});
		await add('RETIRED-ON', 'retired', {secondsAgo: 2, soc: 3});
		await add('IDLE-NEVER', 'idle');
		await add('OFF-NEVER', 'offline');
		await add('IDLE-HOT', 'idle', {secondsAgo: 100, soc: 50, temp: 70});

		type Naive = {id: string; status: string; fleetId: string; socPct: number | null; packTempC: number | null; connectivity: string};
		const all = await sql<Naive[]>`
			select v.id, v.status, v.fleet_id, s.soc_pct, s.pack_temp_c, connectivity_status(date_part('epoch', now() - s.recorded_at)) as connectivity
			from vehicles v left join vehicle_live_state s on s.vehicle_id = v.id where v.status <> 'retired'`;
		const inService = (v: Naive) => ['active', 'charging', 'idle'].includes(v.status);
		const rank = (v: Naive) =>
			v.connectivity === 'offline' && inService(v) ? 0
			: v.connectivity === 'stale' && inService(v) ? 1
			: v.socPct !== null && v.socPct < 20 ? 2
			: v.packTempC !== null && v.packTempC >= 55 ? 3
			: v.status === 'maintenance' ? 4 : 5;
		const order = (a: Naive, b: Naive) =>
			rank(a) - rank(b) || (a.socPct === b.socPct ? 0 : a.socPct === null ? -1 : b.socPct === null ? 1 : a.socPct - b.socPct) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
		const count = (rows: Naive[], pick: (v: Naive) => boolean) => rows.filter(pick).length;

		for (const fleetId of [null, fleetA1, extra]) {
			const scope = all.filter(v => fleetId === null || v.fleetId === fleetId);
			for (const status of [null, 'active', 'idle', 'maintenance', 'offline'] as const) {
				for (const [connectivity, limit] of ([null, 'online', 'stale', 'offline'] as const).flatMap(c => [2, 4, 5, 20].map(l => [c, l] as const))) {
					const snapshot = await liveVehicles(sql, {fleetId, status, connectivity, limit});
					const matching = scope.filter(v => (status === null || v.status === status) && (connectivity === null || v.connectivity === connectivity));
					const label = JSON.stringify({fleetId, status, connectivity, limit});
					expect(snapshot.counts, label).toEqual({
						vehicles: scope.length,
						matching: matching.length,
						byStatus: {
							active: count(scope, v => v.status === 'active'), charging: count(scope, v => v.status === 'charging'),
							idle: count(scope, v => v.status === 'idle'), maintenance: count(scope, v => v.status === 'maintenance'),
							offline: count(scope, v => v.status === 'offline'),
						},
						byConnectivity: {
							online: count(scope, v => v.connectivity === 'online'), stale: count(scope, v => v.connectivity === 'stale'),
							offline: count(scope, v => v.connectivity === 'offline'),
						},
					});
					expect(snapshot.rows.map(row => row.id), label).toEqual(matching.sort(order).slice(0, limit).map(v => v.id));
				}
			}
		}
	});
});
