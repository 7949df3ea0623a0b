// Console figures: whole-process times of the shipped CLI, time to the console's first frame, and its memory
// while paging a long history and while watching live — each against node itself started the same way.
import fs from 'node:fs';
import path from 'node:path';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {measuredFigure, skippedFigure, type BenchContext, type Figure} from '../lib/context.js';
import {commandExists, memoryOf, startInPty, timeProcess, visibleText, type PtySession} from '../lib/processes.js';
import {median, summarize} from '../lib/stats.js';

const repo = path.resolve(import.meta.dirname, '../..');

/** Whether the built CLI has this command: dist/commands.json lists the bundle's command files ('index' is the console). */
function builtCommand(context: BenchContext, name: string): boolean {
	const bin = context.cli.at(-1)!;
	const manifest = path.resolve(path.dirname(bin), '../dist/commands.json');
	if (!fs.existsSync(manifest)) return false;
	const files = JSON.parse(fs.readFileSync(manifest, 'utf8')) as string[];
	return files.some(file => file.replace(/\.(js|ts)x?$/, '') === name || file.replace(/\.(js|ts)x?$/, '') === `${name}/index`);
}

const productionEnv = () => ({...process.env, NODE_ENV: 'production', NO_COLOR: '1'});

async function processTimes(context: BenchContext, args: string[], check: (stdout: string) => void) {
	const node = process.execPath;
	const product: number[] = [];
	const nodeBaseline: number[] = [];
	const psql: number[] = [];
	const hasPsql = commandExists('psql');
	const runs = context.runs;
	// Interleaved, so all three see the same machine load; one warm-up round fills the page cache.
	for (let run = -1; run < runs; run++) {
		const base = await timeProcess(node, ['-e', '0']);
		const result = await timeProcess(node, [...context.cli, ...args], {env: productionEnv()});
		if (result.code !== 0) throw new Error(`evfleet ${args.join(' ')} exited ${result.code}: ${result.stderr.trim().split('\n')[0]}`);
		check(result.stdout);
		const reference = hasPsql ? await timeProcess('psql', [context.url, '-Atqc', 'select 1']) : undefined;
		if (run < 0) continue;
		nodeBaseline.push(base.ms);
		product.push(result.ms);
		if (reference) psql.push(reference.ms);
	}
	const valueMedian = median(product);
	const comparisons = psql.length > 0 ? [{title: "psql -c 'select 1'", ...summarize(psql), ratio: valueMedian / median(psql)}] : [];
	return {product, nodeBaseline, comparisons};
}

export async function cliHelp(context: BenchContext): Promise<Figure> {
	const {product, nodeBaseline, comparisons} = await processTimes(context, ['--help'], stdout => {
		if (!stdout.includes('Commands:')) throw new Error('evfleet --help printed no command list');
	});
	return measuredFigure(
		{id: 'cliHelp', title: '`evfleet --help` whole process', unit: 'ms', better: 'lower', target: '≤ 4× node -e 0'},
		product,
		{title: 'node -e 0', samples: nodeBaseline},
		{ratioKind: 'ofBaseline', pass: (_, ratio) => ratio !== null && ratio <= 4, comparisons: comparisons.map(({title, median, p95, ratio}) => ({title, median, p95, ratio}))},
	);
}

export async function cliOrgsJson(context: BenchContext): Promise<Figure> {
	const base = {id: 'cliOrgsJson', title: '`evfleet orgs --json` whole process', unit: 'ms', better: 'lower', target: '≤ 4× node -e 0'} as const;
	if (!builtCommand(context, 'orgs')) return skippedFigure(base, 'the orgs command is not in the build');
	const {product, nodeBaseline, comparisons} = await processTimes(context, ['orgs', '--json', '--url', context.url], stdout => {
		const parsed = JSON.parse(stdout) as unknown;
		if (parsed === null || typeof parsed !== 'object') throw new Error('evfleet orgs --json printed no JSON document');
	});
	return measuredFigure(base, product, {title: 'node -e 0', samples: nodeBaseline}, {
		ratioKind: 'ofBaseline',
		pass: (_, ratio) => ratio !== null && ratio <= 4,
		comparisons: comparisons.map(({title, median, p95, ratio}) => ({title, median, p95, ratio})),
	});
}

function consoleArgv(context: BenchContext, extra: string[] = []): string[] {
	return [process.execPath, ...context.cli, '--url', context.url, ...extra];
}

export async function consoleFirstFrame(context: BenchContext): Promise<Figure> {
	const base = {id: 'consoleFirstFrame', title: 'console time to first frame (pty)', unit: 'ms', better: 'lower', target: '≤ 5× node -e 0'} as const;
	if (!builtCommand(context, 'index')) return skippedFigure(base, 'the console (evfleet with no command) is not in the build');
	const product: number[] = [];
	const baseline: number[] = [];
	const runs = context.runs;
	for (let run = -1; run < runs; run++) {
		// The floor: node started in the same pty, drawing one character.
		const floor = startInPty([process.execPath, '-e', "process.stdout.write('x')"]);
		const floorMs = await floor.firstFrame;
		await floor.stop();
		const session = startInPty(consoleArgv(context), {env: productionEnv()});
		try {
			const ms = await withTimeout(session.firstFrame, 20_000, 'the console drew nothing within 20 s');
			if (run >= 0) {
				product.push(ms);
				baseline.push(floorMs);
			}
		} finally {
			await session.stop();
		}
	}
	return measuredFigure(base, product, {title: 'node -e (one character) in the same pty', samples: baseline}, {
		ratioKind: 'ofBaseline',
		pass: (_, ratio) => ratio !== null && ratio <= 5,
		note: 'first output with visible text, whatever the console draws first',
	});
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

type MemoryTrace = {peakMb: number; growthMb: number; samples: number; outputBytes: number};

/** Samples the console's RSS every 250 ms while `drive` runs; growth = late plateau minus early plateau. */
async function traceMemory(session: PtySession, seconds: number, drive: (elapsedMs: number) => void): Promise<MemoryTrace> {
	const rss: number[] = [];
	const started = performance.now();
	const bytesBefore = session.output().length;
	let peakMb = 0;
	while (performance.now() - started < seconds * 1000) {
		drive(performance.now() - started);
		await new Promise(resolve => setTimeout(resolve, 250));
		const pid = session.pid();
		const memory = pid === undefined ? undefined : memoryOf(pid);
		if (!memory) continue;
		rss.push(memory.rssMb);
		peakMb = Math.max(peakMb, memory.peakMb);
	}
	if (rss.length < 4) throw new Error('could not sample the console process memory');
	const quarter = Math.max(1, Math.floor(rss.length / 4));
	// Second quarter (warmed up) against the last quarter: a leak shows as a rising late plateau.
	const early = Math.max(...rss.slice(quarter, 2 * quarter));
	const late = Math.max(...rss.slice(-quarter));
	return {peakMb, growthMb: late - early, samples: rss.length, outputBytes: session.output().length - bytesBefore};
}

const pageDown = '\u001B[6~';

/** Opens the console and waits until it takes keys (its footer is drawn). */
async function openConsole(context: BenchContext): Promise<PtySession> {
	const session = startInPty(consoleArgv(context), {env: productionEnv()});
	await withTimeout(session.firstFrame, 20_000, 'the console drew nothing within 20 s');
	await session.waitFor(text => /q quit/.test(text));
	return session;
}

/**
 * Types a `:` command as a person does: the colon (it opens the command line), then the words once it is open,
 * then enter. A loaded machine can drop keys typed before the prompt listens: escape and type again (3 tries).
 */
async function runCommand(session: PtySession, command: string): Promise<void> {
	const since = (offset: number) => visibleText(session.output().slice(offset));
	let lastError: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			let offset = session.output().length;
			session.write(':');
			// The command line is open when its completion list is drawn.
			await session.waitFor(() => /\borgs\b.*\bvehicles\b/.test(since(offset)), 5000);
			await new Promise(resolve => setTimeout(resolve, 100));
			offset = session.output().length;
			session.write(command);
			const last = command.split(' ').at(-1)!;
			await session.waitFor(() => since(offset).replaceAll(/[_█▌|]/g, '').includes(last), 5000);
			session.write('\r');
			return;
		} catch (error) {
			lastError = error;
			session.write('\u001B');
			await new Promise(resolve => setTimeout(resolve, 500));
		}
	}
	throw lastError;
}

/** Memory while paging down, as fast as keys repeat, through one vehicle's history of `pagingRows` rows. */
export async function consoleRssPaging(context: BenchContext): Promise<Figure> {
	const base = {id: 'consoleRssPaging', title: 'console peak RSS paging telematics history', unit: 'MB', better: 'lower', target: '≤ 120 MB, flat'} as const;
	if (!builtCommand(context, 'index')) return skippedFigure(base, 'the console (evfleet with no command) is not in the build');
	const {sql} = context;
	const [vehicle] = await sql<Array<{id: string; vin: string; organizationId: string}>>`select id, vin, organization_id from vehicles order by md5(id::text) limit 1`;
	if (!vehicle) throw new Error('no vehicles seeded');
	// One vehicle gets a long history (one row a second, older than its seeded rows), so there is far more to page than a screen holds.
	const [{rows: existing}] = await sql<[{rows: number}]>`select count(*)::float8 as rows from vehicle_telematics where vehicle_id = ${vehicle.id}`;
	if (existing < context.pagingRows) {
		await sql`
			insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, power_kw, pack_temp_c, location)
			select ${vehicle.id}::uuid, ${vehicle.organizationId}::uuid, (select min(recorded_at) from vehicle_telematics where vehicle_id = ${vehicle.id}) - make_interval(secs => g + 0.5),
			       20 + (g % 80), g % 120, (g % 90) - 20, 25 + (g % 20), st_setsrid(st_makepoint(31.2 + (g % 1000) / 1e4, 30.0 + (g % 997) / 1e4), 4326)::geography
			from generate_series(1, ${context.pagingRows - existing}::int) g
			on conflict do nothing`;
		await sql`analyze vehicle_telematics`;
	}
	const peaks: number[] = [];
	const growth: number[] = [];
	let outputBytes = 0;
	for (let run = 0; run < context.consoleRuns; run++) {
		const session = await openConsole(context);
		try {
			await runCommand(session, `vehicle ${vehicle.vin}`);
			// The history's first page is in: its title says which rows of how many ("rows 1–10 of ~1,000,000").
			await session.waitFor(text => text.includes(vehicle.vin) && /recorded/i.test(text) && /rows [\d,]+–[\d,]+ of/.test(text));
			const trace = await traceMemory(session, context.pagingSeconds, () => {
				for (let key = 0; key < 5; key++) session.write(pageDown);
			});
			peaks.push(trace.peakMb);
			growth.push(trace.growthMb);
			outputBytes += trace.outputBytes;
		} finally {
			await session.stop();
		}
	}
	const growthMb = Math.max(...growth);
	return measuredFigure(base, peaks, null, {
		ratioKind: null,
		pass: value => value <= 120 && growthMb <= 10,
		note: `PgDn 20×/s for ${context.pagingSeconds} s through ${context.pagingRows.toLocaleString('en-US')} rows; flat = late RSS within 10 MB of early`,
		details: {rssGrowthMb: Number(growthMb.toFixed(1)), historyRows: Math.max(existing, context.pagingRows), screenBytesWritten: outputBytes},
	});
}

/** Memory while the live view refreshes for watchSeconds, with telematics arriving the whole time (one row per vehicle every 2 s). */
export async function consoleRssLive(context: BenchContext): Promise<Figure> {
	const base = {id: 'consoleRssLive', title: `console peak RSS watching live (${context.watchSeconds} s)`, unit: 'MB', better: 'lower', target: '≤ 120 MB, flat'} as const;
	if (!builtCommand(context, 'index')) return skippedFigure(base, 'the console (evfleet with no command) is not in the build');
	const {sql} = context;
	const vehicles = await sql<Array<{id: string; organizationId: string}>>`select id, organization_id from vehicles`;
	const peaks: number[] = [];
	const growth: number[] = [];
	let rowsWritten = 0;
	let unavailable = false;
	for (let run = 0; run < context.consoleRuns && !unavailable; run++) {
		const session = await openConsole(context);
		let feeding = true;
		const feeder = (async () => {
			const writer = context.connect({max: 1});
			try {
				while (feeding) {
					const at = new Date().toISOString();
					const lines = vehicles.map((v, index) => `${v.id}\t${v.organizationId}\t${at}\t${(30 + ((index + rowsWritten) % 60)).toFixed(1)}\t${index % 100}\tSRID=4326;POINT(${(31.2 + (index % 1000) / 1e4).toFixed(5)} ${(30.05 + rowsWritten / 1e9).toFixed(6)})`);
					const writable = await writer`copy vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, speed_kmh, location) from stdin`.writable();
					await pipeline(Readable.from([lines.join('\n') + '\n']), writable);
					rowsWritten += lines.length;
					await new Promise(resolve => setTimeout(resolve, 2000));
				}
			} finally {
				await writer.end({timeout: 5});
			}
		})();
		try {
			await runCommand(session, 'live');
			await session.waitFor(text => /Live vehicles/.test(text));
			await new Promise(resolve => setTimeout(resolve, 1000));
			if (/not available yet/.test(visibleText(session.output()).slice(-2000))) {
				unavailable = true;
				continue;
			}
			const trace = await traceMemory(session, context.watchSeconds, () => undefined);
			peaks.push(trace.peakMb);
			growth.push(trace.growthMb);
		} finally {
			feeding = false;
			await feeder;
			await session.stop();
		}
	}
	if (unavailable) return skippedFigure(base, 'the console says the live view (:live) is not available yet');
	const growthMb = Math.max(...growth);
	return measuredFigure(base, peaks, null, {
		ratioKind: null,
		pass: value => value <= 120 && growthMb <= 10,
		note: 'live vehicles view (:live) while one telematics row per vehicle arrives every 2 s; flat = late RSS within 10 MB of early',
		details: {rssGrowthMb: Number(growthMb.toFixed(1)), telematicsRowsWritten: rowsWritten},
	});
}

export {repo};
