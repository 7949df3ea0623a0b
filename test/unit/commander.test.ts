// The commander adapter (source/app/commander.ts): fails when commander's behaviour under its public calls changes.
import {Command} from 'commander';
import {describe, expect, it} from 'vitest';
import {applyCliRules} from '../../source/app/commander.js';

class Exit extends Error {
	constructor(readonly code: number) {
		super(`exit ${code}`);
	}
}

function program() {
	const seen: Record<string, unknown> = {};
	const root = new Command('evfleet').option('--url <url>').action(options => void Object.assign(seen, {root: options}));
	root.configureOutput({writeErr: () => {}, writeOut: () => {}});
	const orgs = root.command('orgs').option('--url <url>').action(options => void Object.assign(seen, {orgs: options}));
	orgs.configureOutput({writeErr: () => {}, writeOut: () => {}});
	const db = root.command('db');
	db.command('status').argument('<name>').action(() => {}).configureOutput({writeErr: () => {}});
	applyCliRules(root, code => {
		throw new Exit(code);
	});
	return {root, seen};
}

const exitCode = (argv: string[]) => {
	try {
		program().root.parse(argv, {from: 'user'});
	} catch (error) {
		if (error instanceof Exit) return error.code;
		throw error;
	}
	return undefined;
};

describe('commander adapter', () => {
	it('exits 2 on usage errors, in subcommands of subcommands too', () => {
		expect(exitCode(['orgs', '--bogus'])).toBe(2);
		expect(exitCode(['nope', 'x'])).toBe(2);
		expect(exitCode(['db', 'status'])).toBe(2);
		expect(exitCode(['orgs', '--url'])).toBe(2);
	});

	it('keeps exit 0 for --help', () => {
		expect(exitCode(['orgs', '--help'])).toBe(0);
	});

	it('gives a subcommand its own --url instead of the root taking it', () => {
		const {root, seen} = program();
		root.parse(['orgs', '--url', 'postgres://x'], {from: 'user'});
		expect(seen).toEqual({orgs: {url: 'postgres://x'}});
	});
});
