// evfleet_log_refusal(): how a role without INSERT on maintenance_log (evfleet_reader) gets its refused attempts
// audited, and why it cannot be used for anything else. Run as the reader role against the real schema.
import {randomBytes} from 'node:crypto';
import type {TransactionSql} from 'postgres';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
const suffix = randomBytes(3).toString('hex');
const reader = `refusal_reader_${suffix}`;
const outsider = `refusal_outsider_${suffix}`;

beforeAll(async () => {
	db = await createTestDatabase();
	await db.sql.unsafe(`create role ${reader} login; grant evfleet_reader to ${reader}; create role ${outsider} login`);
});

afterAll(async () => {
	await db.close();
	const url = new URL(db.url);
	url.pathname = '/postgres';
	const cluster = createSql(parseConnectionUrl(url.toString(), 'test'), {max: 1});
	await cluster.unsafe(`drop role if exists ${reader}; drop role if exists ${outsider}`).catch(() => {});
	await cluster.end();
});

const call = (sql: TestDatabase['sql'] | TransactionSql, action = 'partitions.create') =>
	sql<{id: number}[]>`select evfleet_log_refusal(${action}, 'all', 'SELECT create_monthly_partitions(...);', 'needs the evfleet_operator role', 'alice', 'bastion') as id`;

async function logRow(id: number) {
	const [row] = await db.sql<Array<{dbUser: string; osUser: string; clientHost: string; action: string; target: string; outcome: string; error: string; finishedAt: Date | null}>>`
		select db_user, os_user, client_host, action, target, outcome, error, finished_at from maintenance_log where id = ${id}`;
	return row;
}

describe('evfleet_log_refusal', () => {
	it('an evfleet_reader may not insert into maintenance_log itself', async () => {
		const sql = db.connect({user: reader, max: 1});
		const error = await sql`insert into maintenance_log (action, outcome) values ('vacuum', 'done')`.then(() => null, (e: {code?: string}) => e);
		expect(error?.code).toBe('42501');
	});

	it('records a refused row under the reader\'s own role, finished now', async () => {
		const sql = db.connect({user: reader, max: 1});
		const [row] = await call(sql);
		expect(await logRow(row!.id)).toMatchObject({dbUser: reader, osUser: 'alice', clientHost: 'bastion', action: 'partitions.create', target: 'all', outcome: 'refused', error: 'needs the evfleet_operator role'});
		expect((await logRow(row!.id))!.finishedAt).toBeInstanceOf(Date);
	});

	it('records the role the caller acts as after SET ROLE', async () => {
		const sql = db.connect({user: reader, max: 1});
		const [row] = await sql.begin(async tx => {
			await tx`set local role evfleet_reader`;
			return call(tx);
		});
		expect((await logRow(row!.id))!.dbUser).toBe('evfleet_reader');
	});

	it('writes to the real table even when the caller has a temporary maintenance_log of its own', async () => {
		const sql = db.connect({user: reader, max: 1});
		const rows = await sql.begin(async tx => {
			await tx`create temporary table maintenance_log (like public.maintenance_log including all) on commit drop`;
			const [row] = await call(tx, 'temp-table-probe');
			const [temp] = await tx<{n: number}[]>`select count(*)::int as n from pg_temp.maintenance_log`;
			return {id: row!.id, temp: temp!.n};
		});
		expect(rows.temp).toBe(0);
		expect((await logRow(rows.id))!.action).toBe('temp-table-probe');
	});

	it('is refused to roles outside evfleet (PUBLIC may not execute it)', async () => {
		const sql = db.connect({user: outsider, max: 1});
		const error = await call(sql).then(() => null, (e: {code?: string}) => e);
		expect(error?.code).toBe('42501');
	});

	it('is SECURITY DEFINER, owned by the owner of maintenance_log, with a search_path of pg_catalog and pg_temp only', async () => {
		const [fn] = await db.sql<{secdef: boolean; config: string[]; sameOwner: boolean; publicExecute: boolean}[]>`
			select p.prosecdef as secdef, p.proconfig as config,
			       p.proowner = (select relowner from pg_class where oid = 'public.maintenance_log'::regclass) as same_owner,
			       exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_execute
			from pg_proc p where p.oid = 'public.evfleet_log_refusal(text,text,text,text,text,text)'::regprocedure`;
		expect(fn).toEqual({secdef: true, config: ['search_path=pg_catalog, pg_temp'], sameOwner: true, publicExecute: false});
	});
});
