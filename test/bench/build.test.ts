// The shipped build: every command file is bundled, Pastel still finds them all, the bundle runs without node_modules,
// and bin/evfleet.js keeps V8's compiled code for it between runs.
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCliInPty} from '../helpers/pty.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const commandsDir = path.join(repo, 'source/commands');

type Built = {root: string; cli: string; cache: string};

/** Command names as Pastel derives them from files: folders are subcommands, index files name the folder. */
function commandPaths(directory = commandsDir, prefix: string[] = []): string[][] {
	const paths: string[][] = [];
	for (const entry of fs.readdirSync(directory, {withFileTypes: true})) {
		if (entry.name.startsWith('_app')) continue;
		if (entry.isDirectory()) {
			paths.push([...prefix, entry.name], ...commandPaths(path.join(directory, entry.name), [...prefix, entry.name]));
		} else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
			const name = entry.name.replace(/\.(ts|tsx)$/, '').replace(/([a-z\d])([A-Z])/g, '$1-$2').toLowerCase();
			if (name !== 'index') paths.push([...prefix, name]);
		}
	}
	return paths;
}

async function evfleet(built: Built, args: string[], env: Record<string, string> = {}) {
	// Run from a directory with no package.json and no node_modules: the bundle must carry everything.
	return run(process.execPath, [built.cli, ...args], {cwd: built.root, env: {...process.env, NODE_ENV: 'production', NO_COLOR: '1', XDG_CACHE_HOME: built.cache, ...env}, timeout: 20_000});
}

function cacheFiles(directory: string): string[] {
	return fs.existsSync(directory) ? fs.readdirSync(directory).filter(file => file.endsWith('.v8cache')) : [];
}

describe('npm run build', () => {
	let built: Built;
	let db: TestDatabase;

	beforeAll(async () => {
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-build-'));
		// dist/ sits next to sql/ as in the package, so code that finds ../../sql from its source path still does.
		fs.symlinkSync(path.join(repo, 'sql'), path.join(root, 'sql'));
		// @ts-expect-error plain ES module script without types
		const {build} = (await import('../../scripts/build.mjs')) as {build: (options: {outDir: string; quiet: boolean}) => Promise<string[]>};
		await build({outDir: path.join(root, 'dist'), quiet: true});
		// The launcher as shipped, next to the dist/ it loads.
		fs.mkdirSync(path.join(root, 'bin'));
		fs.copyFileSync(path.join(repo, 'bin/evfleet.js'), path.join(root, 'bin/evfleet.js'));
		fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({type: 'module'}));
		built = {root, cli: path.join(root, 'bin/evfleet.js'), cache: path.join(root, 'cache')};
		db = await createTestDatabase();
	});

	afterAll(async () => {
		await db?.close();
		if (built) fs.rmSync(built.root, {recursive: true, force: true});
	});

	it('builds one bundle and lists every command file in it', () => {
		expect(fs.readdirSync(path.join(built.root, 'dist')).sort()).toEqual(['commands.json', 'evfleet.cjs']);
		const files = fs.readdirSync(commandsDir, {recursive: true, encoding: 'utf8'}).filter(file => /\.tsx?$/.test(file)).map(file => file.split(path.sep).join('/'));
		expect(files.length).toBeGreaterThan(0);
		const listed = JSON.parse(fs.readFileSync(path.join(built.root, 'dist/commands.json'), 'utf8')) as string[];
		expect([...listed].sort()).toEqual([...files].sort());
	});

	it('keeps a code cache per user, rejects a damaged one and rewrites it, replaces an older build\'s, and can be told not to', async () => {
		const directory = path.join(built.cache, 'evfleet');
		fs.rmSync(built.cache, {recursive: true, force: true});
		const first = await evfleet(built, ['--version']);
		const [file] = cacheFiles(directory);
		expect(file).toMatch(/-pipe-.*\.v8cache$/);
		expect(fs.statSync(path.join(directory, file!)).size).toBeGreaterThan(100_000);
		expect(fs.statSync(directory).mode & 0o077).toBe(0);
		// A warm start gives the same answer; a cache of garbage is refused by V8, the run still works, and it is rewritten.
		expect((await evfleet(built, ['--version'])).stdout).toBe(first.stdout);
		fs.writeFileSync(path.join(directory, file!), 'not a code cache');
		expect((await evfleet(built, ['--version'])).stdout).toBe(first.stdout);
		expect(fs.statSync(path.join(directory, file!)).size).toBeGreaterThan(100_000);
		// A new build (another size or time) gets a new cache file, and the old one is removed.
		const bundle = path.join(built.root, 'dist/evfleet.cjs');
		fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
		expect((await evfleet(built, ['--version'])).stdout).toBe(first.stdout);
		const after = cacheFiles(directory);
		expect(after).toHaveLength(1);
		expect(after[0]).not.toBe(file);
		fs.rmSync(built.cache, {recursive: true, force: true});
		expect((await evfleet(built, ['--version'], {EVFLEET_COMPILE_CACHE: '0'})).stdout).toBe(first.stdout);
		expect(cacheFiles(directory)).toEqual([]);
	});

	it('never puts its cache into another user\'s folder (root under sudo, keeping that user\'s HOME)', async () => {
		// As root (CI): a cache home owned by nobody. Otherwise: a folder under /, which is root's.
		const asRoot = process.getuid?.() === 0;
		const foreign = asRoot ? fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-foreign-')) : `/evfleet-foreign-${process.pid}`;
		try {
			if (asRoot) fs.chownSync(foreign, 65_534, 65_534);
			const run = await evfleet(built, ['--help'], {XDG_CACHE_HOME: path.join(foreign, '.cache')});
			expect(run.stdout).toContain('Usage: evfleet');
			expect(fs.existsSync(path.join(foreign, '.cache'))).toBe(false);
		} finally {
			if (asRoot) fs.rmSync(foreign, {recursive: true, force: true});
		}
	});

	it('lists every top-level command in --help', async () => {
		const {stdout} = await evfleet(built, ['--help']);
		const listed = new Set([...stdout.matchAll(/^ {2}(\S+)/gm)].map(match => match[1]));
		const topLevel = new Set(commandPaths().filter(parts => parts.length === 1).map(parts => parts[0]));
		for (const name of topLevel) expect(listed, `${name} missing from --help`).toContain(name);
	});

	it('answers --help for every command and subcommand', async () => {
		for (const parts of commandPaths()) {
			const {stdout} = await evfleet(built, [...parts, '--help']);
			expect(stdout, parts.join(' ')).toContain(`Usage: evfleet ${parts.join(' ')}`);
		}
	}, 180_000);

	it('reports the package version, not the one of the current directory', async () => {
		const {version} = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {version: string};
		const {stdout} = await evfleet(built, ['--version']);
		expect(stdout.trim()).toBe(version);
	});

	it('draws the console with styles at a terminal even when the environment says CI (chalk would draw none)', async () => {
		const run = runCliInPty(['--url', db.url], {bin: built.cli, env: {CI: 'true', CI_JOB_ID: '7', XDG_CACHE_HOME: built.cache}});
		try {
			await run.waitFor(text => text.includes('Organizations') && text.includes('q quit'));
			// Bold (the header) and color (the hints) are escapes chalk leaves out when it believes it writes a log.
			expect(run.output()).toContain('\u001B[1m');
			expect(run.output()).toMatch(/\u001B\[3\dm/);
			run.write('q');
			expect(await run.exited).toBe(0);
		} finally {
			run.kill();
		}
	});

	it('runs a database command, finding the schema files next to dist/', async () => {
		const {stdout} = await evfleet(built, ['db', 'status', '--json', '--url', db.url]);
		const status = JSON.parse(stdout) as {files: Array<{name: string; status: string}>};
		expect(status.files.map(file => file.name)).toContain('schema.sql');
		// Applied (or changed since, while the schema is being edited): either way the files were found and read.
		expect(status.files.filter(file => file.status === 'pending')).toEqual([]);
	});
});
