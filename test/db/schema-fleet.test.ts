// fleet_schema.sql: vehicle and telematics constraints, live state upkeep on every insert path, active_vehicles_status, plans.
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import type {Sql} from '../../source/db/connection.js';
import {backendPid, barrier, waitUntilBlocked} from '../helpers/blocking.js';

let db: TestDatabase;
let org: string;
let otherOrg: string;
let fleetId: string;
let vinCounter = 0;

function nextVin(): string {
	vinCounter += 1;
	return `WVWZZZ1KZAW${String(vinCounter).padStart(6, '0')}`;
}

async function organization(slug: string): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
	return row!.id;
}

async function vehicle(overrides: {status?: string} = {}): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh, status)
		values (${org}, ${fleetId}, ${nextVin()}, 'VW', 'ID.4', 77, ${overrides.status ?? 'active'}) returning id`;
	return row!.id;
}

type Telemetry = {vehicleId: string; recordedAt: Date; socPct: number; lon?: number; lat?: number};

async function insertTelematics(rows: Telemetry[]): Promise<void> {
	await db.sql`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, location)
		select v, ${org}, t, s, case when x is null then null else st_setsrid(st_makepoint(x, y), 4326)::geography end
		from unnest(${rows.map(r => r.vehicleId)}::uuid[], ${rows.map(r => r.recordedAt.toISOString())}::timestamptz[],
		            ${rows.map(r => r.socPct)}::real[], ${rows.map(r => r.lon ?? null)}::float8[], ${rows.map(r => r.lat ?? null)}::float8[]) as u(v, t, s, x, y)`;
}

async function liveState(vehicleId: string) {
	const [row] = await db.sql<Array<{recordedAt: Date; socPct: number}>>`select recorded_at, soc_pct from vehicle_live_state where vehicle_id = ${vehicleId}`;
	return row;
}

/** The plan text of a query (ids are interpolated by the caller from values this file created). */
async function explain(query: string): Promise<string> {
	const rows = await db.sql.unsafe<Array<Record<string, string>>>(`explain (costs off) ${query}`);
	return rows.map(r => Object.values(r)[0]).join('\n');
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
	db = await createTestDatabase();
	org = await organization('fleet-org');
	otherOrg = await organization('fleet-other');
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name, timezone) values (${org}, 'Depot', 'Europe/Berlin') returning id`;
	fleetId = f!.id;
});

afterAll(async () => {
	await db?.close();
});

describe('vehicle constraints', () => {
	it('rejects a VIN of 16 characters', async () => {
		await expect(db.sql`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			values (${org}, ${fleetId}, 'WVWZZZ1KZAW00001', 'VW', 'ID.4', 77)`).rejects.toMatchObject({constraint_name: 'vehicles_vin_format'});
	});

	it('rejects a VIN with the letter O', async () => {
		await expect(db.sql`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			values (${org}, ${fleetId}, 'WVWZZZ1KZAWO00001', 'VW', 'ID.4', 77)`).rejects.toMatchObject({constraint_name: 'vehicles_vin_format'});
	});

	it('rejects an unknown status', async () => {
		await expect(vehicle({status: 'flying'})).rejects.toMatchObject({constraint_name: 'vehicles_status_valid'});
	});

	it('rejects a fleet of another organization', async () => {
		const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${otherOrg}, 'Elsewhere') returning id`;
		await expect(db.sql`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			values (${org}, ${f!.id}, ${nextVin()}, 'VW', 'ID.4', 77)`).rejects.toMatchObject({constraint_name: 'vehicles_fleet_fk'});
	});

	it('rejects an unknown fleet time zone', async () => {
		await expect(db.sql`insert into fleets (organization_id, name, timezone) values (${org}, 'Nowhere', 'Mars/Olympus')`).rejects.toMatchObject({
			constraint_name: 'fleets_timezone_valid',
		});
	});
});

describe('telematics constraints', () => {
	it('rejects SoC 101', async () => {
		const v = await vehicle();
		await expect(insertTelematics([{vehicleId: v, recordedAt: minutesAgo(1), socPct: 101}])).rejects.toMatchObject({
			constraint_name: 'vehicle_telematics_soc_range',
		});
	});

	it('rejects heading -1', async () => {
		const v = await vehicle();
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, heading_deg) values (${v}, ${org}, now(), -1)`).rejects.toMatchObject({
			constraint_name: 'vehicle_telematics_heading_range',
		});
	});

	it('rejects a speed beyond 300 km/h and a pack temperature of 150 °C', async () => {
		const v = await vehicle();
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, speed_kmh) values (${v}, ${org}, now(), 400)`).rejects.toMatchObject({
			constraint_name: 'vehicle_telematics_speed_range',
		});
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, pack_temp_c) values (${v}, ${org}, now(), 150)`).rejects.toMatchObject({
			constraint_name: 'vehicle_telematics_pack_temp_range',
		});
	});

	it('rejects a row for an unknown vehicle or with the wrong organization', async () => {
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at) values (gen_random_uuid(), ${org}, now())`).rejects.toMatchObject({
			code: '23503',
		});
		const v = await vehicle();
		await expect(db.sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at) values (${v}, ${otherOrg}, now())`).rejects.toMatchObject({code: '23503'});
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id = ${v}`) as unknown as [{n: number}];
		expect(n).toBe(0);
	});

	it('rejects a duplicate (vehicle, recorded_at)', async () => {
		const v = await vehicle();
		const at = minutesAgo(3);
		await insertTelematics([{vehicleId: v, recordedAt: at, socPct: 50}]);
		await expect(insertTelematics([{vehicleId: v, recordedAt: at, socPct: 51}])).rejects.toMatchObject({
			code: '23505',
			constraint_name: expect.stringMatching(/^vehicle_telematics_\d{4}_\d{2}_pkey$/),
		});
	});
});

describe('live state', () => {
	it('holds the newest row per vehicle after one batch insert of many vehicles', async () => {
		const a = await vehicle();
		const b = await vehicle();
		await insertTelematics([
			{vehicleId: a, recordedAt: minutesAgo(30), socPct: 80},
			{vehicleId: a, recordedAt: minutesAgo(10), socPct: 70},
			{vehicleId: a, recordedAt: minutesAgo(20), socPct: 75},
			{vehicleId: b, recordedAt: minutesAgo(5), socPct: 40},
			{vehicleId: b, recordedAt: minutesAgo(50), socPct: 45},
		]);
		expect((await liveState(a))!.socPct).toBe(70);
		expect((await liveState(b))!.socPct).toBe(40);
	});

	it('never lets an older row overwrite a newer state', async () => {
		const v = await vehicle();
		await insertTelematics([{vehicleId: v, recordedAt: minutesAgo(1), socPct: 60}]);
		await insertTelematics([{vehicleId: v, recordedAt: minutesAgo(90), socPct: 99}]);
		const state = await liveState(v);
		expect(state!.socPct).toBe(60);
		await insertTelematics([{vehicleId: v, recordedAt: minutesAgo(0), socPct: 59}]);
		expect((await liveState(v))!.socPct).toBe(59);
	});

	it('is updated by a multi-row COPY', async () => {
		const a = await vehicle();
		const b = await vehicle();
		const line = (v: string, at: Date, soc: number) => `${v}\t${org}\t${at.toISOString()}\t${soc}\n`;
		const stream = await db.sql`copy vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) from stdin`.writable();
		await pipeline(Readable.from([line(a, minutesAgo(9), 10), line(a, minutesAgo(2), 12), line(b, minutesAgo(4), 30), line(a, minutesAgo(6), 11)]), stream);
		expect((await liveState(a))!.socPct).toBe(12);
		expect((await liveState(b))!.socPct).toBe(30);
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id in (${a}, ${b})`) as unknown as [{n: number}];
		expect(n).toBe(4);
	});
});

describe('COPY straight into a month\'s partition (the fast ingest path)', () => {
	const line = (v: string, o: string, at: Date, soc: number) => `${v}\t${o}\t${at.toISOString()}\t${soc}\n`;
	async function partitionFor(at: Date): Promise<string> {
		const [row] = await db.sql<Array<{name: string}>>`select monthly_partition_for('vehicle_telematics', ${at})::text as name`;
		return row!.name;
	}
	async function copyInto(table: string, lines: string[]): Promise<void> {
		const stream = await db.sql`copy ${db.sql(table)} (vehicle_id, organization_id, recorded_at, soc_pct) from stdin`.writable();
		await pipeline(Readable.from(lines), stream);
	}

	it('names the partition that holds a time, and the parent for a month without one', async () => {
		const now = new Date();
		const month = `${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
		expect(await partitionFor(now)).toBe(`vehicle_telematics_${month}`);
		expect(await partitionFor(new Date('1999-05-17T12:00:00Z'))).toBe('vehicle_telematics');
		// the first instant of a month belongs to that month, the last microsecond before it to the one before
		const [edges] = await db.sql<Array<{first: string; last: string}>>`
			select monthly_partition_for('vehicle_telematics', date_trunc('month', now() at time zone 'UTC') at time zone 'UTC')::text as first,
			       monthly_partition_for('vehicle_telematics', (date_trunc('month', now() at time zone 'UTC') at time zone 'UTC') - interval '1 microsecond')::text as last`;
		expect(edges!.first).toBe(`vehicle_telematics_${month}`);
		expect(edges!.last).not.toBe(edges!.first);
	});

	it('keeps the live state: the newest row per vehicle, never an older one over a newer state', async () => {
		const a = await vehicle();
		const b = await vehicle();
		await insertTelematics([{vehicleId: b, recordedAt: minutesAgo(1), socPct: 77}]);
		const table = await partitionFor(new Date());
		expect(table).toMatch(/^vehicle_telematics_\d{4}_\d{2}$/);
		await copyInto(table, [line(a, org, minutesAgo(9), 10), line(a, org, minutesAgo(2), 12), line(b, org, minutesAgo(4), 30), line(a, org, minutesAgo(6), 11)]);
		expect((await liveState(a))!.socPct).toBe(12);
		expect((await liveState(b))!.socPct).toBe(77);
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from ${db.sql(table)} where vehicle_id in (${a}, ${b})`) as unknown as [{n: number}];
		expect(n).toBe(5);
	});

	// A failed COPY never settles postgres.js's writable (porsager/postgres#1173), so the refusals are checked with
	// INSERT naming the partition: the same statement trigger and the same partition constraint.
	it('refuses, as the parent does, a row of an unknown vehicle or of another organization, and keeps none of the statement', async () => {
		const v = await vehicle();
		const table = await partitionFor(new Date());
		await expect(db.sql`
			insert into ${db.sql(table)} (vehicle_id, organization_id, recorded_at, soc_pct)
			values (${v}, ${org}, now() - interval '3 minutes', 40), (${v}, ${otherOrg}, now() - interval '2 minutes', 41)`).rejects.toMatchObject({code: '23503'});
		await expect(db.sql`
			insert into ${db.sql(table)} (vehicle_id, organization_id, recorded_at) values ('00000000-0000-4000-8000-000000000001', ${org}, now())`).rejects.toMatchObject({code: '23503'});
		expect(await liveState(v)).toBeUndefined();
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id = ${v}`) as unknown as [{n: number}];
		expect(n).toBe(0);
	});

	it('refuses a row outside the partition\'s month instead of storing it there', async () => {
		const v = await vehicle();
		const table = await partitionFor(new Date());
		await expect(db.sql`insert into ${db.sql(table)} (vehicle_id, organization_id, recorded_at) values (${v}, ${org}, '1999-05-17T12:00:00Z')`)
			.rejects.toMatchObject({code: '23514'});
	});

	it('has the trigger on every partition, including those create_monthly_partitions makes later and the default', async () => {
		await db.sql`select create_monthly_partitions('vehicle_telematics', '2019-03-01', 2)`;
		const rows = await db.sql<Array<{partition: string; triggers: number}>>`
			select c.relname as partition,
			       (select count(*)::int from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'vehicle_telematics_live_state') as triggers
			from pg_inherits i join pg_class c on c.oid = i.inhrelid
			where i.inhparent = 'vehicle_telematics'::regclass`;
		expect(rows.map(r => r.partition)).toEqual(expect.arrayContaining(['vehicle_telematics_default', 'vehicle_telematics_2019_03', 'vehicle_telematics_2019_04']));
		expect(rows.filter(r => r.triggers !== 1)).toEqual([]);
		// a back-fill into the new partition keeps the live state too
		const v = await vehicle();
		await copyInto('vehicle_telematics_2019_03', [line(v, org, new Date('2019-03-05T08:00:00Z'), 64)]);
		expect((await liveState(v))!.socPct).toBe(64);
	});

	it('fires the live-state trigger once per statement, whether it names the parent or a partition', async () => {
		const v = await vehicle();
		const table = await partitionFor(new Date());
		const calls = await db.sql.begin(async sql => {
			await sql`set local track_functions = 'pl'`;
			const count = async () => {
				const [row] = await sql<Array<{calls: number}>>`
					select coalesce((select calls::int from pg_stat_xact_user_functions where funcname = 'vehicle_telematics_after_insert'), 0) as calls`;
				return row!.calls;
			};
			const before = await count();
			await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) values (${v}, ${org}, now() - interval '2 minutes', 50)`;
			const afterParent = await count();
			await sql`insert into ${sql(table)} (vehicle_id, organization_id, recorded_at, soc_pct) values (${v}, ${org}, now() - interval '1 minute', 51)`;
			return {parent: afterParent - before, partition: (await count()) - afterParent};
		});
		expect(calls).toEqual({parent: 1, partition: 1});
		expect((await liveState(v))!.socPct).toBe(51);
	});
});

describe('live state under concurrent writers', () => {
	it('keeps the newest row when two sessions write the same vehicles at once, first rows included', async () => {
		const vehicles = [await vehicle(), await vehicle(), await vehicle()];
		const known = vehicles[0]!;
		await insertTelematics([{vehicleId: known, recordedAt: minutesAgo(60), socPct: 1}]);
		const [a, b] = [db.connect({max: 1}), db.connect({max: 1})];
		const [aPid, bPid] = [await backendPid(a), await backendPid(b)];
		try {
			// Both transactions insert before either commits: the second waits on the first's live rows (or, for the
			// vehicles without one yet, on its new rows), then must keep whichever report is newer.
			const olderInserted = barrier();
			const olderCommit = barrier();
			const older = a.begin(async sql => {
				await sql`
					insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
					select v, ${org}, now() - interval '5 minutes', 50 from unnest(${vehicles}::uuid[]) v`;
				olderInserted.open();
				await olderCommit.wait;
			});
			await olderInserted.wait;
			const newer = b.begin(async sql => {
				await sql`
					insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
					select v, ${org}, now() - interval '1 minute', 60 from unnest(${vehicles}::uuid[]) v`;
			});
			await waitUntilBlocked(db.sql, bPid, aPid);
			olderCommit.open();
			await Promise.all([older, newer]);
			for (const v of vehicles) expect((await liveState(v))!.socPct).toBe(60);
			// and the other way round: the newer report commits first, the older one after it changes nothing
			const firstInserted = barrier();
			const firstCommit = barrier();
			const first = b.begin(async sql => {
				await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
					select v, ${org}, now() - interval '10 seconds', 70 from unnest(${vehicles}::uuid[]) v`;
				firstInserted.open();
				await firstCommit.wait;
			});
			await firstInserted.wait;
			const late = a.begin(async sql => {
				await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
					select v, ${org}, now() - interval '30 seconds', 65 from unnest(${vehicles}::uuid[]) v`;
			});
			await waitUntilBlocked(db.sql, aPid, bPid);
			firstCommit.open();
			await Promise.all([first, late]);
			for (const v of vehicles) expect((await liveState(v))!.socPct).toBe(70);
		} finally {
			await a.end();
			await b.end();
		}
	});
});

// The foreign key's per-row check on insert is replaced, on partitions with the live-state trigger, by that trigger's
// check once per vehicle (with the key's lock). Each attack: what the key gave that the statement check must still give.
describe('the vehicle reference on insert, checked once per statement', () => {
	const riInsertChecks = () => db.sql<Array<{partition: string; enabled: boolean; statementTrigger: boolean}>>`
		select c.relname as partition, tg.tgenabled <> 'D' as enabled,
		       exists (select 1 from pg_trigger s where s.tgrelid = c.oid and s.tgname = 'vehicle_telematics_live_state') as statement_trigger
		from pg_inherits i
		join pg_class c on c.oid = i.inhrelid
		join pg_trigger tg on tg.tgrelid = c.oid and tg.tgfoid = 'pg_catalog."RI_FKey_check_ins"'::regproc
		join pg_constraint k on k.oid = tg.tgconstraint and k.conname = 'vehicle_telematics_vehicle_fk'
		where i.inhparent = 'vehicle_telematics'::regclass
		order by 1`;

	it('leaves the per-row check only where no statement trigger checks: a partition made by hand keeps it and refuses a wrong row', async () => {
		await db.sql`select create_monthly_partitions('vehicle_telematics', '2018-01-01', 1)`;
		await db.sql`create table vehicle_telematics_2017_01 partition of vehicle_telematics for values from ('2017-01-01') to ('2017-02-01')`;
		const checks = await riInsertChecks();
		expect(checks.map(c => c.partition)).toEqual(expect.arrayContaining(['vehicle_telematics_default', 'vehicle_telematics_2018_01', 'vehicle_telematics_2017_01']));
		// per-row check enabled exactly where the statement trigger is missing
		expect(checks.filter(c => c.enabled === c.statementTrigger)).toEqual([]);
		expect(checks.find(c => c.partition === 'vehicle_telematics_2017_01')).toMatchObject({enabled: true, statementTrigger: false});
		const v = await vehicle();
		await expect(db.sql`insert into vehicle_telematics_2017_01 (vehicle_id, organization_id, recorded_at) values (${v}, ${otherOrg}, '2017-01-05')`)
			.rejects.toMatchObject({code: '23503', constraint_name: 'vehicle_telematics_vehicle_fk'});
		await db.sql`drop table vehicle_telematics_2017_01`;
	});

	it('refuses a wrong vehicle COPYed into a partition whose per-row check is off', async () => {
		const v = await vehicle();
		const [{table}] = (await db.sql<Array<{table: string}>>`select monthly_partition_for('vehicle_telematics', now())::text as table`) as unknown as [{table: string}];
		expect((await riInsertChecks()).find(c => c.partition === table)).toMatchObject({enabled: false, statementTrigger: true});
		await expect(db.sql`
			insert into ${db.sql(table)} (vehicle_id, organization_id, recorded_at)
			select ${v}::uuid, ${org}::uuid, now() - make_interval(secs => i) from generate_series(1, 100) i
			union all select ${v}::uuid, ${otherOrg}::uuid, now()`).rejects.toMatchObject({code: '23503'});
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id = ${v}`) as unknown as [{n: number}];
		expect(n).toBe(0);
	});

	// A back-fill (rows older than the vehicle's live state) touches no live row, whose own foreign key would lock the
	// vehicle: only the statement check's lock stands between these sessions.
	const reported = async () => {
		const v = await vehicle();
		await insertTelematics([{vehicleId: v, recordedAt: new Date(), socPct: 80}]);
		return v;
	};
	const historyOf = async (v: string) => {
		const [{n}] = (await db.sql<Array<{n: number}>>`select count(*)::int as n from vehicle_telematics where vehicle_id = ${v}`) as unknown as [{n: number}];
		return n;
	};
	// A race between an ingest session and an admin session over one reported vehicle: `commit` holds whichever
	// transaction the test opens until it is released; both sessions end afterwards, whatever the outcome.
	const race = async (work: (r: {v: string; ingest: Sql; admin: Sql; ingestPid: number; adminPid: number; commit: ReturnType<typeof barrier>}) => Promise<void>) => {
		const v = await reported();
		const [ingest, admin] = [db.connect({max: 1}), db.connect({max: 1})];
		const [ingestPid, adminPid] = [await backendPid(ingest), await backendPid(admin)];
		const commit = barrier();
		try {
			await work({v, ingest, admin, ingestPid, adminPid, commit});
		} finally {
			commit.open();
			await ingest.end();
			await admin.end();
		}
	};

	it('a vehicle deleted during a back-fill of its history takes the committed rows with it (the delete waits for the ingest)', async () => {
		await race(async ({v, ingest, admin, ingestPid, adminPid, commit}) => {
			const inserted = barrier();
			const ingesting = ingest.begin(async sql => {
				await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
					select ${v}, ${org}, now() - interval '1 hour' - make_interval(secs => i), 50 from generate_series(1, 100) i`;
				inserted.open();
				await commit.wait;
			});
			await inserted.wait;
			const deleting = admin`delete from vehicles where id = ${v}`.execute();
			await waitUntilBlocked(db.sql, adminPid, ingestPid);
			commit.open();
			await Promise.all([ingesting, deleting]);
			expect(await historyOf(v)).toBe(0);
		});
	});

	it('a back-fill of a vehicle being deleted is refused once the delete commits (the ingest waits for the delete)', async () => {
		await race(async ({v, ingest, admin, ingestPid, adminPid, commit}) => {
			const deleted = barrier();
			const deleting = admin.begin(async sql => {
				await sql`delete from vehicles where id = ${v}`;
				deleted.open();
				await commit.wait;
			});
			await deleted.wait;
			const ingesting = ingest`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) values (${v}, ${org}, now() - interval '1 hour', 50)`;
			const refused = expect(ingesting).rejects.toMatchObject({code: '23503'});
			await waitUntilBlocked(db.sql, ingestPid, adminPid);
			commit.open();
			await deleting;
			await refused;
			expect(await historyOf(v)).toBe(0);
		});
	});

	it('a repeatable-read delete that cannot see rows committed meanwhile fails instead of leaving them behind', async () => {
		await race(async ({v, ingest, admin, ingestPid, adminPid, commit}) => {
			const inserted = barrier();
			const snapshot = barrier();
			const ingesting = ingest.begin(async sql => {
				await sql`insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) values (${v}, ${org}, now() - interval '1 hour', 50)`;
				inserted.open();
				await commit.wait;
			});
			await inserted.wait;
			const deleting = admin.begin('isolation level repeatable read', async sql => {
				await sql`select 1 from vehicles where id = ${v}`;
				snapshot.open();
				await sql`delete from vehicles where id = ${v}`;
			});
			await snapshot.wait;
			await waitUntilBlocked(db.sql, adminPid, ingestPid);
			commit.open();
			await ingesting;
			await expect(deleting).rejects.toMatchObject({code: '40001'});
			expect(await historyOf(v)).toBe(2);
		});
	});
});

describe('live-state trigger plans', () => {
	it('plans a large statement for its own size, even after a one-row statement in the same session', async () => {
		const notices: string[] = [];
		const sql = db.connect({max: 1, onNotice: message => notices.push(message)});
		try {
			await sql`load 'auto_explain'`;
			await sql`set auto_explain.log_min_duration = 0`;
			await sql`set auto_explain.log_nested_statements = on`;
			await sql`set auto_explain.log_level = notice`;
			const vehicles = [await vehicle(), await vehicle(), await vehicle()];
			const insert = (count: number, offsetMinutes: number) => sql`
				insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
				select v, ${org}, now() - make_interval(mins => ${offsetMinutes}) - make_interval(secs => n), 20 + n % 50
				from unnest(${vehicles}::uuid[]) v, generate_series(1, ${count}) n`;
			// The trigger's statement, as the planner sized it: the estimated rows of the transition table.
			const estimates = async (work: () => Promise<unknown>) => {
				notices.length = 0;
				await work();
				return notices.filter(plan => plan.includes('with newest as materialized'))
					.flatMap(plan => [...plan.matchAll(/Named Tuplestore Scan[^\n]*? rows=(\d+)/g)].map(m => Number(m[1])));
			};
			expect(new Set(await estimates(() => insert(1, 30)))).toEqual(new Set([3]));
			expect(new Set(await estimates(() => insert(100, 20)))).toEqual(new Set([300]));
			expect(new Set(await estimates(() => insert(1, 10)))).toEqual(new Set([3]));
			for (const v of vehicles) expect((await liveState(v))!.socPct).toBe(21);
		} finally {
			await sql.end();
		}
	});
});

describe('active_vehicles_status', () => {
	it('shows each vehicle in service once with its latest state and connectivity', async () => {
		const online = await vehicle();
		const stale = await vehicle();
		const silent = await vehicle();
		const retired = await vehicle({status: 'retired'});
		await insertTelematics([
			{vehicleId: online, recordedAt: minutesAgo(1), socPct: 55, lon: 13.4, lat: 52.5},
			{vehicleId: online, recordedAt: minutesAgo(3), socPct: 56, lon: 13.3, lat: 52.4},
			{vehicleId: stale, recordedAt: minutesAgo(30), socPct: 20},
			{vehicleId: silent, recordedAt: minutesAgo(180), socPct: 90},
			{vehicleId: retired, recordedAt: minutesAgo(1), socPct: 90},
		]);
		const rows = await db.sql<Array<{id: string; fleetName: string; organizationName: string; connectivity: string; socPct: number; longitude: number | null; secondsSinceReport: number}>>`
			select id, fleet_name, organization_name, connectivity, soc_pct, longitude, seconds_since_report
			from active_vehicles_status where id in (${online}, ${stale}, ${silent}, ${retired})`;
		const byId = new Map(rows.map(r => [r.id, r]));
		expect(byId.has(retired)).toBe(false);
		expect(byId.get(online)).toMatchObject({fleetName: 'Depot', organizationName: 'fleet-org', connectivity: 'online', socPct: 55});
		expect(byId.get(online)!.longitude).toBeCloseTo(13.4, 6);
		expect(byId.get(online)!.secondsSinceReport).toBeGreaterThan(50);
		expect(byId.get(stale)!.connectivity).toBe('stale');
		expect(byId.get(silent)!.connectivity).toBe('offline');
	});

	it('reads vehicles and live state, never the telematics history', async () => {
		const text = await explain('select * from active_vehicles_status');
		expect(text).toContain('vehicle_live_state');
		expect(text).not.toContain('vehicle_telematics');
	});
});

describe('query plans on history', () => {
	it('prunes to one partition and uses the primary key for one vehicle and one day', async () => {
		const v = await vehicle();
		const text = await explain(
			`select * from vehicle_telematics where vehicle_id = '${v}' and recorded_at >= date_trunc('day', now()) and recorded_at < date_trunc('day', now()) + interval '1 day'`,
		);
		const month = new Date().toISOString().slice(0, 7).replace('-', '_');
		expect(text).toContain(`vehicle_telematics_${month}`);
		const partitions = text.match(/vehicle_telematics_(\d{4}_\d{2}|default)/g) ?? [];
		expect(new Set(partitions).size).toBe(1);
		expect(text).toMatch(/Index (Only )?Scan using vehicle_telematics_\d{4}_\d{2}_pkey|Bitmap Index Scan on vehicle_telematics_\d{4}_\d{2}_pkey/);
	});

	it('reads the latest rows of one vehicle backward on the primary key, without a sort', async () => {
		// History of 100 vehicles over the last days, analyzed, so the planner sees a realistic table.
		const [fleet] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Plans') returning id`;
		await db.sql`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			select ${org}, ${fleet!.id}, 'WVWZZZ1KZBW' || lpad(i::text, 6, '0'), 'VW', 'ID.4', 77 from generate_series(1, 100) i`;
		await db.sql`
			insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct)
			select v.id, v.organization_id, now() - make_interval(mins => 10 * k), 50
			from vehicles v, generate_series(1, 300) k where v.fleet_id = ${fleet!.id}`;
		await db.sql`analyze vehicle_telematics`;
		const [{id: v}] = (await db.sql<Array<{id: string}>>`select id from vehicles where fleet_id = ${fleet!.id} limit 1`) as unknown as [{id: string}];
		const text = await explain(`select * from vehicle_telematics where vehicle_id = '${v}' order by recorded_at desc limit 100`);
		expect(text).toContain('Index Scan Backward using');
		expect(text).not.toMatch(/^\s*->\s*Sort/m);
	});
});
