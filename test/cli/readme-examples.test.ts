// Every `evfleet …` example in README.md, extracted from its sh blocks and run as written (through sh, with its
// pipes) against the demo data set, or named below with the reason it cannot run here. A new example that is
// neither fails this test, so the README cannot drift from the demo again.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedDatabase} from '../../source/demo/seed/index.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {cliCommand, cliEnv} from '../helpers/cli.js';

/** The `evfleet …` lines of the README's sh blocks, without their comments. */
export function readmeExamples(markdown: string): string[] {
	const lines: string[] = [];
	for (const [, body] of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
		for (const line of body!.split('\n')) {
			const command = line.replace(/\s+#\s.*$/, '').trim();
			if (/^(npx )?evfleet\b/.test(command)) lines.push(command);
		}
	}
	return lines;
}

/** Examples that are not run here, by pattern, each with its reason. */
const notRunHere: Array<{pattern: RegExp; reason: string}> = [
	{pattern: /[[\]…]|\b(PID|TABLE|INDEX|PATH)\b/, reason: 'a synopsis with placeholders, not a command'},
	{pattern: /^(npx )?evfleet demo\b/, reason: 'starts its own cluster and console (test/cli/demo.test.ts)'},
	{pattern: /^evfleet watch (?!.*--once)/, reason: 'a full-screen view: needs a terminal (checked below: it refuses in a pipe)'},
	{pattern: /--url postgres:\/\/|--url …|^evfleet profile (add|remove)\b/, reason: 'names your own server or changes your profiles'},
	{pattern: /^evfleet (db seed|simulate|db migrate --reapply-changed)\b/, reason: 'writes to the database (test/db/seed.test.ts, simulator.test.ts, migrate.test.ts)'},
	{pattern: /^evfleet org logins (grant|revoke)\b/, reason: 'binds the logins the SQL example above creates (test/db/org-logins-cli.test.ts)'},
];

/** Exit codes an example may end with when it works (maint status --check says 1 when something needs action). */
const acceptedCodes = (command: string) => (command.includes('--check') ? [0, 1] : [0]);

let db: TestDatabase;
let bin: string;
let work: string;
let env: NodeJS.ProcessEnv;

function sh(command: string): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((resolve, reject) => {
		const child = spawn('sh', ['-c', command], {cwd: work, env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

const examples = readmeExamples(fs.readFileSync(path.resolve('README.md'), 'utf8'));
const skipped = (command: string) => notRunHere.find(rule => rule.pattern.test(command));
const runnable = examples.filter(command => !skipped(command));

beforeAll(async () => {
	db = await createTestDatabase();
	await seedDatabase(db.sql, {scale: 'small', seed: 1});
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-readme-'));
	bin = path.join(work, 'bin');
	fs.mkdirSync(bin);
	// `evfleet` on the PATH, as after `npm install -g`: the build in CI, the source elsewhere.
	const [node, args] = cliCommand([]);
	// `--import tsx` resolves from the working directory, which here is a scratch folder: name the loader itself.
	const absolute = args.map(arg => (arg === 'tsx' ? path.resolve('node_modules/tsx/dist/loader.mjs') : arg));
	fs.writeFileSync(path.join(bin, 'evfleet'), `#!/bin/sh\nexec ${[node, ...absolute].map(a => `'${a}'`).join(' ')} "$@"\n`, {mode: 0o755});
	env = {...process.env, ...cliEnv(db.url, {PATH: `${bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1'})};
}, 300_000);

afterAll(async () => {
	await db?.close();
	if (work) fs.rmSync(work, {recursive: true, force: true});
});

describe('README examples', () => {
	it('finds the examples and says why each one it does not run is not run', () => {
		expect(examples.length).toBeGreaterThan(30);
		expect(runnable.length).toBeGreaterThan(20);
		for (const command of examples.filter(skipped)) expect(skipped(command)!.reason).toBeTruthy();
	});

	it.each(runnable)('%s', async command => {
		const result = await sh(command);
		expect(acceptedCodes(command), `${command}\n${result.stderr}`).toContain(result.code);
		expect(result.stderr).not.toMatch(/no (organization|fleet|vehicle) (named|matches)|unknown|invalid/i);
		if (!command.includes('>')) expect(result.stdout.trim().length, `${command} printed nothing`).toBeGreaterThan(0);
	}, 120_000);

	it('a full-screen example refuses in a pipe with a line saying why (exit 2)', async () => {
		const command = examples.find(c => /^evfleet watch vehicles$/.test(c));
		expect(command).toBeDefined();
		const result = await sh(`${command} < /dev/null | cat`);
		expect(result.code).toBe(0); // the pipeline's code is cat's
		const direct = await sh(`${command} < /dev/null > /dev/null`);
		expect(direct.code).toBe(2);
		expect(direct.stderr).toMatch(/terminal/);
	}, 120_000);
});
