// Smoke test of the benchmark harness at a tiny scale: it runs end to end, produces every figure and valid JSON.
// It asserts no time: speed targets are judged by `npm run bench`, never by a test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {benchServerSettings, runBenchmark, writeReport} from '../../bench/run.js';
import {figureIds, markdownTable, reportSchema, type Report} from '../../bench/lib/report.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe('npm run bench (tiny scale)', () => {
	let db: TestDatabase;
	let root: string;
	let report: Report;
	let written: unknown;

	beforeAll(async () => {
		db = await createTestDatabase();
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-bench-'));
		fs.symlinkSync(path.join(repo, 'sql'), path.join(root, 'sql'));
		// @ts-expect-error plain ES module script without types
		const {build} = (await import('../../scripts/build.mjs')) as {build: (options: {outDir: string; quiet: boolean}) => Promise<string[]>};
		await build({outDir: path.join(root, 'dist'), quiet: true});
		// The shipped entry (bin/evfleet.js) in front of the fresh build, as users run it.
		fs.mkdirSync(path.join(root, 'bin'));
		fs.copyFileSync(path.join(repo, 'bin/evfleet.js'), path.join(root, 'bin/evfleet.js'));
		report = await runBenchmark({
			url: db.url,
			scale: 'tiny',
			seed: 7,
			cli: [path.join(root, 'bin/evfleet.js')],
			workload: {runs: 2, slowBaselineRuns: 1, pagingSeconds: 2, watchSeconds: 2},
		});
		const file = path.join(root, 'results/latest.json');
		writeReport(report, file);
		written = JSON.parse(fs.readFileSync(file, 'utf8'));
	}, 600_000);

	afterAll(async () => {
		await db?.close();
		if (root) fs.rmSync(root, {recursive: true, force: true});
	});

	it('writes a report that validates against its schema', () => {
		expect(() => reportSchema.parse(written)).not.toThrow();
		expect(reportSchema.parse(written).data.vehicles).toBeGreaterThan(0);
	});

	it("records the measured server's settings, and sizes a throw-away cluster's buffers to the machine", () => {
		expect(report.machine.server?.['shared_buffers']).toMatch(/^\d+(kB|MB|GB)$/);
		expect(report.machine.server?.['fsync']).toMatch(/^(on|off)$/);
		expect(benchServerSettings(24 * 1024 ** 3).shared_buffers).toBe('4096MB');
		expect(benchServerSettings(2 * 1024 ** 3).shared_buffers).toBe('512MB');
		expect(benchServerSettings(256 * 1024 ** 2).shared_buffers).toBe('128MB');
	});

	it('produces every figure once, in the issue order of the harness', () => {
		expect(report.figures.map(figure => figure.id).sort()).toEqual([...figureIds].sort());
	});

	it('measures every figure whose piece is in the build, with a median, a p95 and its samples', () => {
		for (const figure of report.figures) {
			expect(figure.status, `${figure.id}: ${figure.note ?? ''}`).not.toBe('failed');
			if (figure.status === 'skipped') {
				expect(figure.note, figure.id).toMatch(/not (in the build|available)/);
				continue;
			}
			expect(figure.value, figure.id).not.toBeNull();
			expect(Number.isFinite(figure.value!.median), figure.id).toBe(true);
			expect(Number.isFinite(figure.value!.p95), figure.id).toBe(true);
			expect(figure.value!.samples.length, figure.id).toBeGreaterThan(0);
			expect(typeof figure.pass === 'boolean', figure.id).toBe(true);
		}
	});

	it('measures every database figure against a baseline from the same run', () => {
		for (const id of ['ingest', 'liveVehiclesPage', 'vehicleLast100', 'nearestConnectors', 'matviewRefreshReader', 'cliHelp'] as const) {
			const figure = report.figures.find(f => f.id === id)!;
			expect(figure.status, `${id}: ${figure.note ?? ''}`).toBe('measured');
			expect(figure.baseline, id).not.toBeNull();
			expect(figure.ratio, id).not.toBeNull();
		}
	});

	it('prints one table row per figure', () => {
		const table = markdownTable(report);
		expect(table.split('\n')).toHaveLength(2 + figureIds.length);
		expect(table).toContain('| figure | median | p95 |');
	});
});
