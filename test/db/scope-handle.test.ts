// The transaction-scoped handle: every way the query modules reach the database runs inside a transaction
// that starts with the SET LOCALs, and nothing of it stays on the server connection afterwards.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {scopedHandle} from '../../source/db/scope.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

const org = '6f1c1f9e-1d7e-4c55-9a4e-2d3c4b5a6978';
let db: TestDatabase;
let pool: Sql;
let handle: Sql;

beforeAll(async () => {
	db = await createTestDatabase();
	pool = db.connect({max: 1});
	handle = scopedHandle(pool, {organizationId: org, readOnly: true, settings: {jit: 'off'}});
});
afterAll(async () => {
	await db?.close();
});

type Seen = {org: string | null; readOnly: string; jit: string};

describe('scopedHandle', () => {
	it('a tagged query, with a fragment from the handle inside, runs scoped and read-only', async () => {
		const fragment = handle`current_setting('transaction_read_only') as read_only`;
		const [row] = await handle<Seen[]>`select current_setting('app.current_org_id', true) as org, ${fragment}, current_setting('jit') as jit`;
		expect(row).toEqual({org, readOnly: 'on', jit: 'off'});
	});

	it('unsafe() with parameters, and begin(), run scoped too', async () => {
		const [viaUnsafe] = await handle.unsafe<{org: string}[]>(`select current_setting('app.current_org_id', true) || $1 as org`, ['!']);
		expect(viaUnsafe!.org).toBe(`${org}!`);
		const inBegin = await handle.begin(async tx => {
			const [a] = await tx<{org: string}[]>`select current_setting('app.current_org_id', true) as org`;
			const [b] = await tx<{pid: number}[]>`select pg_backend_pid() as pid`;
			return {org: a!.org, pid: b!.pid};
		});
		expect(inBegin.org).toBe(org);
	});

	it('queries awaited together each get their own scoped transaction', async () => {
		const rows = await Promise.all(Array.from({length: 5}, () => handle<{org: string}[]>`select current_setting('app.current_org_id', true) as org`));
		expect(rows.map(([row]) => row!.org)).toEqual(Array(5).fill(org));
	});

	it('leaves nothing on the server connection once the transaction is over', async () => {
		await handle`select 1`;
		const [row] = await pool<{org: string | null; readOnly: string}[]>`select current_setting('app.current_org_id', true) as org, current_setting('transaction_read_only') as read_only`;
		expect(row!.org ?? '').toBe('');
		expect(row!.readOnly).toBe('off');
	});

	it('refuses what one transaction per query cannot serve (a cursor), instead of running it unscoped', async () => {
		expect(() => handle`select 1`.cursor(10)).toThrow(/transaction-scoped handle/);
		expect(() => (handle as unknown as {reserve(): unknown}).reserve()).toThrow(/transaction-scoped handle/);
	});

	it('.values() is kept', async () => {
		const rows = await handle`select 1 as a, 2 as b`.values();
		expect(rows).toEqual([[1, 2]]);
	});

	it('a query that fails rolls its transaction back, and the connection serves the next one', async () => {
		await expect(handle`select 1 / 0`).rejects.toThrow(/division by zero/);
		const [row] = await handle<Seen[]>`select current_setting('app.current_org_id', true) as org, current_setting('transaction_read_only') as read_only, current_setting('jit') as jit`;
		expect(row).toEqual({org, readOnly: 'on', jit: 'off'});
	});

	it('a scope the server refuses fails with the server\'s reason, not with "transaction is aborted"', async () => {
		const refused = scopedHandle(pool, {organizationId: org, role: 'evfleet_no_such_role'});
		await expect(refused`select 1`).rejects.toThrow(/role "evfleet_no_such_role" does not exist/);
		const [row] = await handle<{org: string}[]>`select current_setting('app.current_org_id', true) as org`;
		expect(row!.org).toBe(org);
	});
});
