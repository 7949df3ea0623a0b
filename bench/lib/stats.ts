// Summaries of repeated measurements: median and p95 (nearest-rank), never a mean a single outlier can drag.

export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export type Summary = {median: number; p95: number; samples: number[]};

/**
 * Median and p95 of samples. For "higher is better" figures (rates) the p95 is the value 95 % of runs
 * reached, that is the 5th percentile: p95 is always the bad tail.
 */
export function summarize(samples: readonly number[], better: 'lower' | 'higher' = 'lower'): Summary {
	return {median: median(samples), p95: percentile(samples, better === 'lower' ? 95 : 5), samples: [...samples]};
}

/**
 * Milliseconds taken by fn, each run timed separately. Stops early (keeping at least one sample) once the
 * runs have taken budgetMs, so a pathologically slow query costs minutes, not hours; the sample count says so.
 */
export async function timeRuns(runs: number, fn: (run: number) => Promise<unknown>, {warmup = 1, budgetMs = 120_000} = {}): Promise<number[]> {
	const started = performance.now();
	for (let index = 0; index < warmup && performance.now() - started < budgetMs; index++) await fn(-1 - index);
	const samples: number[] = [];
	for (let run = 0; run < runs; run++) {
		if (samples.length > 0 && performance.now() - started > budgetMs) break;
		const runStarted = performance.now();
		await fn(run);
		samples.push(performance.now() - runStarted);
	}
	return samples;
}
