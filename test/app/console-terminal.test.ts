// The console and `evfleet watch` in a real pseudo-terminal: what Ctrl-C does (exit 130, terminal given back,
// a running maintenance action cancelled on the server and audited), and what NO_COLOR leaves on the screen.
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {colorParameters, hasInverse} from '../helpers/ansi.js';
import {cliCommand, runCli} from '../helpers/cli.js';
import {shellQuote, visibleText} from '../../bench/lib/processes.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCliInPty, type PtyRun} from '../helpers/pty.js';

const enterAlternate = '\u001B[?1049h';
const leaveAlternate = '\u001B[?1049l';

let db: TestDatabase;
let runs: PtyRun[] = [];
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db?.close();
});
afterEach(() => {
	for (const run of runs) run.kill();
	runs = [];
});

function open(args: string[], env: Record<string, string | undefined> = {}): PtyRun {
	const run = runCliInPty([...args, '--url', db.url], {env});
	runs.push(run);
	return run;
}

/** The terminal is given back: the alternate screen was left after it was last entered. */
function leftAlternateScreen(output: string): boolean {
	return output.lastIndexOf(leaveAlternate) > output.lastIndexOf(enterAlternate) && output.includes(enterAlternate);
}

describe('Ctrl-C', () => {
	it('leaves the console with exit code 130 and gives the terminal back', async () => {
		const run = open([]);
		await run.waitFor(text => text.includes('Organizations') && text.includes('q quit'));
		run.write('\u0003');
		expect(await run.exited).toBe(130);
		expect(leftAlternateScreen(run.output())).toBe(true);
	});

	it('leaves evfleet watch with exit code 130', async () => {
		const run = open(['watch', 'vehicles']);
		await run.waitFor(text => text.includes('Live vehicles') && text.includes('q quit'));
		run.write('\u0003');
		expect(await run.exited).toBe(130);
		expect(leftAlternateScreen(run.output())).toBe(true);
	});

	it('stops evfleet demo while it starts, exit code 130, its cluster removed', async () => {
		// A temp folder of its own: other tests (the replica, other files' clusters) create evfleet-pg-* folders meanwhile.
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-demo-test-'));
		fs.chmodSync(tmp, 0o755); // the server may run as postgres
		const clusters = () => new Set(fs.readdirSync(tmp).filter(name => name.startsWith('evfleet-pg-')));
		const before = clusters();
		const run = runCliInPty(['demo'], {env: {TMPDIR: tmp}});
		runs.push(run);
		// Stop it once the cluster is up (its step ticked), while the schema and the data are still on their way.
		await run.waitFor(text => text.includes('✔ PostgreSQL'), 110_000);
		const ours = [...clusters()].filter(name => !before.has(name));
		expect(ours).toHaveLength(1);
		run.write('\u0003');
		expect(await run.exited).toBe(130);
		await expect.poll(() => fs.existsSync(path.join(tmp, ours[0]!)), {timeout: 20_000}).toBe(false);
		fs.rmSync(tmp, {recursive: true, force: true});
	}, 150_000);

	it('still exits 0 on q', async () => {
		const run = open([]);
		await run.waitFor(text => text.includes('q quit'));
		run.write('q');
		expect(await run.exited).toBe(0);
	});

	it('cancels a running maintenance action on the server, prints and audits its outcome, then exits 130', async () => {
		// A refresh that runs until it is cancelled (this database is the test's own).
		await db.sql.unsafe(`create or replace function refresh_battery_health_trends() returns matview_refresh_log
			language plpgsql as $$ begin perform pg_sleep(600); return null; end $$`);
		const run = open(['--view', 'maint battery_health_trends']);
		await run.waitFor(text => text.includes('Run? [y/N]'));
		run.write('y');
		await run.waitFor(text => text.includes('esc or Ctrl-C cancels'));
		run.write('\u0003');
		expect(await run.exited).toBe(130);
		const output = run.output();
		expect(leftAlternateScreen(output)).toBe(true);
		// Said after the console is gone, on the person's own screen.
		const after = output.slice(output.lastIndexOf(leaveAlternate));
		expect(after).toContain('cancelling on the server: evfleet maint refresh battery_health_trends');
		expect(after).toMatch(/cancelled/);
		const [row] = await db.sql<{outcome: string}[]>`select outcome from maintenance_log where action = 'refresh' order by id desc limit 1`;
		expect(row?.outcome).toBe('cancelled');
		const [running] = await db.sql<{n: number}[]>`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(600)%' and pid <> pg_backend_pid() and state = 'active'`;
		expect(running?.n).toBe(0);
	});
});

/**
 * The console in a pseudo-terminal that goes away under it, as `tmux kill-session` or a dropped SSH session does it.
 * The shell around it ignores SIGHUP (the console does not: Node resets it) to write the console's exit status and
 * keep its stderr in a file.
 */
function openToHangUp(args: string[]) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-hangup-'));
	const [command, argv] = cliCommand([...args, '--url', db.url]);
	const inner = `stty cols 80 rows 24 2>/dev/null; trap '' HUP; ${shellQuote([command, ...argv])} 2>${dir}/stderr; echo $? >${dir}/status`;
	const child = spawn('script', ['-qfec', inner, '/dev/null'], {
		env: {...process.env, CI: undefined, CONTINUOUS_INTEGRATION: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color'},
		stdio: ['pipe', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.resume();
	const closeTerminal = () => {
		try {
			process.kill(-child.pid!, 'SIGKILL'); // script, which holds the terminal's other end
		} catch {}
	};
	runs.push({kill: closeTerminal} as PtyRun);
	return {
		write: (keys: string) => child.stdin.write(keys),
		waitFor: (predicate: (text: string) => boolean) => expect.poll(() => predicate(visibleText(output)), {timeout: 30_000}).toBe(true),
		/** As tmux kill-session: SIGHUP to the terminal's session (the shell, the console), then the terminal closed. */
		hangUp(signal = true) {
			const session = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], {encoding: 'utf8'}).trim());
			if (signal) process.kill(-session, 'SIGHUP');
			closeTerminal();
		},
		async exited() {
			const status = path.join(dir, 'status');
			await expect.poll(() => fs.existsSync(status) && fs.readFileSync(status, 'utf8').endsWith('\n'), {timeout: 20_000}).toBe(true);
			const result = {code: Number(fs.readFileSync(status, 'utf8')), stderr: fs.readFileSync(path.join(dir, 'stderr'), 'utf8')};
			fs.rmSync(dir, {recursive: true, force: true});
			return result;
		},
	};
}

/** What the console wrote to its stderr, less the cursor it shows again as it exits. */
const messages = (stderr: string) => stderr.replaceAll('\u001B[?25h', '');

describe('hang-up (the terminal closed under the console)', () => {
	it('exits 129 and writes nothing, no assertion about ResetStdio', async () => {
		const run = openToHangUp([]);
		await run.waitFor(text => text.includes('Organizations') && text.includes('q quit'));
		run.hangUp();
		const {code, stderr} = await run.exited();
		expect(messages(stderr)).toBe('');
		expect(code).toBe(129);
	});

	it('exits 129 as quietly when only the terminal goes, without a SIGHUP', async () => {
		const run = openToHangUp(['--view', 'live']);
		await run.waitFor(text => text.includes('Live vehicles') && text.includes('q quit'));
		run.hangUp(false);
		const {code, stderr} = await run.exited();
		expect(messages(stderr)).toBe('');
		expect(code).toBe(129);
	});

	it('cancels a running maintenance action on the server and audits it, reports it on stderr, exits 129', async () => {
		await db.sql.unsafe(`create or replace function refresh_battery_health_trends() returns matview_refresh_log
			language plpgsql as $$ begin perform pg_sleep(600); return null; end $$`);
		const run = openToHangUp(['--view', 'maint battery_health_trends']);
		await run.waitFor(text => text.includes('Run? [y/N]'));
		run.write('y');
		await run.waitFor(text => text.includes('esc or Ctrl-C cancels'));
		run.hangUp();
		const {code, stderr} = await run.exited();
		expect(code).toBe(129);
		expect(stderr).toContain('cancelling on the server: evfleet maint refresh battery_health_trends');
		expect(stderr).toMatch(/cancelled/);
		expect(stderr).not.toMatch(/EIO|Assertion|ResetStdio/);
		const [row] = await db.sql<{outcome: string}[]>`select outcome from maintenance_log where action = 'refresh' order by id desc limit 1`;
		expect(row?.outcome).toBe('cancelled');
		const [running] = await db.sql<{n: number}[]>`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(600)%' and pid <> pg_backend_pid() and state = 'active'`;
		expect(running?.n).toBe(0);
	});
});

describe('NO_COLOR on a real terminal and in a pipe', () => {
	it('the console writes no color and no faint escape, and the selected row is inverse', async () => {
		const run = open(['--view', 'maint'], {NO_COLOR: '1'});
		await run.waitFor(text => text.includes('Overview') && text.includes('q quit'));
		run.write('q');
		expect(await run.exited).toBe(0);
		expect(colorParameters(run.output())).toEqual([]);
		expect(hasInverse(run.output())).toBe(true);
	});

	it('the same console is colored without NO_COLOR', async () => {
		const run = open(['--view', 'maint']);
		await run.waitFor(text => text.includes('Overview') && text.includes('q quit'));
		run.write('q');
		expect(await run.exited).toBe(0);
		expect(colorParameters(run.output()).length).toBeGreaterThan(0);
	});

	it('a live snapshot in a pipe is plain text, without NO_COLOR', async () => {
		const result = await runCli(['watch', 'vehicles', '--once', '--url', db.url]);
		expect(result.code).toBe(0);
		expect(result.stdout).not.toContain('\u001B');
	});
});
