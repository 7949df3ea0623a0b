// Bad numbers and durations are refused with exit 2 and one line (plus a hint) before any SQL runs: the URL points
// at a closed port, so a command that tried to connect would fail with exit 1 and "cannot connect" instead.
import {beforeAll, describe, expect, it} from 'vitest';
import {freePort} from '../../source/demo/cluster.js';
import {runCli} from '../helpers/cli.js';

let url: string;

beforeAll(async () => {
	url = `postgres://nobody@127.0.0.1:${await freePort()}/fleet`;
});

const cases: Array<[string, string[], RegExp]> = [
	['--since 99999999d', ['maint', 'log', '--since', '99999999d'], /^evfleet: invalid --since "99999999d": out of range$/m],
	['--tick 0', ['simulate', '--tick', '0'], /^evfleet: invalid --tick "0": out of range$/m],
	['--ticks -5', ['simulate', '--ticks=-5'], /^evfleet: invalid --ticks "-5"$/m],
	['--ticks 0', ['simulate', '--ticks', '0'], /^evfleet: invalid --ticks "0"$/m],
	['an absurd --ticks', ['simulate', '--ticks', '99999999999999999999'], /^evfleet: invalid --ticks "99999999999999999999"$/m],
	['--limit 0', ['orgs', '--limit', '0'], /^evfleet: invalid --limit "0"$/m],
	['--limit -1', ['maint', 'log', '--limit=-1'], /^evfleet: invalid --limit "-1"$/m],
	['--limit 1e3 on a watch', ['watch', 'vehicles', '--once', '--limit', '1e3'], /^evfleet: invalid --limit "1e3"$/m],
	['--interval 0', ['watch', 'charging', '--once', '--interval', '0'], /^evfleet: --interval 0 is too short$/m],
	['an absurd --interval', ['watch', 'routes', '--once', '--interval', '99999d'], /^evfleet: (--interval 99999d is too long|invalid --interval "99999d": out of range)$/m],
	['--lock-timeout past what PostgreSQL takes', ['maint', 'vacuum', '--dry-run', '--lock-timeout', '30d'], /^evfleet: invalid --lock-timeout "30d": out of range$/m],
	['--long-running 99999999d', ['maint', 'status', '--long-running', '99999999d'], /^evfleet: invalid --long-running "99999999d": out of range$/m],
	['an unknown --view', ['--view', 'nosuch'], /^evfleet: unknown --view "nosuch"$/m],
];

describe('bad numbers and durations', () => {
	it.each(cases)('%s: exit 2, one line and a hint, nothing connects', async (_, args, message) => {
		const result = await runCli(args, {env: {DATABASE_URL: url, NO_COLOR: '1'}});
		expect(result.stderr).toMatch(message);
		expect(result.code).toBe(2);
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(result.stderr).not.toMatch(/cannot connect|ECONNREFUSED/i);
		expect(result.stdout.trim()).toBe('');
	});
});
