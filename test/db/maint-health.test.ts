// The health overview against a real database: partitions ahead, default rows, stale views, index problems, lock waits.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {addMonths, currentMonth, maintenanceHealth, needsAction} from '../../source/db/queries/maintenance.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let month: string;

beforeAll(async () => {
	db = await createTestDatabase();
	month = await currentMonth(db.sql);
});

afterAll(async () => {
	await db.close();
});

describe('maintenanceHealth', () => {
	it('reports months ahead per partitioned table, and a missing next month as needing action', async () => {
		const healthy = await maintenanceHealth(db.sql);
		const telematics = healthy.partitions.find(p => p.table === 'vehicle_telematics')!;
		expect(telematics.monthsAhead).toBeGreaterThanOrEqual(3);
		expect(telematics.defaultPartition).toBe('vehicle_telematics_default');
		expect(telematics.nextMonthMissing).toBe(false);

		await db.sql.unsafe(`drop table vehicle_telematics_${addMonths(month, 1).replace('-', '_')}`);
		const health = await maintenanceHealth(db.sql);
		const after = health.partitions.find(p => p.table === 'vehicle_telematics')!;
		expect(after.nextMonthMissing).toBe(true);
		expect(after.monthsAhead).toBe(0);
		expect(health.issues).toContainEqual(expect.objectContaining({severity: 'action', subject: 'vehicle_telematics', fix: 'evfleet maint partitions create --table vehicle_telematics'}));
		expect(needsAction(health)).toBe(true);
		await db.sql`select create_monthly_partitions('vehicle_telematics'::regclass, 3)`;
	});

	it('calls a never-refreshed view stale and a just-refreshed one fresh, with its duration', async () => {
		const before = await maintenanceHealth(db.sql);
		expect(before.matviews.find(m => m.view === 'energy_efficiency_metrics')!.stale).toBe(true);
		await db.sql`select refresh_energy_efficiency_metrics()`;
		const after = await maintenanceHealth(db.sql);
		const view = after.matviews.find(m => m.view === 'energy_efficiency_metrics')!;
		expect(view.stale).toBe(false);
		expect(view.lastRefreshAt).toBeInstanceOf(Date);
		expect(view.lastDurationMs).toBeGreaterThanOrEqual(0);
	});

	it('counts rows waiting in a default partition', async () => {
		await db.sql`create table probe_events (at timestamptz not null, v int) partition by range (at)`;
		await db.sql`create table probe_events_default partition of probe_events default`;
		await db.sql`insert into probe_events select '2020-01-15'::timestamptz, g from generate_series(1, 42) g`;
		const health = await maintenanceHealth(db.sql);
		const probe = health.partitions.find(p => p.table === 'probe_events')!;
		expect(probe.defaultRows).toBe(42);
		expect(health.issues).toContainEqual(expect.objectContaining({severity: 'action', subject: 'probe_events_default'}));
	});

	it('finds duplicate indexes', async () => {
		await db.sql`create index vehicles_vin_copy_a on vehicles (vin)`;
		await db.sql`create index vehicles_vin_copy_b on vehicles (vin)`;
		const health = await maintenanceHealth(db.sql);
		expect(health.indexes).toContainEqual(expect.objectContaining({index: 'vehicles_vin_copy_b', problem: 'duplicate', duplicateOf: 'vehicles_vin_copy_a'}));
	});

	it('lists a backend waiting for a lock on an evfleet table, and who blocks it', async () => {
		const holder = db.connect({max: 1});
		const waiter = db.connect({max: 1});
		let release!: () => void;
		const released = new Promise<void>(resolve => (release = resolve));
		let locked!: () => void;
		const isLocked = new Promise<void>(resolve => (locked = resolve));
		const holding = holder.begin(async tx => {
			await tx`lock table fleets in access exclusive mode`;
			locked();
			await released;
		});
		await isLocked;
		const waiting = waiter`select count(*) from fleets`.execute();
		try {
			await vi.waitFor(async () => {
				const health = await maintenanceHealth(db.sql);
				const blocked = health.activity.find(a => a.blockedBy.length > 0);
				expect(blocked).toBeDefined();
				expect(blocked!.query).toMatch(/select count\(\*\) from fleets/);
				expect(health.issues.some(i => /waiting .* for a lock held by pid/.test(i.message))).toBe(true);
			}, {timeout: 10_000, interval: 100});
		} finally {
			release();
			await holding;
			await waiting;
		}
	});
});
