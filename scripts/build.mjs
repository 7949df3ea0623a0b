#!/usr/bin/env node
// Builds the shipped evfleet: one esbuild bundle, an entry point per command (Pastel still finds
// dist/commands/**) and the code they share in chunks, so startup reads a handful of files
// instead of hundreds, and React's production build is the only one included.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = path.join(root, 'source');
const defaultOutDir = path.join(root, 'dist');
const metaUrlMarker = '__EVFLEET_SOURCE_URL__:';

/** Every command file, found afresh on each build, so a command added later is built without touching this script. */
export function commandEntryPoints(directory = path.join(sourceDir, 'commands')) {
	const entries = [];
	for (const entry of fs.readdirSync(directory, {withFileTypes: true})) {
		const file = path.join(directory, entry.name);
		if (entry.isDirectory()) entries.push(...commandEntryPoints(file));
		else if (/\.(ts|tsx|js|jsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.test\.tsx?$/.test(entry.name)) entries.push(file);
	}
	return entries.sort();
}

// Code that finds files next to itself (`new URL('../../sql', import.meta.url)`) must keep seeing its
// source layout after it moves into a chunk: mark each use with its path under source/, then point the
// marker at where that file would have been (dist/<same path>.js) relative to the output it landed in.
const sourceMetaUrl = {
	name: 'source-meta-url',
	setup(build) {
		build.onLoad({filter: /[\\/]source[\\/].*\.(ts|tsx)$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			if (!text.includes('import.meta.url')) return undefined;
			const relative = path.relative(sourceDir, args.path).split(path.sep).join('/').replace(/\.(ts|tsx)$/, '.js');
			return {contents: text.replaceAll('import.meta.url', JSON.stringify(metaUrlMarker + relative)), loader: args.path.endsWith('x') ? 'tsx' : 'ts'};
		});
	},
};

const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Startup-time trims of dependencies, each checked against the installed version at build time.
const trimDependencies = {
	name: 'trim-dependencies',
	setup(build) {
		// Pastel reads package.json from the *current directory* for --version (and pulls in
		// normalize-package-data, semver, hosted-git-info to do it): answer with ours instead.
		build.onResolve({filter: /^read-package-up$/}, () => ({path: 'read-package-up', namespace: 'evfleet-stub'}));
		build.onLoad({filter: /^read-package-up$/, namespace: 'evfleet-stub'}, () => ({
			contents: `const packageJson = ${JSON.stringify({name: packageJson.name, version: packageJson.version, description: packageJson.description})};
export async function readPackageUp() { return {packageJson, path: ''}; }`,
			loader: 'js',
		}));
		// zod's namespace export carries every locale; messages are English, so ship only that one.
		build.onLoad({filter: /[\/]zod[\/]v4[\/]locales[\/]index\.js$/}, () => ({contents: 'export {default as en} from "./en.js";', loader: 'js'}));
		// Yoga's Emscripten loader probes `typeof fetch`, which makes Node load undici (~25 ms) only to
		// fetch a data: URL; the synchronous base64 path it falls back to is the same bytes.
		build.onLoad({filter: /[\/]yoga-layout[\/]dist[\/]binaries[\/]yoga-wasm-base64-esm\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			const patched = text.replaceAll('"function"!=typeof fetch', 'true');
			if (patched === text) throw new Error('yoga-layout changed: the fetch probe to skip was not found (update scripts/build.mjs)');
			return {contents: patched, loader: 'js'};
		});
		// conf imports ajv + ajv-formats (~250 KiB) for its `schema` option and semver for its `migrations`
		// option; evfleet passes neither (source/db/profiles.ts), so every command parsed them for nothing.
		// The stand-ins throw if conf ever does reach for them.
		build.onResolve({filter: /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/}, args =>
			/[\/]node_modules[\/]conf[\/]/.test(args.importer) ? {path: args.path, namespace: 'evfleet-conf-stub'} : undefined);
		build.onLoad({filter: /.*/, namespace: 'evfleet-conf-stub'}, args => ({
			contents: `const unused = () => { throw new Error('evfleet build: conf used ${args.path}, which the build left out (scripts/build.mjs)'); };
export class Ajv2020 { constructor() { unused(); } }
export default {default: unused, eq: unused};`,
			loader: 'js',
		}));
		// Pastel imports the command files one after another (an await per file, each a read of the file and
		// of the chunks it needs): start every import at once, then assemble the same command tree in the same order.
		build.onLoad({filter: /[\/]pastel[\/]build[\/]read-commands\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			for (const expected of ["if (file.startsWith('_app'))", 'const m = (await import(fileUrl.href));', "indexCommand.name = file;", 'component: m.default,'])
				if (!text.includes(expected)) throw new Error(`pastel changed: read-commands.js no longer has ${expected} (update scripts/build.mjs)`);
			return {contents: parallelReadCommands, loader: 'js'};
		});
	},
};

const parallelReadCommands = `import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import decamelize from 'decamelize';
const start = directory => fs.readdirSync(directory).flatMap(file => {
	if (file.startsWith('_app')) return [];
	const filePath = path.join(directory, file);
	if (fs.statSync(filePath).isDirectory()) return [{file, entries: start(filePath)}];
	if (!/\\.(js|ts)x?$/.test(file) || file.endsWith('.d.ts')) return [];
	const module = import(pathToFileURL(filePath).href);
	module.catch(() => {});
	return [{file, module}];
});
const assemble = async entries => {
	const commands = new Map();
	for (const {file, entries: inner, module} of entries) {
		if (inner) {
			const subCommands = await assemble(inner);
			const indexCommand = subCommands.get('index');
			if (indexCommand) {
				indexCommand.name = file;
				indexCommand.commands = subCommands;
				subCommands.delete('index');
				commands.set(file, indexCommand);
				continue;
			}
			commands.set(file, {name: file, isDefault: false, commands: subCommands});
			continue;
		}
		const m = await module;
		const name = decamelize(file.replace(/\\.(js|ts)x?$/, ''), {separator: '-'});
		commands.set(name, {name, description: m.description, isDefault: m.isDefault ?? false, alias: m.alias, options: m.options, args: m.args, component: m.default});
	}
	return commands;
};
const readCommands = async directory => assemble(start(directory));
export default readCommands;
`;

function resolveMetaUrls(outDir, outputFile, text) {
	return text.replace(new RegExp(`"${metaUrlMarker}([^"]+)"`, 'g'), (_, relative) => {
		let target = path.relative(path.dirname(outputFile), path.join(outDir, relative)).split(path.sep).join('/');
		if (!target.startsWith('.')) target = `./${target}`;
		return `new URL(${JSON.stringify(target)}, import.meta.url).href`;
	});
}

/** What `evfleet --help` loads: every entry point and the chunks they import statically (dynamic imports excluded). */
function startupReport(metafile, entryPoints) {
	const explicit = new Set(entryPoints.map(file => path.relative(root, file).split(path.sep).join('/')));
	const outputs = metafile.outputs;
	const loaded = new Set();
	const visit = file => {
		if (loaded.has(file)) return;
		loaded.add(file);
		for (const imported of outputs[file]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
	};
	for (const [file, output] of Object.entries(outputs)) if (output.entryPoint && explicit.has(output.entryPoint)) visit(file);
	const rows = [...loaded].map(file => [file, outputs[file].bytes]).sort((a, b) => b[1] - a[1]);
	const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
	const biggest = file => Object.entries(outputs[file].inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 3).map(([input]) => input.replace(/^node_modules\//, '')).join(', ');
	return `\nloaded at startup (--help): ${(total / 1024).toFixed(0)} KiB in ${rows.length} files\n${rows.map(([file, bytes]) => `  ${(bytes / 1024).toFixed(0).padStart(5)} KiB  ${file}  (${biggest(file)})`).join('\n')}\n`;
}

/** Bundles source/ into outDir (default dist/, emptied first); resolves to the list of files written. */
export async function build({analyze = false, outDir = defaultOutDir, quiet = false} = {}) {
	const started = performance.now();
	const entryPoints = [path.join(sourceDir, 'cli.tsx'), ...commandEntryPoints()];
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints,
		outbase: sourceDir,
		outdir: outDir,
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		jsx: 'automatic',
		// Whitespace and syntax only: stack traces under --debug keep readable names.
		minifyWhitespace: !process.env.EVFLEET_BUILD_READABLE,
		minifySyntax: true,
		legalComments: 'none',
		chunkNames: 'chunks/[name]-[hash]',
		define: {'process.env.NODE_ENV': '"production"'},
		// Only loaded when DEV=true (Ink's devtools hook); not a dependency of ours.
		external: ['react-devtools-core', ...(process.env.EVFLEET_BUILD_EXTERNAL ? process.env.EVFLEET_BUILD_EXTERNAL.split(',') : [])],
		// Bundled CommonJS (commander, cli-table3 …) calls require() for Node built-ins.
		banner: {js: "import {createRequire as __evfleetCreateRequire} from 'node:module';const require=__evfleetCreateRequire(import.meta.url);"},
		plugins: [sourceMetaUrl, trimDependencies],
		metafile: true,
		write: false,
		logLevel: 'warning',
	});
	fs.rmSync(outDir, {recursive: true, force: true});
	for (const file of result.outputFiles) {
		fs.mkdirSync(path.dirname(file.path), {recursive: true});
		fs.writeFileSync(file.path, resolveMetaUrls(outDir, file.path, file.text));
	}
	if (analyze) {
		process.stdout.write(await esbuild.analyzeMetafile(result.metafile));
		process.stdout.write(startupReport(result.metafile, entryPoints));
	}
	const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0);
	if (!quiet) process.stdout.write(`built ${result.outputFiles.length} files (${(bytes / 1024).toFixed(0)} KiB) into ${path.relative(root, outDir) || '.'}/ in ${Math.round(performance.now() - started)} ms\n`);
	return result.outputFiles.map(file => file.path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	await build({analyze: process.argv.includes('--analyze')});
}
