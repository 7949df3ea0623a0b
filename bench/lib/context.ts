// What every figure gets: connections, how many runs, how to start the CLI, and how much to do at this scale.
import type {Sql} from '../../source/db/connection.js';
import type {Figure, FigureId} from './report.js';
import {summarize} from './stats.js';

export type BenchContext = {
	/** Superuser connection to the benchmark database (camelCase rows, like the product's). */
	sql: Sql;
	/** Opens another connection to the same database (closed by the harness at the end). */
	connect(options?: {max?: number}): Sql;
	url: string;
	runs: number;
	/** Runs of a baseline that takes seconds per run (a full scan of 20 M rows): fewer, same statistics. */
	slowBaselineRuns: number;
	/** The shipped CLI: process.execPath and these arguments (bin/evfleet.js). */
	cli: string[];
	/** Rows per ingest batch (one COPY). */
	ingestRows: number;
	/** Telematics rows of the one vehicle the paging figure scrolls through. */
	pagingRows: number;
	/** Seconds of paging and of watching live in the memory figures. */
	pagingSeconds: number;
	watchSeconds: number;
	/** Console sessions per memory figure (each lasts pagingSeconds or watchSeconds). */
	consoleRuns: number;
	/** Backends of the Activity figure: idle ones, and ones waiting behind one lock holder. */
	activityIdle: number;
	activityBlocked: number;
	log(message: string): void;
};

export type FigureRunner = (context: BenchContext) => Promise<Figure>;

type Base = Pick<Figure, 'id' | 'title' | 'unit' | 'better' | 'target'>;

/** A figure that could not be measured (the piece it needs is missing): recorded, never silently dropped. */
export function skippedFigure(base: Base, note: string, status: 'skipped' | 'failed' = 'skipped'): Figure {
	return {...base, status, note, value: null, baseline: null, comparisons: [], ratio: null, ratioKind: null, pass: null, details: {}};
}

export function measuredFigure(
	base: Base,
	samples: number[],
	baseline: {title: string; samples: number[]} | null,
	options: {ratioKind: 'ofBaseline' | 'faster' | null; pass: (value: number, ratio: number | null) => boolean | null; note?: string; details?: Figure['details']; comparisons?: Figure['comparisons']},
): Figure {
	const value = summarize(samples, base.better);
	const reference = baseline ? {title: baseline.title, ...summarize(baseline.samples, base.better)} : null;
	let ratio: number | null = null;
	if (reference && options.ratioKind) ratio = options.ratioKind === 'faster' ? reference.median / value.median : value.median / reference.median;
	if (ratio !== null && !Number.isFinite(ratio)) ratio = null;
	return {
		...base,
		status: 'measured',
		...(options.note ? {note: options.note} : {}),
		value,
		baseline: reference,
		comparisons: options.comparisons ?? [],
		ratio,
		ratioKind: reference ? options.ratioKind : null,
		pass: options.pass(value.median, ratio),
		details: options.details ?? {},
	};
}

export type {Figure, FigureId};
