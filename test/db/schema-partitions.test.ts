// Monthly partitions: routing, the default partition, create_monthly_partitions (idempotent, concurrent-safe) and list_monthly_partitions.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {backendPid, waitUntilBlocked} from '../helpers/blocking.js';

let db: TestDatabase;
let org: string;
let vehicleId: string;

type PartitionRow = {partitionName: string; rangeFrom: Date | null; rangeTo: Date | null; isDefault: boolean; rowEstimate: number | null; totalBytes: number; hasRows: boolean};

async function partitions(parent: string): Promise<PartitionRow[]> {
	return db.sql<PartitionRow[]>`select * from list_monthly_partitions(${parent}::regclass)`;
}

async function telemetryAt(at: string): Promise<string> {
	const [row] = await db.sql<Array<{partition: string}>>`
		insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct) values (${vehicleId}, ${org}, ${at}::timestamptz, 50)
		returning tableoid::regclass::text as partition`;
	return row!.partition;
}

function monthName(date: Date, offset = 0): string {
	const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
	return `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Parts', 'parts') returning id`;
	org = o!.id;
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Depot') returning id`;
	const [v] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh) values (${org}, ${f!.id}, 'WVWZZZ1KZGW000001', 'VW', 'ID.4', 77) returning id`;
	vehicleId = v!.id;
});

afterAll(async () => {
	await db?.close();
});

describe('partitions at load time', () => {
	it('exist for the current month and three ahead, plus a default, for each partitioned table', async () => {
		const now = new Date();
		for (const parent of ['vehicle_telematics', 'charging_session_metrics', 'energy_consumption_records']) {
			const names = (await partitions(parent)).map(p => p.partitionName);
			for (let i = 0; i < 4; i++) expect(names, parent).toContain(`${parent}_${monthName(now, i)}`);
			expect(names).toContain(`${parent}_default`);
		}
	});

	it('list ranges in UTC months, oldest first and the default last', async () => {
		const rows = await partitions('vehicle_telematics');
		const now = new Date();
		const current = rows.find(r => r.partitionName === `vehicle_telematics_${monthName(now)}`)!;
		expect(current.rangeFrom!.toISOString()).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString());
		expect(current.rangeTo!.toISOString()).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString());
		expect(current.isDefault).toBe(false);
		expect(rows.at(-1)).toMatchObject({partitionName: 'vehicle_telematics_default', isDefault: true, rangeFrom: null, rangeTo: null});
		const ranges = rows.filter(r => !r.isDefault).map(r => r.rangeFrom!.getTime());
		expect(ranges).toEqual([...ranges].sort((a, b) => a - b));
	});
});

describe('routing', () => {
	it('sends a row to the partition of its month', async () => {
		const now = new Date();
		expect(await telemetryAt(now.toISOString())).toBe(`vehicle_telematics_${monthName(now)}`);
		const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
		expect(await telemetryAt(next.toISOString())).toBe(`vehicle_telematics_${monthName(now, 1)}`);
		// The last microsecond of a month still belongs to it.
		expect(await telemetryAt(new Date(next.getTime() - 1).toISOString())).toBe(`vehicle_telematics_${monthName(now)}`);
	});

	it('sends a row for a month without a partition to the default partition, which the listing reports', async () => {
		expect(await telemetryAt('2019-03-15 12:00Z')).toBe('vehicle_telematics_default');
		const listed = (await partitions('vehicle_telematics')).find(p => p.isDefault)!;
		expect(listed.hasRows).toBe(true);
	});
});

describe('create_monthly_partitions', () => {
	it('creates the missing months from a start month and returns their names', async () => {
		const created = await db.sql<Array<{name: string}>>`select create_monthly_partitions as name from create_monthly_partitions('vehicle_telematics', '2021-11-20', 3)`;
		expect(created.map(c => c.name)).toEqual(['vehicle_telematics_2021_11', 'vehicle_telematics_2021_12', 'vehicle_telematics_2022_01']);
		expect(await telemetryAt('2021-12-31 23:00Z')).toBe('vehicle_telematics_2021_12');
	});

	it('is idempotent', async () => {
		const again = await db.sql`select * from create_monthly_partitions('vehicle_telematics', '2021-11-01', 3)`;
		expect(again).toHaveLength(0);
		const defaultCall = await db.sql`select * from create_monthly_partitions('vehicle_telematics')`;
		expect(defaultCall).toHaveLength(0);
	});

	it('moves rows waiting in the default partition into the new month', async () => {
		await telemetryAt('2020-06-10 08:00Z');
		await telemetryAt('2020-06-11 08:00Z');
		await telemetryAt('2020-07-01 00:00Z');
		const notices: string[] = [];
		const sql = db.connect({max: 1, onNotice: message => notices.push(message)});
		const created = await sql`select * from create_monthly_partitions('vehicle_telematics', '2020-06-01', 1)`;
		expect(created).toHaveLength(1);
		expect(notices.join('\n')).toContain('moved 2 row(s) of 2020-06 from vehicle_telematics_default into vehicle_telematics_2020_06');
		const rows = await db.sql<Array<{partition: string; n: number}>>`
			select tableoid::regclass::text as partition, count(*)::int as n from vehicle_telematics
			where recorded_at >= '2020-06-01' and recorded_at < '2020-08-01' group by 1 order by 1`;
		expect(rows).toEqual([
			{partition: 'vehicle_telematics_2020_06', n: 2},
			{partition: 'vehicle_telematics_default', n: 1},
		]);
	});

	it('creates each partition once when two sessions call it at the same time', async () => {
		const a = db.connect({max: 1});
		const b = db.connect({max: 1});
		const [fromA, fromB] = await Promise.all([
			a<Array<{name: string}>>`select create_monthly_partitions as name from create_monthly_partitions('charging_session_metrics', '2023-01-01', 6)`,
			b<Array<{name: string}>>`select create_monthly_partitions as name from create_monthly_partitions('charging_session_metrics', '2023-01-01', 6)`,
		]);
		const all = [...fromA, ...fromB].map(r => r.name).sort();
		expect(all).toEqual(['01', '02', '03', '04', '05', '06'].map(m => `charging_session_metrics_2023_${m}`));
	});

	it('makes a second caller wait for the first and then find nothing left to do', async () => {
		const a = db.connect({max: 1});
		const b = db.connect({max: 1});
		const [aPid, bPid] = [await backendPid(a), await backendPid(b)];
		let release!: () => void;
		const held = new Promise<void>(resolve => (release = resolve));
		let firstDone!: () => void;
		const firstCreated = new Promise<void>(resolve => (firstDone = resolve));
		const first = a.begin(async tx => {
			const rows = await tx`select * from create_monthly_partitions('energy_consumption_records', '2024-03-01', 2)`;
			firstDone();
			await held;
			return rows;
		});
		await firstCreated;
		let secondFinished = false;
		const second = b`select * from create_monthly_partitions('energy_consumption_records', '2024-03-01', 2)`.then(rows => {
			secondFinished = true;
			return rows;
		});
		await waitUntilBlocked(db.sql, bPid, aPid);
		expect(secondFinished).toBe(false);
		release();
		expect(await first).toHaveLength(2);
		expect(await second).toHaveLength(0);
	});

	it('gives new partitions the parent\'s row-level security', async () => {
		const [row] = await db.sql<Array<{rls: boolean; forced: boolean; policies: number}>>`
			select relrowsecurity as rls, relforcerowsecurity as forced, (select count(*)::int from pg_policy where polrelid = c.oid) as policies
			from pg_class c where relname = 'vehicle_telematics_2021_11'`;
		expect(row).toEqual({rls: true, forced: true, policies: 2});
	});

	it('refuses a table that is not one of evfleet\'s partitioned tables, with a clear message', async () => {
		await expect(db.sql`select * from create_monthly_partitions('vehicles', 3)`).rejects.toThrow(/vehicles is not one of evfleet's partitioned tables/);
	});

	it('refuses when a table of the partition\'s name exists outside the parent', async () => {
		await db.sql`create table vehicle_telematics_2018_01 (id int)`;
		await expect(db.sql`select * from create_monthly_partitions('vehicle_telematics', '2018-01-01', 1)`).rejects.toThrow(/exists but is not a partition of vehicle_telematics/);
	});
});
