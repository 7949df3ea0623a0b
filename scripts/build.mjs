#!/usr/bin/env node
// Builds the shipped evfleet: ONE CommonJS file, dist/evfleet.cjs, with every command in it (found here,
// in source/commands/, as Pastel would find them) and React's production build the only one included.
// One classic script rather than ES modules because Node 20 can keep V8's compiled code for a script
// (vm.Script cachedData) but not for modules: bin/evfleet.js loads it with a code cache, so a second
// start skips parsing and compiling (Node 22's module.enableCompileCache does the same for modules).
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = path.join(root, 'source');
const defaultOutDir = path.join(root, 'dist');
const metaUrlMarker = '__EVFLEET_SOURCE_URL__:';

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
		// Pastel imports every file of its commands directory at run time; here that directory is read at
		// build time instead and each command imported statically, in the tree Pastel's reader builds.
		build.onLoad({filter: /[\/]pastel[\/]build[\/]read-commands\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			for (const expected of ["if (file.startsWith('_app'))", 'const m = (await import(fileUrl.href));', "indexCommand.name = file;", 'component: m.default,'])
				if (!text.includes(expected)) throw new Error(`pastel changed: read-commands.js no longer has ${expected} (update scripts/build.mjs)`);
			return {contents: staticReadCommands(), loader: 'js', resolveDir: path.dirname(args.path)};
		});
		// Its custom-app lookup reads the same directory; evfleet has no commands/_app.tsx (checked here).
		build.onLoad({filter: /[\/]pastel[\/]build[\/]read-custom-app\.js$/}, () => {
			if (fs.readdirSync(path.join(sourceDir, 'commands')).some(file => file.startsWith('_app')))
				throw new Error('source/commands/_app.* exists: teach scripts/build.mjs to bundle it');
			return {contents: 'export default async function readCustomApp() { return undefined; }', loader: 'js'};
		});
		// Ink's reconciler awaits React DevTools at its top level when DEV=true (react-devtools-core, not a dependency
		// of ours): a script cannot await there, and the shipped console has no DevTools hook.
		build.onLoad({filter: /[\/]ink[\/]build[\/]reconciler\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			const patched = text.replace("await import('./devtools.js');", 'void 0;').replace('? await loadPackageJson()', '? {name: undefined, version: undefined}');
			if (patched.includes("await import('./devtools.js')") || patched.includes('? await loadPackageJson()') || patched.length === text.length) throw new Error('ink changed: reconciler.js top-level awaits not found as expected (update scripts/build.mjs)');
			return {contents: patched, loader: 'js'};
		});
		// string-width (four copies), slice-ansi and ansi-tokenize each build an Intl.Segmenter when loaded; the first
		// one loads ICU's break-iterator data (~17 ms here), on every start, even for `orgs --json`, which never
		// measures a string. Build each on its first use instead: they are only ever asked to .segment().
		build.onLoad({filter: /[\/]node_modules[\/](string-width[\/]index|slice-ansi[\/]tokenize-ansi|@alcalzone[\/]ansi-tokenize[\/]build[\/]tokenize)\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			const declaration = /^const (\w+) = new Intl\.Segmenter\(([^)]*)\);$/m.exec(text);
			if (!declaration) {
				if (text.includes('Intl.Segmenter')) throw new Error(`${args.path} changed: its Intl.Segmenter is not the declaration expected (update scripts/build.mjs)`);
				return undefined;
			}
			const [line, name, parameters] = declaration;
			const uses = text.split(line)[1].replace(/\/\/.*$/gm, '').match(new RegExp(`\\b${name}\\b(\\.\\w+)?`, 'g')) ?? [];
			if (uses.some(use => use !== `${name}.segment`)) throw new Error(`${args.path} uses ${name} other than .segment() (update scripts/build.mjs)`);
			let contents = text.replace(line, `let ${name}Instance;\nconst ${name} = {segment: text => (${name}Instance ??= new Intl.Segmenter(${parameters})).segment(text)};`);
			// string-width 8's emoji test, /^\p{RGI_Emoji}$/v, is a set of strings V8 builds from ICU when the literal
			// is first evaluated (~10 ms): evaluate it on first use too. It is only ever asked to .test().
			const emoji = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
			if (contents.includes(emoji)) {
				const emojiUses = contents.split(emoji)[1].replace(/\/\/.*$/gm, '').match(/\brgiEmojiRegex\b(\.\w+)?/g) ?? [];
				if (emojiUses.some(use => use !== 'rgiEmojiRegex.test')) throw new Error(`${args.path} uses rgiEmojiRegex other than .test() (update scripts/build.mjs)`);
				contents = contents.replace(emoji, 'let rgiEmojiRegexInstance;\nconst rgiEmojiRegex = {test: text => (rgiEmojiRegexInstance ??= /^\\p{RGI_Emoji}$/v).test(text)};');
			}
			return {contents, loader: 'js'};
		});
		// yoga-layout instantiates its WebAssembly with a top-level await, which a script cannot have. Export
		// the same object, filled in when the instance is ready; the bundle's entry waits for `yogaReady`
		// before it runs anything (Ink reads Yoga only when it lays out a frame).
		build.onLoad({filter: /[\/]yoga-layout[\/]dist[\/]src[\/]index\.js$/}, async args => {
			const text = await fs.promises.readFile(args.path, 'utf8');
			if (!text.includes('const Yoga = wrapAssembly(await loadYoga());')) throw new Error('yoga-layout changed: its top-level await was not found (update scripts/build.mjs)');
			return {
				contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
const Yoga = {};
export const yogaReady = loadYoga().then(lib => { Object.assign(Yoga, wrapAssembly(lib)); });
export default Yoga;
export * from './generated/YGEnums.js';`,
				loader: 'js',
				resolveDir: path.dirname(args.path),
			};
		});
	},
};

/** The command files, relative to source/commands/ and sorted: what the bundle imports, and dist/commands.json lists. */
function commandFiles(directory = path.join(sourceDir, 'commands'), prefix = '') {
	return fs.readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		if (entry.isDirectory()) return commandFiles(path.join(directory, entry.name), `${prefix}${entry.name}/`);
		return /\.(js|ts)x?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.test\.tsx?$/.test(entry.name) && !entry.name.startsWith('_app') ? [`${prefix}${entry.name}`] : [];
	}).sort();
}

/** Pastel's read-commands.js, with the directory walk done now: the same Map of commands, in the same order. */
function staticReadCommands(files = commandFiles()) {
	const imports = files.map((file, index) => `import * as command${index} from ${JSON.stringify(path.join(sourceDir, 'commands', file))};`);
	// The folders' nesting, as Pastel's reader walks it: {file, entries} for a folder, {file, module} for a command.
	const root = [];
	files.forEach((file, index) => {
		const parts = file.split('/');
		let entries = root;
		for (const folder of parts.slice(0, -1)) {
			let node = entries.find(entry => entry.entries && entry.file === folder);
			if (!node) entries.push((node = {file: folder, entries: []}));
			entries = node.entries;
		}
		entries.push({file: parts.at(-1), module: index});
	});
	const literal = entries => `[${entries.map(entry => (entry.entries ? `{file: ${JSON.stringify(entry.file)}, entries: ${literal(entry.entries)}}` : `{file: ${JSON.stringify(entry.file)}, module: command${entry.module}}`)).join(', ')}]`;
	const tree = literal(root);
	return `import decamelize from 'decamelize';
${imports.join('\n')}
const tree = ${tree};
const assemble = entries => {
	const commands = new Map();
	for (const {file, entries: inner, module: m} of entries) {
		if (inner) {
			const subCommands = assemble(inner);
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
		const name = decamelize(file.replace(/\.(js|ts)x?$/, ''), {separator: '-'});
		commands.set(name, {name, description: m.description, isDefault: m.isDefault ?? false, alias: m.alias, options: m.options, args: m.args, component: m.default});
	}
	return commands;
};
export default async function readCommands() { return assemble(tree); }
`;
}

function resolveMetaUrls(outDir, outputFile, text) {
	return text.replace(new RegExp(`"${metaUrlMarker}([^"]+)"`, 'g'), (_, relative) => {
		let target = path.relative(path.dirname(outputFile), path.join(outDir, relative)).split(path.sep).join('/');
		if (!target.startsWith('.')) target = `./${target}`;
		return `new URL(${JSON.stringify(target)}, require("node:url").pathToFileURL(__filename)).href`;
	});
}

// The bundle's entry: start compiling Yoga's WebAssembly (V8 does it off the main thread), load the CLI's modules
// meanwhile (none of them touches Yoga when it loads), and run the CLI once both are ready.
const bundleEntry = {
	name: 'bundle-entry',
	setup(build) {
		build.onResolve({filter: /^evfleet:entry$/}, () => ({path: 'entry', namespace: 'evfleet-entry'}));
		build.onLoad({filter: /.*/, namespace: 'evfleet-entry'}, () => ({
			contents: `import {yogaReady} from 'yoga-layout';
module.exports = Promise.all([import(${JSON.stringify(path.join(sourceDir, 'cli.tsx'))}), yogaReady]).then(([cli]) => cli.run());`,
			loader: 'js',
			resolveDir: root,
		}));
	},
};

/** Bundles source/ into outDir (default dist/, emptied first); resolves to the list of files written. */
export async function build({analyze = false, outDir = defaultOutDir, quiet = false} = {}) {
	const started = performance.now();
	const result = await esbuild.build({
		absWorkingDir: root,
		entryPoints: {evfleet: 'evfleet:entry'},
		outdir: outDir,
		outExtension: {'.js': '.cjs'},
		bundle: true,
		format: 'cjs',
		platform: 'node',
		target: 'node20',
		// Node 20's V8 has RegExp set notation (/v); without this esbuild turns such literals into `new RegExp(…)`, which
		// compiles each pattern when its module loads (string-width's Unicode-property classes: ~15 ms per start).
		supported: {'regexp-set-notation': true, 'regexp-unicode-property-escapes': true},
		jsx: 'automatic',
		// Whitespace and syntax only: stack traces under --debug keep readable names.
		minifyWhitespace: !process.env.EVFLEET_BUILD_READABLE,
		minifySyntax: true,
		legalComments: 'none',
		define: {'process.env.NODE_ENV': '"production"'},
		external: [...(process.env.EVFLEET_BUILD_EXTERNAL ? process.env.EVFLEET_BUILD_EXTERNAL.split(',') : [])],
		plugins: [bundleEntry, sourceMetaUrl, trimDependencies],
		// The file is one function expression, the wrapper Node's CommonJS loader would add: bin/evfleet.js compiles
		// it as it is, with no copy of 1.6 MB made to wrap it. (esbuild writes ASCII only: \u escapes for the rest.)
		banner: {js: '(function (exports, require, module, __filename, __dirname) {'},
		footer: {js: '})'},
		metafile: true,
		write: false,
		logLevel: 'warning',
	});
	fs.rmSync(outDir, {recursive: true, force: true});
	for (const file of result.outputFiles) {
		fs.mkdirSync(path.dirname(file.path), {recursive: true});
		fs.writeFileSync(file.path, resolveMetaUrls(outDir, file.path, file.text));
	}
	fs.writeFileSync(path.join(outDir, 'commands.json'), `${JSON.stringify(commandFiles(), null, '\t')}\n`);
	if (analyze) process.stdout.write(await esbuild.analyzeMetafile(result.metafile));
	const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0);
	if (!quiet) process.stdout.write(`built ${result.outputFiles.map(file => path.relative(root, file.path)).join(', ')} (${(bytes / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms\n`);
	return result.outputFiles.map(file => file.path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	await build({analyze: process.argv.includes('--analyze')});
}
