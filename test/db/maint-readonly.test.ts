import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseConnectionUrl} from '../../source/db/connection.js';
import {createMaintenanceData} from '../../source/db/maintenance/data.js';
import {UsageError} from '../../source/model/errors.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

describe('console --readonly', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(async () => {
		await db.close();
	});

	it('refuses every maintenance action before any SQL, while health still reads', async () => {
		const data = createMaintenanceData(parseConnectionUrl(db.url, 'test'), db.sql, {readOnly: true});
		expect(data.readOnly).toBe(true);
		await expect(data.prepare({action: 'partitions.create', ahead: 3})).rejects.toBeInstanceOf(UsageError);
		await expect(data.prepare({action: 'refresh', view: 'all'})).rejects.toThrow(/--readonly/);
		const health = await data.health();
		expect(health).toBeTruthy();
		const [{count}] = (await db.sql<{count: number}[]>`select count(*)::int from maintenance_log`) as unknown as [{count: number}];
		expect(count).toBe(0);
	});

	it('still plans actions without --readonly', async () => {
		const data = createMaintenanceData(parseConnectionUrl(db.url, 'test'), db.sql);
		const plan = await data.prepare({action: 'partitions.create', ahead: 3});
		expect(JSON.stringify(plan)).toContain('create_monthly_partitions');
	});
});
