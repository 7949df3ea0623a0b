import {describe, expect, it} from 'vitest';
import {
	chartHeight,
	describeProjection,
	fillGaps,
	fitFade,
	isFadeOutlier,
	median,
	monthAxisLabels,
	monthKey,
	percentile,
	projectThreshold,
	renderXAxis,
	resample,
	type SohPoint,
} from '../../source/text/charts.js';

const day = 86_400_000;
const year = 365.25 * day;

function monthly(values: readonly number[], start = Date.UTC(2024, 0, 15)): SohPoint[] {
	return values.map((sohPct, i) => {
		const date = new Date(start);
		date.setUTCMonth(date.getUTCMonth() + i);
		return {at: date, sohPct};
	});
}

function months(count: number, start = Date.UTC(2024, 0, 1)): Date[] {
	return Array.from({length: count}, (_, i) => {
		const date = new Date(start);
		date.setUTCMonth(date.getUTCMonth() + i);
		return date;
	});
}

/** A deterministic wiggle (no Math.random in tests). */
function wiggle(i: number): number {
	return Math.sin(i * 12.9898) * 0.8 + Math.cos(i * 4.1414) * 0.5;
}

describe('resample', () => {
	const long = Array.from({length: 500}, (_, i) => 100 + 10 * Math.sin(i / 17) + wiggle(i));
	long[137] = 140; // a spike that must survive
	long[388] = 61; // a dip that must survive

	it('keeps the first, last, minimum and maximum point when shrinking', () => {
		const {series, columns} = resample([long], 60);
		const [out] = series;
		expect(columns).toBe(60);
		expect(out).toHaveLength(60);
		expect(out![0]).toBe(long[0]);
		expect(out!.at(-1)).toBe(long.at(-1));
		expect(Math.max(...out!)).toBe(140);
		expect(Math.min(...out!)).toBe(61);
	});

	it('keeps every series extremes when several share the axis', () => {
		const other = long.map((value, i) => 200 - value + (i === 20 ? 100 : 0));
		const {series} = resample([long, other], 30);
		expect(Math.max(...series[0]!)).toBe(140);
		expect(Math.min(...series[0]!)).toBe(61);
		expect(Math.max(...series[1]!)).toBe(Math.max(...other));
		expect(Math.min(...series[1]!)).toBe(Math.min(...other));
		expect(series[1]![0]).toBe(other[0]);
		expect(series[1]!.at(-1)).toBe(other.at(-1));
	});

	it('keeps extremes that sit next to the first point', () => {
		const values = [50, 10, 90, ...Array.from({length: 200}, () => 50), 51];
		const {series} = resample([values], 10);
		expect(series[0]![0]).toBe(50);
		expect(series[0]!).toContain(10);
		expect(series[0]!).toContain(90);
		expect(series[0]!.at(-1)).toBe(51);
	});

	it('stretches a short series over the columns, each point on its own column', () => {
		const values = [90, 92, 88, 91];
		const {series, pointColumn, columns} = resample([values], 31);
		expect(columns).toBe(31);
		expect(pointColumn).toEqual([0, 10, 20, 30]);
		pointColumn.forEach((column, i) => expect(series[0]![column]).toBe(values[i]));
		expect(series[0]![5]).toBeCloseTo(91);
	});

	it('maps point columns in order and within the width', () => {
		const {pointColumn, columns} = resample([long], 73);
		expect(pointColumn).toHaveLength(500);
		for (let i = 1; i < pointColumn.length; i++) expect(pointColumn[i]!).toBeGreaterThanOrEqual(pointColumn[i - 1]!);
		expect(pointColumn[0]).toBe(0);
		expect(pointColumn.at(-1)).toBe(columns - 1);
	});

	it('fills missing values by interpolation and leaves an empty series empty', () => {
		expect(fillGaps([null, 2, null, 4, null])).toEqual([2, 2, 3, 4, 4]);
		expect(fillGaps([null, null])).toBeUndefined();
		expect(resample([[5]], 40).series[0]).toEqual([5]);
	});
});

describe('x axis', () => {
	it('puts each month label at the column where that month is plotted', () => {
		const dates = months(24);
		const {pointColumn, columns} = resample([dates.map((_, i) => 90 - i * 0.2)], 70);
		const labels = monthAxisLabels(dates, pointColumn, columns, monthKey);
		expect(labels.length).toBeGreaterThan(4);
		for (const label of labels) {
			const i = dates.findIndex(date => monthKey(date) === label.text);
			expect(label.column).toBe(pointColumn[i]);
		}
		// And in the default short form, the first label names the first month at column 0.
		expect(monthAxisLabels(dates, pointColumn, columns)[0]).toEqual({column: 0, text: 'Jan 24'});
	});

	it('never lets labels touch or run past the width', () => {
		const dates = Array.from({length: 700}, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * day));
		const {pointColumn, columns} = resample([dates.map((_, i) => i)], 50);
		const labels = monthAxisLabels(dates, pointColumn, columns);
		labels.forEach((label, k) => {
			expect(label.column + label.text.length).toBeLessThanOrEqual(columns);
			if (k > 0) expect(label.column).toBeGreaterThan(labels[k - 1]!.column + labels[k - 1]!.text.length);
		});
	});

	it('labels months at a regular stride when not every month fits', () => {
		const dates = months(24);
		const {pointColumn, columns} = resample([dates.map((_, i) => i)], 60);
		const labels = monthAxisLabels(dates, pointColumn, columns, monthKey);
		const indexes = labels.map(label => dates.findIndex(date => monthKey(date) === label.text));
		const strides = new Set(indexes.slice(1).map((index, k) => index - indexes[k]!));
		expect(strides.size).toBe(1);
		expect([...strides][0]).toBeGreaterThan(1);
		expect(indexes[0]).toBe(0);
	});

	it('draws ticks and label text at the same offsets after the indent', () => {
		const [rule, text] = renderXAxis([{column: 0, text: 'Jan 24'}, {column: 12, text: 'Apr 24'}], 30, 5);
		expect(rule.indexOf('└')).toBe(5);
		expect(rule.indexOf('┬')).toBe(5 + 12);
		expect(text.indexOf('Jan 24')).toBe(5);
		expect(text.indexOf('Apr 24')).toBe(5 + 12);
	});
});

describe('percentile', () => {
	it('interpolates between ranks like percentile_cont', () => {
		expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
		expect(percentile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14);
		expect(percentile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46);
		expect(percentile([7], 0.9)).toBe(7);
		expect(percentile([], 0.5)).toBeNull();
		expect(median([3, 1, 2])).toBe(2);
	});
});

describe('fitFade and projectThreshold', () => {
	const now = new Date(Date.UTC(2026, 0, 15));

	it('reports no fade and no projection for a flat series', () => {
		const fit = fitFade(monthly(Array.from({length: 24}, () => 95)));
		expect(fit!.fadePctPerYear).toBeCloseTo(0, 10);
		expect(describeProjection(projectThreshold(fit, {now}))).toBe('not within 10 years');
	});

	it('recovers the slope of a linear series and the month it crosses 80 %', () => {
		// 100 % on 2024-01-15, losing exactly 2 points a year: 80 % ten years later, 2034-01.
		const start = Date.UTC(2024, 0, 15);
		const points = Array.from({length: 25}, (_, i) => ({at: new Date(start + (i * year) / 12), sohPct: 100 - (2 * i) / 12}));
		const fit = fitFade(points)!;
		expect(fit.fadePctPerYear).toBeCloseTo(2, 6);
		expect(projectThreshold(fit, {now: new Date(start + 2 * year)})).toEqual({kind: 'projected', month: '2034-01'});
		expect(projectThreshold(fit, {now: new Date(start + 2 * year), horizonYears: 5})).toEqual({kind: 'not-within', years: 5});
	});

	it('stays close to the true fade on a noisy series', () => {
		const values = Array.from({length: 36}, (_, i) => 98 - (3 * i) / 12 + wiggle(i));
		const fit = fitFade(monthly(values))!;
		expect(fit.fadePctPerYear).toBeGreaterThan(2.7);
		expect(fit.fadePctPerYear).toBeLessThan(3.3);
		const projection = projectThreshold(fit, {now});
		expect(projection.kind).toBe('projected');
		// 98 - 3/yr reaches 80 after ~6 years from 2024-01.
		expect(projection.kind === 'projected' && projection.month >= '2029-06' && projection.month <= '2030-06').toBe(true);
	});

	it('refuses to fit one point', () => {
		expect(fitFade(monthly([91]))).toBeUndefined();
		expect(describeProjection(projectThreshold(undefined))).toBe('not enough data');
	});

	it('refuses to fit reports that share one instant', () => {
		const at = new Date(Date.UTC(2025, 0, 1));
		expect(fitFade([{at, sohPct: 90}, {at, sohPct: 91}])).toBeUndefined();
	});

	it('shows rising SoH after a recalibration as negative fade, never as a past 80 % month', () => {
		// Slow fade, then the BMS recalibrates its capacity estimate upward and stays there.
		const values = [92, 91.8, 91.6, 91.4, 91.2, 91, 96, 95.9, 95.8, 95.7, 95.6, 95.5];
		const fit = fitFade(monthly(values))!;
		expect(fit.fadePctPerYear).toBeLessThan(0);
		expect(projectThreshold(fit, {now})).toEqual({kind: 'not-within', years: 10});
	});

	it('says when the threshold is already reached', () => {
		const fit = fitFade(monthly([84, 83, 82, 81, 80, 79, 78]))!;
		const projection = projectThreshold(fit, {now});
		expect(projection.kind).toBe('reached');
		expect(describeProjection(projection)).toMatch(/^reached 2024-0[45]$/);
	});
});

describe('isFadeOutlier', () => {
	it('flags fade above twice the fleet median, and nothing when the fleet does not fade', () => {
		expect(isFadeOutlier(4.1, 2)).toBe(true);
		expect(isFadeOutlier(4, 2)).toBe(false);
		expect(isFadeOutlier(1, 0)).toBe(false);
		expect(isFadeOutlier(null, 2)).toBe(false);
	});
});

describe('chartHeight', () => {
	it('uses what is left of the terminal within bounds', () => {
		expect(chartHeight(24, 14)).toBe(10);
		expect(chartHeight(24, 22)).toBe(5);
		expect(chartHeight(60, 10)).toBe(16);
	});
});
