import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {freePort} from '../../source/demo/cluster.js';
import {createEmptyDatabase, type TestDatabase} from '../helpers/db.js';
import {cliEnv, runCli} from '../helpers/cli.js';

describe('evfleet CLI basics', () => {
	it('lists every command with a description in a pipe', async () => {
		const result = await runCli(['--help']);
		expect(result.code).toBe(0);
		for (const command of ['db', 'profile']) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b.+\\S`, 'm'));
		expect(result.stdout).not.toContain('\u001B[');
	});

	it('prints the version', async () => {
		const result = await runCli(['--version']);
		const {version} = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {version: string};
		expect(result.stdout.trim()).toBe(version);
	});

	it('exits 2 on an unknown option', async () => {
		const result = await runCli(['db', 'status', '--bogus']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/unknown option '--bogus'/);
	});

	it('says in one line that a closed port is not reachable, exit 1, no stack', async () => {
		const port = await freePort();
		const result = await runCli(['db', 'status', '--url', `postgres://nobody@127.0.0.1:${port}/fleet`]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`cannot connect to 127.0.0.1:${port} (connection refused)`);
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(result.stderr).not.toMatch(/\bat .+\.(ts|js):\d+/);
	});

	it('saves a statement timeout in a profile, and refuses an absurd one with exit 2 before saving', async () => {
		const env = cliEnv(undefined);
		const saved = await runCli(['profile', 'add', 'slow', '--url', 'postgres://dba@db.internal/fleet', '--statement-timeout', '30s'], {env});
		expect(saved.code).toBe(0);
		const refused = await runCli(['profile', 'add', 'absurd', '--url', 'postgres://dba@db.internal/fleet', '--statement-timeout', '99999d'], {env});
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('--statement-timeout');
		const listed = await runCli(['profile', 'list', '--json'], {env});
		expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({name: 'slow', statementTimeout: '30s'})]);
	});

	it('keeps passwords out of saved profiles', async () => {
		const env = cliEnv(undefined);
		const saved = await runCli(['profile', 'add', 'prod', '--url', 'postgres://dba:hunter2@db.internal:6432/fleet?sslmode=require', '--use'], {env});
		expect(saved.code).toBe(0);
		expect(saved.stderr).toMatch(/passwords? .* (was|were) not saved/);
		const listed = await runCli(['profile', 'list', '--json'], {env});
		expect(JSON.parse(listed.stdout)).toEqual([{current: true, name: 'prod', host: 'db.internal', port: 6432, database: 'fleet', user: 'dba', sslmode: 'require', readonly: false, statementTimeout: null}]);
		const files = fs.readdirSync(env['EVFLEET_CONFIG_DIR']!).map(file => fs.readFileSync(path.join(env['EVFLEET_CONFIG_DIR']!, file), 'utf8'));
		expect(files.join('')).not.toContain('hunter2');
	});
});

describe('evfleet db migrate', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await createEmptyDatabase();
	});
	afterAll(async () => {
		await db.close();
	});

	it('applies the five schema files, then has nothing to do', async () => {
		const first = await runCli(['db', 'migrate', '--url', db.url], {timeoutMs: 120_000});
		expect(first.stderr).not.toMatch(/evfleet:/);
		expect(first.code).toBe(0);
		expect(first.stdout).toMatch(/^applied 5 to /m);
		const second = await runCli(['db', 'migrate', '--url', db.url]);
		expect(second.code).toBe(0);
		expect(second.stdout).toMatch(/^nothing to do: 5 files already applied/m);
		const status = await runCli(['db', 'status', '--url', db.url, '--json']);
		const parsed = JSON.parse(status.stdout) as {files: Array<{name: string; status: string}>; server: {extensions: Array<{name: string; installedVersion: string | null}>}};
		expect(parsed.files.map(file => file.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
		expect(parsed.server.extensions.find(extension => extension.name === 'postgis')?.installedVersion).toMatch(/^3\./);
	}, 180_000); // the migrate run alone may take up to its own 120 s on a busy machine

	it('refuses an invalid --lock-timeout before connecting: one line, exit 2', async () => {
		const run = await runCli(['db', 'migrate', '--url', 'postgres://nobody@127.0.0.1:1/none', '--lock-timeout', 'soon']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/invalid --lock-timeout "soon"/);
		expect(run.stderr).not.toMatch(/connect|ECONNREFUSED/i);
	});
});
