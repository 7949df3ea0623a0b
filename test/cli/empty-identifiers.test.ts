// Issue 16.7: an empty --org (or fleet, vehicle) is a typo, not "no scope": refused with exit 2 and one line,
// before anything connects (the URL points at a port nothing listens on; a connection attempt would exit 1).
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {checkIdentifiers, parseIdentifier} from '../../source/text/parse.js';
import {UsageError} from '../../source/model/errors.js';

const nowhere = 'postgres://evfleet@127.0.0.1:1/none?connect_timeout=1';

describe('empty identifiers', () => {
	it('parseIdentifier trims, and refuses empty or blank', () => {
		expect(parseIdentifier('  acme ', '--org')).toBe('acme');
		expect(() => parseIdentifier('', '--org')).toThrow(UsageError);
		expect(() => parseIdentifier(' \t ', '--org')).toThrow('--org is empty');
		expect(() => checkIdentifiers({org: 'acme', fleet: ' '})).toThrow('--fleet is empty');
		expect(() => checkIdentifiers({})).not.toThrow();
	});

	it.each([
		[['vehicles', '--org', '']],
		[['vehicles', '--org', '  ']],
		[['fleets', '--org', '']],
		[['users', '--org', '']],
		[['vehicle', '']],
		[['vehicle', 'WVWZZZ1KZAW000001', '--org', ' ']],
		[['vehicles', '--fleet', '']],
		[['battery', '--org', '']],
		[['energy', '--vehicle', ' ']],
		[['watch', 'vehicles', '--once', '--org', '']],
		[['--org', '']],
	])('evfleet %j exits 2 with one line, without connecting', async args => {
		const result = await runCli([...args, '--url', nowhere]);
		expect(result.code, result.stderr).toBe(2);
		expect(result.stderr).toMatch(/is empty/);
		expect(result.stderr).not.toMatch(/connect|refused/i);
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
	});
});
