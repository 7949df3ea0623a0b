#!/usr/bin/env node
// The shipped console: dist/ is one esbuild bundle (scripts/build.mjs) with React's production build
// compiled in; NODE_ENV is set too, for anything that still reads it at run time.
import fs from 'node:fs';

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
}
const entry = new URL('../dist/cli.js', import.meta.url);
if (!fs.existsSync(entry)) {
	process.stderr.write('evfleet is not built: run `npm run build` (or `npm run dev -- …` to run from source)\n');
	process.exit(1);
}
await import(entry.href);
