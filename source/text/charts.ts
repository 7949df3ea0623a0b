// Pure arithmetic behind the terminal charts: resampling to the columns we have, month labels under
// the plotted columns, least-squares battery fade with its 80 % projection, percentiles.
import type {Projection} from '../model/battery-data.js';

export type {Projection};

const msPerYear = 365.25 * 86_400_000;

/** A value per x position; null where nothing was measured (drawn by interpolation). */
export type Series = {
	readonly name: string;
	readonly values: ReadonlyArray<number | null>;
};

export type Resampled = {
	/** One array per input series, `columns` long (or shorter when there were fewer points). */
	readonly series: number[][];
	/** The plotted column of each source point (non-decreasing). */
	readonly pointColumn: number[];
	readonly columns: number;
};

/** Replaces nulls by linear interpolation between defined neighbours; leading/trailing nulls take the nearest value. */
export function fillGaps(values: ReadonlyArray<number | null | undefined>): number[] | undefined {
	const defined = values.flatMap((value, index) => (value === null || value === undefined || !Number.isFinite(value) ? [] : [index]));
	if (defined.length === 0) return undefined;
	return values.map((value, index) => {
		if (value !== null && value !== undefined && Number.isFinite(value)) return value;
		const after = defined.find(i => i > index);
		const before = [...defined].reverse().find(i => i < index);
		if (before === undefined) return values[after!] as number;
		if (after === undefined) return values[before] as number;
		const a = values[before] as number;
		const b = values[after] as number;
		return a + ((b - a) * (index - before)) / (after - before);
	});
}

function extremes(values: readonly number[]): [number, number] {
	let min = 0;
	let max = 0;
	for (let i = 1; i < values.length; i++) {
		if (values[i]! < values[min]!) min = i;
		if (values[i]! > values[max]!) max = i;
	}
	return [min, max];
}

/**
 * Fits series sharing one x axis into `columns` columns. Shrinking keeps every series' first, last,
 * minimum and maximum point (each in a column of its own, other columns show their points' mean);
 * stretching places the points evenly and interpolates between them. Points never get cut off.
 */
export function resample(input: ReadonlyArray<ReadonlyArray<number | null>>, columns: number): Resampled {
	const filled = input.map(values => fillGaps(values) ?? []);
	const n = Math.max(0, ...filled.map(values => values.length));
	const m = Math.max(1, Math.floor(columns));
	if (n <= 1 || m <= 1) {
		const width = Math.min(n, m);
		return {series: filled.map(values => values.slice(0, width)), pointColumn: Array.from({length: n}, () => 0), columns: width};
	}
	// Points that must survive get distinct columns, spread to where they belong and nudged apart.
	let specials = [...new Set([0, n - 1, ...filled.flatMap(values => (values.length === n ? extremes(values) : []))])].sort((a, b) => a - b);
	if (specials.length > m) specials = [0, n - 1];
	const target = specials.map(index => Math.round((index * (m - 1)) / (n - 1)));
	for (let j = 1; j < target.length; j++) target[j] = Math.max(target[j]!, target[j - 1]! + 1);
	target[target.length - 1] = Math.min(target[target.length - 1]!, m - 1);
	for (let j = target.length - 2; j >= 0; j--) target[j] = Math.min(target[j]!, target[j + 1]! - 1);
	const pointColumn: number[] = [];
	for (let j = 0; j < specials.length - 1; j++) {
		const [s0, s1, c0, c1] = [specials[j]!, specials[j + 1]!, target[j]!, target[j + 1]!];
		for (let i = s0; i < s1; i++) pointColumn[i] = i === s0 ? c0 : Math.min(c1, Math.max(c0, c0 + Math.round(((i - s0) * (c1 - c0)) / (s1 - s0))));
	}
	pointColumn[n - 1] = target[target.length - 1]!;
	const width = pointColumn[n - 1]! + 1;
	const specialAt = new Map(specials.map((index, j) => [target[j]!, index]));
	const series = filled.map(values => {
		if (values.length !== n) return [];
		const [argMin, argMax] = extremes(values);
		const keep = new Set([0, n - 1, argMin, argMax]);
		const sums = Array.from({length: width}, () => ({sum: 0, count: 0}));
		values.forEach((value, i) => {
			sums[pointColumn[i]!]!.sum += value;
			sums[pointColumn[i]!]!.count += 1;
		});
		const out: Array<number | null> = sums.map(({sum, count}, column) => {
			const special = specialAt.get(column);
			if (special !== undefined && keep.has(special)) return values[special]!;
			return count > 0 ? sum / count : null;
		});
		return fillGaps(out)!;
	});
	return {series, pointColumn, columns: width};
}

/** "2025-01" for a date (UTC). */
export function monthKey(date: Date): string {
	return date.toISOString().slice(0, 7);
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jan 25" — short enough to label every few columns. */
export function monthLabel(date: Date): string {
	return `${monthNames[date.getUTCMonth()]} ${String(date.getUTCFullYear() % 100).padStart(2, '0')}`;
}

export type AxisLabel = {column: number; text: string};

/**
 * Month labels for the x axis, each at the column where its month's first point is plotted: every month
 * when they fit, otherwise every 2nd, 3rd … month (a regular stride) so that no two labels touch.
 */
export function monthAxisLabels(dates: readonly Date[], pointColumn: readonly number[], columns: number, label: (date: Date) => string = monthLabel): AxisLabel[] {
	const candidates: AxisLabel[] = [];
	let previousMonth = '';
	dates.forEach((date, i) => {
		const month = monthKey(date);
		if (month === previousMonth) return;
		previousMonth = month;
		const column = pointColumn[i];
		if (column !== undefined) candidates.push({column, text: label(date)});
	});
	const fits = (labels: AxisLabel[]) => labels.every((item, k) => k === 0 || item.column > labels[k - 1]!.column + labels[k - 1]!.text.length);
	for (let stride = 1; stride <= Math.max(1, candidates.length); stride++) {
		const picked = candidates.filter((_, k) => k % stride === 0).filter(item => item.column + item.text.length <= columns);
		if (fits(picked)) return picked;
	}
	return candidates.slice(0, 1);
}

/**
 * Two lines under the plot: a rule as wide as the plot with a tick at each label, and the labels (which may
 * run up to `textColumns`); `indent` is the y-label width.
 */
export function renderXAxis(labels: readonly AxisLabel[], columns: number, indent: number, textColumns = columns): [string, string] {
	const rule: string[] = Array.from({length: columns}, (_, column) => (column === 0 ? '└' : '─'));
	const text = Array.from({length: Math.max(columns, textColumns)}, () => ' ');
	for (const {column, text: label} of labels) {
		if (column > 0 && column < columns) rule[column] = '┬';
		for (let k = 0; k < label.length && column + k < text.length; k++) text[column + k] = label[k]!;
	}
	const pad = ' '.repeat(indent);
	return [(pad + rule.join('')).trimEnd(), (pad + text.join('')).trimEnd()];
}

// Percentiles

/** Continuous percentile (PostgreSQL's percentile_cont): p in [0, 1], linear between the two nearest ranks. */
export function percentile(values: readonly number[], p: number): number | null {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const rank = Math.min(Math.max(p, 0), 1) * (sorted.length - 1);
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number | null {
	return percentile(values, 0.5);
}

// Battery fade

export type SohPoint = {at: Date; sohPct: number};

export type FadeFit = {
	/** State of health lost per year, percentage points; negative when the fit rises. */
	fadePctPerYear: number;
	/** Fitted SoH at `at` = intercept + slope * years since epoch. */
	interceptPct: number;
	slopePctPerYear: number;
	points: number;
	lastAt: Date;
};

/**
 * Ordinary least squares of SoH against time over a vehicle's reports. Undefined for fewer than two
 * points or when all reports share one instant (no slope can be fitted).
 */
export function fitFade(points: readonly SohPoint[]): FadeFit | undefined {
	const usable = points.filter(point => Number.isFinite(point.sohPct) && Number.isFinite(point.at.getTime()));
	if (usable.length < 2) return undefined;
	const xs = usable.map(point => point.at.getTime() / msPerYear);
	const ys = usable.map(point => point.sohPct);
	const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
	const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
	let sxx = 0;
	let sxy = 0;
	xs.forEach((x, i) => {
		sxx += (x - meanX) ** 2;
		sxy += (x - meanX) * (ys[i]! - meanY);
	});
	if (sxx === 0) return undefined;
	const slope = sxy / sxx;
	return {
		fadePctPerYear: slope === 0 ? 0 : -slope,
		slopePctPerYear: slope,
		interceptPct: meanY - slope * meanX,
		points: usable.length,
		lastAt: new Date(Math.max(...usable.map(point => point.at.getTime()))),
	};
}


/** The fitted SoH at a time. */
export function fittedSoh(fit: Pick<FadeFit, 'interceptPct' | 'slopePctPerYear'>, at: Date): number {
	return fit.interceptPct + fit.slopePctPerYear * (at.getTime() / msPerYear);
}

/**
 * The month the fitted line crosses `thresholdPct` (80 %, the usual warranty threshold): "reached" when
 * the fit is already at or below it at the last report, "not within N years" when it is flat, rising
 * (for example after a BMS recalibration) or crosses later than `horizonYears` from `now`.
 */
export function projectThreshold(
	fit: Pick<FadeFit, 'interceptPct' | 'slopePctPerYear' | 'lastAt'> | undefined,
	{thresholdPct = 80, horizonYears = 10, now = new Date()}: {thresholdPct?: number; horizonYears?: number; now?: Date} = {},
): Projection {
	if (!fit) return {kind: 'not-enough-data'};
	const atLast = fittedSoh(fit, fit.lastAt);
	if (atLast <= thresholdPct) {
		const crossing = fit.slopePctPerYear < 0 ? new Date(((thresholdPct - fit.interceptPct) / fit.slopePctPerYear) * msPerYear) : fit.lastAt;
		return {kind: 'reached', month: monthKey(crossing.getTime() > fit.lastAt.getTime() ? fit.lastAt : crossing)};
	}
	if (fit.slopePctPerYear >= 0) return {kind: 'not-within', years: horizonYears};
	const crossingMs = ((thresholdPct - fit.interceptPct) / fit.slopePctPerYear) * msPerYear;
	const horizonMs = now.getTime() + horizonYears * msPerYear;
	if (crossingMs > horizonMs) return {kind: 'not-within', years: horizonYears};
	return {kind: 'projected', month: monthKey(new Date(crossingMs))};
}

export function describeProjection(projection: Projection): string {
	switch (projection.kind) {
		case 'reached':
			return `reached ${projection.month}`;
		case 'projected':
			return projection.month;
		case 'not-within':
			return `not within ${projection.years} years`;
		case 'not-enough-data':
			return 'not enough data';
	}
}

/** Vehicles whose fade is more than `factor` times the fleet median (only when the median itself is a fade). */
export function isFadeOutlier(fadePctPerYear: number | null | undefined, fleetMedianFade: number | null | undefined, factor = 2): boolean {
	if (fadePctPerYear === null || fadePctPerYear === undefined || fleetMedianFade === null || fleetMedianFade === undefined) return false;
	return fleetMedianFade > 0 && fadePctPerYear > factor * fleetMedianFade;
}

// Chart geometry

/** Plot height for a terminal of `rows` lines, after `reserved` lines of other content: between 5 and 16 rows. */
export function chartHeight(rows: number, reserved: number): number {
	return Math.max(5, Math.min(16, rows - reserved));
}

/** Decimal places that make y labels differ across a range. */
export function labelDigits(min: number, max: number): number {
	const range = Math.abs(max - min);
	if (range === 0) return Math.abs(min) >= 100 ? 0 : 1;
	if (range < 2) return 2;
	if (range < 20) return 1;
	return 0;
}
