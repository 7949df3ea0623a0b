// A server that wants a password: the wrong one, and none at all, each end in one or two lines that say which
// user and what to do, exit 1, no stack. A real PostgreSQL with scram-sha-256 on TCP (its own small cluster:
// the shared test server trusts every local login).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSql} from '../../source/db/connection.js';
import {startCluster, type Cluster} from '../../source/demo/cluster.js';
import {runCli} from '../helpers/cli.js';

let cluster: Cluster;
let hbaDirectory: string;

beforeAll(async () => {
	hbaDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-hba-'));
	fs.chmodSync(hbaDirectory, 0o755);
	const hbaFile = path.join(hbaDirectory, 'pg_hba.conf');
	// The socket stays trusted (the test sets the role up through it); TCP asks every login for a password.
	fs.writeFileSync(hbaFile, 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n', {mode: 0o644});
	cluster = await startCluster({settings: {hba_file: hbaFile, password_encryption: 'scram-sha-256'}});
	const admin = createSql({host: cluster.socketDir, port: cluster.port, database: 'postgres', user: cluster.user, source: 'test'}, {max: 1});
	try {
		await admin.unsafe(`create role driver login password 'right-one'`);
	} finally {
		await admin.end({timeout: 5});
	}
}, 120_000);

afterAll(async () => {
	await cluster?.stop();
	fs.rmSync(hbaDirectory, {recursive: true, force: true});
});

const url = (password?: string) => `postgres://driver${password === undefined ? '' : `:${password}`}@127.0.0.1:${cluster.port}/postgres`;
// No password from the developer's shell or ~/.pgpass: only what each test gives.
const noPassword = {PGPASSFILE: '/nonexistent', PGPASSWORD: ''};

describe('a server that asks for a password', () => {
	it('the wrong password: says so for that user and where, exit 1, one or two lines', async () => {
		const result = await runCli(['db', 'status', '--url', url('wrong-one')], {env: noPassword});
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`password authentication failed for user "driver" at 127.0.0.1:${cluster.port}`);
		expect(result.stderr).toMatch(/PGPASSWORD|pgpass/);
		expect(result.stderr).not.toContain('wrong-one');
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(result.stderr).not.toMatch(/\bat .+\.(ts|js|cjs):\d+/);
	});

	it('no password at all: says the server wants one and where to put it, exit 1', async () => {
		const result = await runCli(['db', 'status', '--url', url()], {env: noPassword});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/password/);
		expect(result.stderr).toMatch(/PGPASSWORD|pgpass/);
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(result.stderr).not.toMatch(/\bat .+\.(ts|js|cjs):\d+/);
	});

	it('the right password from PGPASSWORD gets past authentication (db status lists the schema files as pending)', async () => {
		const result = await runCli(['db', 'status', '--url', url()], {env: {...noPassword, PGPASSWORD: 'right-one'}});
		expect(result.stderr).not.toMatch(/password/i);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/schema\.sql\s+pending/);
	});
});
