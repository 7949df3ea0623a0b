import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {simulatorLockName} from '../../source/demo/simulator.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

describe('evfleet simulate', () => {
	let db: TestDatabase;

	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('refuses a bad --silent-stations or --heartbeat with exit 2 before connecting', async () => {
		for (const args of [['--silent-stations', '150'], ['--silent-stations', 'many'], ['--heartbeat', 'soon']]) {
			const result = await runCli(['simulate', '--url', 'postgres://nobody@127.0.0.1:1/none', '--ticks', '1', ...args]);
			expect(result.code, result.stderr).toBe(2);
			expect(result.stderr).toMatch(/invalid --(silent-stations|heartbeat)/);
		}
	}, 120_000);

	it('stops with exit 1 and says who holds the database when another simulator runs against it', async () => {
		// Another simulator's session: it holds the lock, as a running `evfleet simulate` does.
		const other = db.connect({max: 1, parameters: {application_name: 'other-simulator'}});
		try {
			await other`select pg_advisory_lock(hashtext(${simulatorLockName}))`;
			const result = await runCli(['simulate', '--url', db.url, '--ticks', '3', '--quiet']);
			expect(result.code, result.stderr).toBe(1);
			expect(result.stderr).toMatch(/another simulator is running against this database \(backend pid \d+, other-simulator/);
			await other`select pg_advisory_unlock(hashtext(${simulatorLockName}))`;
			const free = await runCli(['simulate', '--url', db.url, '--ticks', '2', '--quiet']);
			expect(free.code, free.stderr).toBe(0);
		} finally {
			await other.end({timeout: 1});
		}
	}, 120_000);
});
