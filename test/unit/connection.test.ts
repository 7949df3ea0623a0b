import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createSql, isPooler, mapConnectionError, parseConnectionUrl, readPgpass, readTarget, resolvePassword, resolveTarget, sessionTarget} from '../../source/db/connection.js';
import {setLocalStatements} from '../../source/db/scope.js';
import {openProfileStore, type ProfileStore} from '../../source/db/profiles.js';
import {ConnectionError, UsageError} from '../../source/model/errors.js';

function tempStore(): ProfileStore {
	return openProfileStore(fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-conf-')));
}

function storeWith(current?: string): () => ProfileStore {
	const store = tempStore();
	store.save('staging', {host: 'staging.db', port: 5433, database: 'fleet', user: 'ops'});
	store.save('prod', {host: 'prod.db', port: 5432, database: 'fleet', user: 'dba', sslmode: 'require'});
	if (current) store.use(current);
	return () => store;
}

describe('resolveTarget', () => {
	const env = {DATABASE_URL: 'postgres://env@envhost:6000/envdb', PGHOST: 'pghost', PGUSER: 'pguser', PGDATABASE: 'pgdb'};

	it('prefers --url over everything', () => {
		const target = resolveTarget({url: 'postgres://u@urlhost:7000/urldb', profile: 'staging'}, env, storeWith('prod'));
		expect(target).toMatchObject({host: 'urlhost', port: 7000, database: 'urldb', user: 'u', source: '--url'});
	});

	it('carries a profile\'s statementTimeout to the console as milliseconds, and refuses a hand-edited bad one', () => {
		const store = tempStore();
		store.save('slow', {host: 'h', port: 5432, database: 'fleet', user: 'ops', statementTimeout: '30s'});
		store.save('broken', {host: 'h', port: 5432, database: 'fleet', user: 'ops', statementTimeout: 'soon'});
		expect(resolveTarget({profile: 'slow'}, {}, () => store).statementTimeoutMs).toBe(30_000);
		expect(resolveTarget({profile: 'staging'}, {}, storeWith()).statementTimeoutMs).toBeUndefined();
		expect(() => resolveTarget({profile: 'broken'}, {}, () => store)).toThrow(/statementTimeout of profile broken/);
	});

	it('takes --profile before DATABASE_URL and PG* variables', () => {
		expect(resolveTarget({profile: 'staging'}, env, storeWith('prod'))).toMatchObject({host: 'staging.db', port: 5433, source: 'profile staging'});
	});

	it('takes DATABASE_URL before the PG* variables and the profile in use', () => {
		expect(resolveTarget({}, env, storeWith('prod'))).toMatchObject({host: 'envhost', port: 6000, database: 'envdb', source: 'DATABASE_URL'});
	});

	it('takes the PG* variables before the profile in use', () => {
		const {DATABASE_URL: _, ...pgOnly} = env;
		expect(resolveTarget({}, pgOnly, storeWith('prod'))).toMatchObject({host: 'pghost', user: 'pguser', database: 'pgdb', source: 'PG* variables'});
	});

	it('falls back to the profile chosen with profile use', () => {
		expect(resolveTarget({}, {}, storeWith('prod'))).toMatchObject({host: 'prod.db', sslmode: 'require', source: 'profile prod (in use)'});
	});

	it('falls back to libpq defaults with nothing configured', () => {
		const target = resolveTarget({}, {}, storeWith());
		expect(target.source).toBe('libpq defaults');
		expect(target.user).toBe(os.userInfo().username);
		expect(target.port).toBe(5432);
	});

	it('rejects an unknown profile as bad usage', () => {
		expect(() => resolveTarget({profile: 'nope'}, {}, storeWith())).toThrow(UsageError);
	});

	it('reads sslmode and a socket host from the URL', () => {
		expect(parseConnectionUrl('postgresql://a:b@h/db?sslmode=require', 'x', {})).toMatchObject({sslmode: 'require', password: 'b', port: 5432});
		expect(parseConnectionUrl('postgres:///db?host=/var/run/postgresql&user=me', 'x', {})).toMatchObject({host: '/var/run/postgresql', user: 'me', database: 'db'});
		expect(() => parseConnectionUrl('mysql://h/db', 'x', {})).toThrow(UsageError);
		expect(() => parseConnectionUrl('postgres://h/db?sslmode=sometimes', 'x', {})).toThrow(/invalid sslmode/);
	});
});

describe('passwords', () => {
	const target = {host: 'db.example', port: 5432, database: 'fleet', user: 'dba', source: 'test'};

	it('takes PGPASSWORD, else a matching ~/.pgpass line', () => {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-pgpass-')), 'pgpass');
		fs.writeFileSync(file, 'other:5432:*:dba:wrong\ndb.example:*:fleet:dba:s3cr:et\n', {mode: 0o600});
		expect(readPgpass(target, file)).toBe('s3cr:et');
		expect(resolvePassword(target, {PGPASSWORD: 'fromenv', PGPASSFILE: file})).toBe('fromenv');
		expect(resolvePassword(target, {PGPASSFILE: file})).toBe('s3cr:et');
	});

	it('ignores a password file others can read, as libpq does', () => {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-pgpass-')), 'pgpass');
		fs.writeFileSync(file, '*:*:*:*:open\n', {mode: 0o644});
		fs.chmodSync(file, 0o644);
		expect(readPgpass(target, file)).toBeUndefined();
	});
});

describe('profiles', () => {
	it('never stores a password, even when handed one', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-conf-'));
		const store = openProfileStore(dir);
		store.save('p', {host: 'h', port: 5432, database: 'd', user: 'u', password: 'hunter2'} as never);
		const text = fs.readFileSync(store.path, 'utf8');
		expect(text).toContain('"host": "h"');
		expect(text).not.toContain('hunter2');
		expect(store.get('p')).toEqual({host: 'h', port: 5432, database: 'd', user: 'u'});
	});

	it('forgets the profile in use when it is removed', () => {
		const store = tempStore();
		store.save('a', {host: 'h', port: 1, database: 'd', user: 'u'});
		store.use('a');
		store.remove('a');
		expect(store.current()).toBeUndefined();
		expect(store.list()).toEqual([]);
	});
});

describe('mapConnectionError', () => {
	const target = {host: '127.0.0.1', port: 5433, database: 'fleet', user: 'dba', source: '--url'};

	it.each([
		[{code: 'ECONNREFUSED'}, /cannot connect to 127\.0\.0\.1:5433 \(connection refused\)/],
		[{code: '28P01', message: 'password authentication failed'}, /authentication failed for user "dba"/],
		[{code: '3D000', message: 'database "fleet" does not exist'}, /database "fleet" does not exist/],
		[{code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "dba", database "fleet", no encryption'}, /requires TLS/],
	])('explains %o in one line', (raw, expected) => {
		const mapped = mapConnectionError(Object.assign(new Error(String((raw as {message?: string}).message ?? '')), raw), target);
		expect(mapped).toBeInstanceOf(ConnectionError);
		expect((mapped as Error).message).toMatch(expected);
	});
});

describe('pooler, replica, direct URL and connect timeout', () => {
	it('takes a transaction pooler from the URL, from port 6432, and lets pooler=none override the port', () => {
		expect(isPooler(parseConnectionUrl('postgres://u@h:5432/db?pooler=transaction', '--url', {}))).toBe(true);
		expect(isPooler(parseConnectionUrl('postgres://u@h:6432/db', '--url', {}))).toBe(true);
		expect(isPooler(parseConnectionUrl('postgres://u@h:6432/db?pooler=none', '--url', {}))).toBe(false);
		expect(isPooler(parseConnectionUrl('postgres://u@h:5432/db', '--url', {}))).toBe(false);
		expect(() => parseConnectionUrl('postgres://u@h/db?pooler=statement', '--url', {})).toThrow(UsageError);
	});

	it('reads connect_timeout from the URL before PGCONNECT_TIMEOUT, and refuses nonsense', () => {
		expect(parseConnectionUrl('postgres://u@h/db?connect_timeout=3', '--url', {PGCONNECT_TIMEOUT: '7'}).connectTimeoutSeconds).toBe(3);
		expect(parseConnectionUrl('postgres://u@h/db', '--url', {PGCONNECT_TIMEOUT: '7'}).connectTimeoutSeconds).toBe(7);
		expect(parseConnectionUrl('postgres://u@h/db', '--url', {}).connectTimeoutSeconds).toBeUndefined();
		expect(resolveTarget({}, {PGHOST: 'h', PGCONNECT_TIMEOUT: '4'}, storeWith()).connectTimeoutSeconds).toBe(4);
		expect(() => parseConnectionUrl('postgres://u@h/db?connect_timeout=soon', '--url', {})).toThrow(UsageError);
	});

	it('attaches --read-url and --direct-url to any target; the primary connect timeout carries over', () => {
		const target = resolveTarget({url: 'postgres://u@pool:6432/db?connect_timeout=4', readUrl: 'postgres://u@replica/db', directUrl: 'postgres://u@primary:5432/db'}, {}, storeWith());
		expect(target.read).toMatchObject({host: 'replica', source: '--read-url', connectTimeoutSeconds: 4});
		expect(target.direct).toMatchObject({host: 'primary', port: 5432, source: '--direct-url'});
		expect(readTarget(target).host).toBe('replica');
		expect(sessionTarget(target).host).toBe('primary');
	});

	it('takes readUrl, directUrl and pooler from a profile, saved without passwords', () => {
		const store = tempStore();
		store.save('pooled', {host: 'pool', port: 6432, database: 'fleet', user: 'ops', pooler: true, readUrl: 'postgres://ops:secret@replica/fleet', directUrl: 'postgres://ops:secret@primary/fleet'});
		expect(JSON.stringify(store.get('pooled'))).not.toContain('secret');
		const target = resolveTarget({profile: 'pooled'}, {}, () => store);
		expect(target).toMatchObject({pooler: true, read: {host: 'replica'}, direct: {host: 'primary'}});
	});

	it('refuses session work through a pooler without a direct URL, saying what to give', () => {
		const pooled = parseConnectionUrl('postgres://u@pool:6432/db', '--url', {});
		expect(() => sessionTarget(pooled)).toThrow(expect.objectContaining({exitCode: 2, hint: expect.stringContaining('--direct-url')}));
		expect(() => createSql(pooled, {parameters: {statement_timeout: '1s'}})).toThrow(/transaction pooler/);
		const direct = parseConnectionUrl('postgres://u@db:5432/db', '--url', {});
		expect(sessionTarget(direct)).toBe(direct);
	});

	it('explains PgBouncer refusing a startup parameter', () => {
		const error = mapConnectionError(Object.assign(new Error('unsupported startup parameter: jit'), {code: '08P01'}), parseConnectionUrl('postgres://u@h:6000/db', '--url', {}));
		expect(error).toMatchObject({hint: expect.stringContaining('pooler=transaction')});
	});
});

describe('setLocalStatements', () => {
	const org = '6f1c1f9e-1d7e-4c55-9a4e-2d3c4b5a6978';

	it('sets the organization, settings and role transaction-locally, the role last', () => {
		expect(setLocalStatements({organizationId: org, role: 'evfleet_reader', settings: {jit: 'off'}})).toBe(`set local citus.propagate_set_commands = 'local'; set local app.current_org_id = '${org}'; set local jit = 'off'; set local role "evfleet_reader"`);
		expect(setLocalStatements({})).toBe('');
	});

	it('refuses an organization that is not a uuid and a setting name that is not an identifier', () => {
		expect(() => setLocalStatements({organizationId: "x'; reset role; --"})).toThrow(/not a uuid/);
		expect(() => setLocalStatements({settings: {'jit = on; reset role; set x': 'y'}})).toThrow(/invalid setting name/);
	});

	it('quotes setting values', () => {
		expect(setLocalStatements({settings: {application_name: "it's"}})).toBe(`set local application_name = 'it''s'`);
	});
});
