import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {describe, expect, it} from 'vitest';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';
import {cliCommand} from '../helpers/cli.js';

describe('evfleet demo --headless', () => {
	it('prints the URL, serves the seeded database, and removes the cluster directory on SIGTERM', async () => {
		const [command, argv] = cliCommand(['demo', '--headless']);
		const child = spawn(command, argv, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
		try {
			await expect.poll(() => /^postgres:\/\/\S+$/m.test(stdout), {timeout: 110_000, interval: 100}).toBe(true);
			const url = stdout.trim().split('\n')[0]!;
			const directory = /data directory: (\S+)/.exec(stderr)?.[1];
			expect(directory).toBeDefined();
			expect(fs.existsSync(directory!)).toBe(true);

			const sql = createSql(parseConnectionUrl(url, 'test'), {max: 1});
			try {
				const [row] = await sql<{organizations: number; vehicles: number}[]>`
					select (select count(*)::int from organizations) as organizations, (select count(*)::int from vehicles) as vehicles`;
				expect(row!.organizations).toBeGreaterThan(0);
				expect(row!.vehicles).toBeGreaterThan(0);
			} finally {
				await sql.end({timeout: 1});
			}

			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(fs.existsSync(directory!)).toBe(false);
			expect(stderr).toContain(`removed ${directory}`);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 150_000);
});
