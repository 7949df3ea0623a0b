#!/usr/bin/env node
// The shipped console: dist/ is one esbuild bundle (scripts/build.mjs) with React's production build
// compiled in; NODE_ENV is set too, for anything that still reads it at run time.
import fs from 'node:fs';

process.env.NODE_ENV ??= 'production';
const entry = new URL('../dist/cli.js', import.meta.url);
if (!fs.existsSync(entry)) {
	process.stderr.write('evfleet is not built: run `npm run build` (or `npm run dev -- …` to run from source)\n');
	process.exit(1);
}
await import(entry.href);
