#!/usr/bin/env node
// The shipped console: dist/evfleet.cjs is one esbuild bundle (scripts/build.mjs) with React's production build
// compiled in; NODE_ENV is set too, for anything that still reads it at run time.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

process.env.NODE_ENV ??= 'production';
// With no terminal at all (cron, CI, `evfleet orgs --json > file`), Ink asks terminal-size for a width on every
// render, and it spawns `tput` twice and `resize` to find none: ~60 ms per command. Piped output does not
// depend on a width, so answer from the environment, as terminal-size itself would if these were set.
if (!process.stdout.isTTY && !process.stderr.isTTY) {
	process.env.COLUMNS ??= '80';
	process.env.LINES ??= '24';
}
let flavour = 'pipe';
// Ink writes no frame until exit when CI is set (it assumes a log, not a screen); a person at a terminal
// (stdin and stdout both TTYs) always gets the live console, whatever the environment says.
if (process.stdin.isTTY && process.stdout.isTTY) {
	// Removed, not set to 'false': chalk takes any CI variable, 'false' included, as a log and draws no style at all;
	// Ink's is-in-ci also counts any CI_* variable.
	for (const name of Object.keys(process.env)) if (name === 'CI' || name === 'CONTINUOUS_INTEGRATION' || name.startsWith('CI_')) delete process.env[name];
	// A screen (the console, watch …) lives for hours and allocates a page of rows per key press: keep the young
	// generation at its first size (1 MB semi-spaces instead of growing to 16 MB) and let V8 favour size over
	// speed. Measured peak RSS paging 100 000 rows: 120 MB -> 91 MB. Set here, before anything is allocated; the
	// heap-size flags (--max-semi-space-size) are fixed when the process starts, these two still apply.
	// Scripted runs (a pipe) are short and keep V8's defaults.
	v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--optimize-for-size');
	flavour = 'tty'; // V8 refuses code cached under other flags: each flavour has its own cache file.
}

const bundle = fileURLToPath(new URL('../dist/evfleet.cjs', import.meta.url));

// V8's code cache (what Node 22's module.enableCompileCache keeps for modules, done here for Node 20): the
// first run compiles the bundle and, as it exits, saves the compiled code of every function it ran; later
// runs start from it instead of parsing and compiling 1.6 MB again. The file is keyed by the bundle's size
// and time, Node's version and the flavour; V8 checks the source and its own version and flags too, and
// rejects a stale cache (the next exit writes a fresh one). EVFLEET_COMPILE_CACHE=0 turns it off.
const module = {exports: {}};
compile().runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
await module.exports;

/** The bundle as a function of (exports, require, module, __filename, __dirname), compiled with the code cache if
 * there is one. Only V8's Script outlives this call (the source text and the cache bytes are garbage after it). */
function compile() {
	let source;
	try {
		source = fs.readFileSync(bundle, 'utf8');
	} catch {
		process.stderr.write('evfleet is not built: run `npm run build` (or `npm run dev -- …` to run from source)\n');
		process.exit(1);
	}
	const cacheFile = compileCachePath();
	let cachedData;
	if (cacheFile) {
		try {
			// Only a file of this user: code is loaded from it.
			if (ownedByMe(cacheFile)) cachedData = fs.readFileSync(cacheFile);
		} catch {}
	}
	// The bundle is already the function expression (scripts/build.mjs wraps it), so V8 keeps this very string.
	const script = new vm.Script(source, {filename: bundle, cachedData});
	if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
		process.once('exit', () => {
			try {
				fs.mkdirSync(path.dirname(cacheFile), {recursive: true, mode: 0o700});
				const temporary = `${cacheFile}.${process.pid}`;
				fs.writeFileSync(temporary, script.createCachedData(), {mode: 0o600});
				fs.renameSync(temporary, cacheFile);
				// The caches of earlier builds for this Node and flavour will never be read again.
				const directory = path.dirname(cacheFile);
				for (const file of fs.readdirSync(directory)) {
					if (file.startsWith(cachePrefix()) && file.endsWith('.v8cache') && file !== path.basename(cacheFile)) fs.rmSync(path.join(directory, file), {force: true});
				}
			} catch {} // A cache that cannot be written costs the next start its compile time, nothing else.
		});
	}
	return script;
}

/** Whether the path, or the nearest folder above it that exists, belongs to this user (always true where there are no uids). */
function ownedByMe(file) {
	const uid = process.getuid?.();
	if (uid === undefined) return true;
	for (let at = file; ; at = path.dirname(at)) {
		try {
			return fs.statSync(at).uid === uid;
		} catch {
			if (path.dirname(at) === at) return false;
		}
	}
}

/** What every cache file of this Node and flavour starts with (the bundle's size and time follow). */
function cachePrefix() {
	return `${process.version}-${process.arch}-${flavour}-`;
}

/** Where this user keeps the compiled bundle: their own cache directory only (code is loaded from it), or none. */
function compileCachePath() {
	if (process.env.EVFLEET_COMPILE_CACHE === '0') return undefined;
	const base = process.env.XDG_CACHE_HOME || (os.homedir() && path.join(os.homedir(), '.cache'));
	if (!base || !path.isAbsolute(base)) return undefined;
	// Under sudo HOME is often the invoking user's: root would leave root-owned files in their cache (which they
	// could then neither replace nor remove). Use the cache only where the nearest existing folder is this user's.
	if (!ownedByMe(path.join(base, 'evfleet'))) return undefined;
	let stat;
	try {
		stat = fs.statSync(bundle);
	} catch {
		return undefined;
	}
	const key = `${cachePrefix()}${stat.size.toString(36)}-${Math.round(stat.mtimeMs).toString(36)}`;
	return path.join(base, 'evfleet', `${key}.v8cache`);
}
