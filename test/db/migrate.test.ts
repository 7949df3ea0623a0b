import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {migrate, migrationStatus, lineOf} from '../../source/db/migrate.js';
import {MigrationError} from '../../source/model/errors.js';
import {createEmptyDatabase, type TestDatabase} from '../helpers/db.js';

const fixtures = path.resolve('test/fixtures/migrations');

function copyFixture(name: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-mig-'));
	fs.cpSync(path.join(fixtures, name), dir, {recursive: true});
	return dir;
}

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
	const [row] = await db.sql<{exists: boolean}[]>`select to_regclass(${table}) is not null as exists`;
	return row!.exists;
}

describe('migrate', () => {
	let db: TestDatabase;
	beforeEach(async () => {
		db = await createEmptyDatabase();
	});
	afterEach(async () => {
		await db.close();
	});

	it('applies the files in order and records name, checksum and duration', async () => {
		const sql = db.connect({max: 1});
		const result = await migrate(sql, {dir: path.join(fixtures, 'good')});
		expect(result.applied.map(file => file.name)).toEqual(['schema.sql', 'fleet_schema.sql']);
		const rows = await db.sql<{filename: string; checksum: string; durationMs: number}[]>`select filename, checksum, duration_ms from evfleet_schema_migrations order by applied_at, filename`;
		expect(rows.map(row => row.filename).sort()).toEqual(['fleet_schema.sql', 'schema.sql']);
		expect(rows.every(row => /^[0-9a-f]{64}$/.test(row.checksum) && row.durationMs >= 0)).toBe(true);
		expect(await tableExists(db, 'fixture_c')).toBe(true);
	});

	it('does nothing the second time', async () => {
		const sql = db.connect({max: 1});
		await migrate(sql, {dir: path.join(fixtures, 'good')});
		const again = await migrate(sql, {dir: path.join(fixtures, 'good')});
		expect(again.applied).toEqual([]);
		expect(again.alreadyApplied).toEqual(['schema.sql', 'fleet_schema.sql']);
	});

	it('refuses a file whose checksum changed after it was applied, naming it', async () => {
		const dir = copyFixture('good');
		const sql = db.connect({max: 1});
		await migrate(sql, {dir});
		fs.appendFileSync(path.join(dir, 'fleet_schema.sql'), '\n-- edited\n');
		const failure = migrate(sql, {dir});
		await expect(failure).rejects.toBeInstanceOf(MigrationError);
		await expect(failure).rejects.toThrow(/fleet_schema\.sql changed after it was applied/);
		await expect(failure).rejects.toMatchObject({hint: expect.stringContaining('--reapply-changed')});
		const states = await migrationStatus(sql, dir);
		expect(states.find(state => state.name === 'fleet_schema.sql')?.status).toBe('changed');
	});

	it('with reapplyChanged applies a changed file again, in order, and records its new checksum', async () => {
		const dir = copyFixture('good');
		const sql = db.connect({max: 1});
		await migrate(sql, {dir});
		const [before] = await db.sql<{checksum: string}[]>`select checksum from evfleet_schema_migrations where filename = 'fleet_schema.sql'`;
		fs.appendFileSync(path.join(dir, 'fleet_schema.sql'), '\ncreate table if not exists fixture_again (id int);\n');
		const dry = await migrate(sql, {dir, reapplyChanged: true, dryRun: true});
		expect({applied: dry.applied, reapplied: dry.reapplied.map(file => file.name)}).toEqual({applied: [], reapplied: ['fleet_schema.sql']});
		expect(await tableExists(db, 'fixture_again')).toBe(false);
		const result = await migrate(sql, {dir, reapplyChanged: true});
		expect(result.reapplied.map(file => file.name)).toEqual(['fleet_schema.sql']);
		expect(result.applied).toEqual([]);
		expect(result.alreadyApplied).toEqual(['schema.sql']);
		expect(await tableExists(db, 'fixture_again')).toBe(true);
		const [after] = await db.sql<{checksum: string}[]>`select checksum from evfleet_schema_migrations where filename = 'fleet_schema.sql'`;
		expect(after!.checksum).not.toBe(before!.checksum);
		expect((await migrationStatus(sql, dir)).map(state => state.status)).toEqual(['applied', 'applied']);
		expect((await migrate(sql, {dir})).applied).toEqual([]);
	});

	it('gives up on a file whose table stays locked (lock_timeout), applies nothing of it, and succeeds once it is free', async () => {
		const dir = copyFixture('good');
		const sql = db.connect({max: 1});
		await migrate(sql, {dir});
		fs.appendFileSync(path.join(dir, 'fleet_schema.sql'), '\ncreate table if not exists fixture_locked (id int);\n');
		const holder = db.connect({max: 1});
		const reserved = await holder.reserve();
		try {
			await reserved`begin`;
			await reserved`lock table fixture_a in access exclusive mode`;
			const failure = migrate(sql, {dir, reapplyChanged: true, lockTimeoutMs: 200});
			await expect(failure).rejects.toBeInstanceOf(MigrationError);
			await expect(failure).rejects.toThrow(/fleet_schema\.sql: could not get a lock within 200 ms \(lock_timeout\)/);
			expect(await tableExists(db, 'fixture_locked')).toBe(false);
			expect((await migrationStatus(sql, dir)).map(state => state.status)).toEqual(['applied', 'changed']);
		} finally {
			await reserved`rollback`;
			reserved.release();
			await holder.end();
		}
		expect((await migrate(sql, {dir, reapplyChanged: true, lockTimeoutMs: 200})).reapplied.map(file => file.name)).toEqual(['fleet_schema.sql']);
		expect(await tableExists(db, 'fixture_locked')).toBe(true);
	});

	it('rolls a failing file back completely and names the file and line', async () => {
		const sql = db.connect({max: 1});
		const failure = migrate(sql, {dir: path.join(fixtures, 'broken')});
		await expect(failure).rejects.toThrow(/fleet_schema\.sql:6: relation "no_such_table" does not exist/);
		expect(await tableExists(db, 'fixture_ok')).toBe(true);
		expect(await tableExists(db, 'fixture_half')).toBe(false);
		const states = await migrationStatus(sql, path.join(fixtures, 'broken'));
		expect(states.map(state => state.status)).toEqual(['applied', 'pending']);
	});

	it('lets two concurrent runs apply each file exactly once', async () => {
		const first = db.connect({max: 1});
		const second = db.connect({max: 1});
		const dir = path.join(fixtures, 'good');
		const [a, b] = await Promise.all([migrate(first, {dir}), migrate(second, {dir})]);
		expect([...a.applied, ...b.applied].map(file => file.name).sort()).toEqual(['fleet_schema.sql', 'schema.sql']);
		const [{count}] = (await db.sql<{count: number}[]>`select count(*)::int from evfleet_schema_migrations`) as unknown as [{count: number}];
		expect(count).toBe(2);
	});

	it('prints the plan with --dry-run and changes nothing', async () => {
		const sql = db.connect({max: 1});
		const plan = await migrate(sql, {dir: path.join(fixtures, 'good'), dryRun: true});
		expect(plan.applied.map(file => file.name)).toEqual(['schema.sql', 'fleet_schema.sql']);
		expect(await tableExists(db, 'fixture_a')).toBe(false);
		expect(await tableExists(db, 'evfleet_schema_migrations')).toBe(false);
	});
});

describe('lineOf', () => {
	it('turns a 1-based character position into a line number', () => {
		expect(lineOf('a\nbc\nd', 1)).toBe(1);
		expect(lineOf('a\nbc\nd', 3)).toBe(2);
		expect(lineOf('a\nbc\nd', 6)).toBe(3);
	});
});
