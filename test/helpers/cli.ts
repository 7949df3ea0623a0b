// Runs the evfleet CLI as a person would: a real process, stdin not a terminal. CI tests the shipped
// build (bin/evfleet.js, built just before the tests); elsewhere the source runs through tsx, never a stale dist/.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll} from 'vitest';

export type CliResult = {code: number | null; stdout: string; stderr: string};

type Env = Record<string, string | undefined>;

export const cliEntry = path.resolve('source/cli.tsx');

export const usesBuild = Boolean(process.env['CI']) && process.env['EVFLEET_TEST_SOURCE'] !== '1';

export function cliCommand(args: readonly string[]): [string, string[]] {
	if (usesBuild) return [process.execPath, [path.resolve('bin/evfleet.js'), ...args]];
	return [process.execPath, ['--import', 'tsx', cliEntry, ...args]];
}

// One folder per test file holds every config directory cliEnv hands out; it goes when the file's tests end.
let configRoot: string | undefined;
afterAll(() => {
	if (configRoot) fs.rmSync(configRoot, {recursive: true, force: true});
	configRoot = undefined;
});

/** PGPASSWORD and PGPASSFILE only answer the server's password question (and the test harness connects with them). */
const authenticationOnly = new Set(['PGPASSWORD', 'PGPASSFILE']);

/**
 * The environment of every evfleet child process in the tests, over process.env: the database in `url`
 * (DATABASE_URL; undefined: none), a fresh empty EVFLEET_CONFIG_DIR so no saved profile of the developer's
 * leaks in and none the test saves leaks out, and every PG* connection variable of the developer's shell
 * (PGHOST, PGPORT, PGSSLMODE, PGCONNECT_TIMEOUT, ...) unset so it never changes what the test talks to.
 * `extra` wins over all of it: a test that sets PG* variables or a bad DATABASE_URL on purpose says so there.
 */
export function cliEnv(url: string | undefined, extra: Env = {}): Env {
	const unset = Object.keys(process.env).filter(name => name.startsWith('PG') && !authenticationOnly.has(name));
	const env: Env = Object.fromEntries(unset.map(name => [name, undefined]));
	env['DATABASE_URL'] = url;
	if (!('EVFLEET_CONFIG_DIR' in extra)) {
		configRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-test-config-'));
		env['EVFLEET_CONFIG_DIR'] = fs.mkdtempSync(path.join(configRoot, 'c-'));
	}
	return {...env, ...extra};
}

/** Runs one command to its end; `env` (over cliEnv(undefined)) holds only what this test changes, e.g. DATABASE_URL. */
export function runCli(args: readonly string[], options: {env?: Env; input?: string; timeoutMs?: number} = {}): Promise<CliResult> {
	const [command, argv] = cliCommand(args);
	return new Promise((resolve, reject) => {
		const child = spawn(command, argv, {
			env: {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...cliEnv(undefined, options.env)},
			stdio: ['pipe', 'pipe', 'pipe'],
		});

		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}
