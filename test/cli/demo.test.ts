import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';
import {cliCommand, cliEnv} from '../helpers/cli.js';

type Running = {child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null>};

function startHeadless(args: string[] = []): Running {
	// The tiny data set: these tests are about the server's life, not the seed's size (seeded in seconds).
	const [command, argv] = cliCommand(['demo', '--headless', '--scale', 'tiny', ...args]);
	const child = spawn(command, argv, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...cliEnv(undefined, {NO_COLOR: '1'})}});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', chunk => (stdout += chunk));
	child.stderr!.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	return {child, stdout: () => stdout, stderr: () => stderr, exited};
}

const urlOf = (running: Running) => /^postgres:\/\/\S+$/m.exec(running.stdout())?.[0];
const serverPid = (directory: string) => Number(fs.readFileSync(path.join(directory, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

async function countVehicles(url: string): Promise<number> {
	const sql = createSql(parseConnectionUrl(url, 'test'), {max: 1});
	try {
		const [row] = await sql<{vehicles: number}[]>`select count(*)::int as vehicles from vehicles`;
		return row!.vehicles;
	} finally {
		await sql.end({timeout: 1});
	}
}

describe('evfleet demo --headless', () => {
	it('prints the URL, serves the seeded database, and removes the cluster directory on SIGTERM', async () => {
		const demo = startHeadless();
		try {
			await expect.poll(() => urlOf(demo) !== undefined, {timeout: 110_000, interval: 100}).toBe(true);
			const directory = /data directory: (\S+)/.exec(demo.stderr())?.[1];
			expect(directory).toBeDefined();
			expect(fs.existsSync(directory!)).toBe(true);

			const sql = createSql(parseConnectionUrl(urlOf(demo)!, 'test'), {max: 1});
			try {
				const [row] = await sql<{organizations: number; vehicles: number}[]>`
					select (select count(*)::int from organizations) as organizations, (select count(*)::int from vehicles) as vehicles`;
				expect(row!.organizations).toBeGreaterThan(0);
				expect(row!.vehicles).toBeGreaterThan(0);
			} finally {
				await sql.end({timeout: 1});
			}

			demo.child.kill('SIGTERM');
			expect(await demo.exited).toBe(0);
			expect(fs.existsSync(directory!)).toBe(false);
			expect(demo.stderr()).toContain(`removed ${directory}`);
		} finally {
			if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
		}
	}, 150_000);

	it('comes up again on its --dir after kill -9 of both the console and the server, with the data kept', async () => {
		const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-demo-crash-'));
		let first: Running | undefined;
		let second: Running | undefined;
		try {
			first = startHeadless(['--dir', directory]);
			await expect.poll(() => urlOf(first!) !== undefined, {timeout: 110_000, interval: 100}).toBe(true);
			const vehicles = await countVehicles(urlOf(first)!);
			const pid = serverPid(directory);
			first.child.kill('SIGKILL');
			process.kill(pid, 'SIGKILL');
			await first.exited;
			await expect.poll(() => alive(pid), {timeout: 10_000, interval: 50}).toBe(false);
			// What a crash leaves: the dead server's postmaster.pid, which once said "ready".
			expect(fs.existsSync(path.join(directory, 'data', 'postmaster.pid'))).toBe(true);

			second = startHeadless(['--dir', directory]);
			await expect.poll(() => urlOf(second!) !== undefined || second!.child.exitCode !== null, {timeout: 60_000, interval: 100}).toBe(true);
			expect(urlOf(second), second.stderr()).toBeDefined();
			expect(second.stderr()).toContain('not seeding');
			expect(await countVehicles(urlOf(second)!)).toBe(vehicles);
			expect(serverPid(directory)).not.toBe(pid);
			second.child.kill('SIGTERM');
			expect(await second.exited).toBe(0);
		} finally {
			for (const running of [first, second]) if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
			try {
				const pid = serverPid(directory);
				if (alive(pid)) process.kill(pid, 'SIGQUIT');
			} catch {}
			fs.rmSync(directory, {recursive: true, force: true});
		}
	}, 200_000);

	it('leaves no server and no directory behind when it is killed with SIGKILL', async () => {
		const demo = startHeadless();
		let pid: number | undefined;
		try {
			await expect.poll(() => /data directory: (\S+)/.test(demo.stderr()), {timeout: 60_000, interval: 50}).toBe(true);
			const directory = /data directory: (\S+)/.exec(demo.stderr())![1]!;
			pid = serverPid(directory);
			expect(alive(pid)).toBe(true);
			demo.child.kill('SIGKILL');
			await demo.exited;
			await expect.poll(() => alive(pid!), {timeout: 30_000, interval: 50}).toBe(false);
			await expect.poll(() => fs.existsSync(directory), {timeout: 10_000, interval: 50}).toBe(false);
		} finally {
			if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
			if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
		}
	}, 120_000);
});
