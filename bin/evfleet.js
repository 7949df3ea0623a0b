#!/usr/bin/env node
// The shipped console: dist/ is one esbuild bundle (scripts/build.mjs) with React's production build
// compiled in; NODE_ENV is set too, for anything that still reads it at run time.
import fs from 'node:fs';
import v8 from 'node:v8';

process.env.NODE_ENV ??= 'production';
// With no terminal at all (cron, CI, `evfleet orgs --json > file`), Ink asks terminal-size for a width on every
// render, and it spawns `tput` twice and `resize` to find none: ~60 ms per command. Piped output does not
// depend on a width, so answer from the environment, as terminal-size itself would if these were set.
if (!process.stdout.isTTY && !process.stderr.isTTY) {
	process.env.COLUMNS ??= '80';
	process.env.LINES ??= '24';
}
// Ink writes no frame until exit when CI is set (it assumes a log, not a screen); a person at a terminal
// (stdin and stdout both TTYs) always gets the live console, whatever the environment says.
if (process.stdin.isTTY && process.stdout.isTTY) {
	for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (name in process.env) process.env[name] = 'false';
	// A screen (the console, watch …) lives for hours and allocates a page of rows per key press: keep the young
	// generation at its first size (1 MB semi-spaces instead of growing to 16 MB) and let V8 favour size over
	// speed. Measured peak RSS paging 100 000 rows: 120 MB -> 91 MB. Set here, before anything is allocated; the
	// heap-size flags (--max-semi-space-size) are fixed when the process starts, these two still apply.
	// Scripted runs (a pipe) are short and keep V8's defaults.
	v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--optimize-for-size');
}
const entry = new URL('../dist/cli.js', import.meta.url);
if (!fs.existsSync(entry)) {
	process.stderr.write('evfleet is not built: run `npm run build` (or `npm run dev -- …` to run from source)\n');
	process.exit(1);
}
await import(entry.href);
