// Parsing what people type (times, durations); every failure is a UsageError saying what is accepted.
import {UsageError} from '../model/errors.js';

const unitMs: Record<string, number> = {
	ms: 1,
	s: 1000,
	sec: 1000,
	min: 60_000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
	w: 604_800_000,
};

/** The longest duration any option takes: 100 years. Beyond it a number is a typo, not an intent. */
export const maxDurationMs = 100 * 365.25 * 86_400_000;

/**
 * A PostgreSQL-style duration: "500ms", "2s", "1min", "5m", "2h", "3d", "1w"; a bare number is seconds.
 * Returns milliseconds, within [min, max] (default 0 to 100 years), or a UsageError naming the range.
 */
export function parseDuration(text: string, what = 'duration', {min = 0, max = maxDurationMs}: {min?: number; max?: number} = {}): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h|d|w)?\s*$/i.exec(text);
	if (!match) throw new UsageError(`invalid ${what} "${text}"`, 'use a number with a unit: 500ms, 2s, 1min, 2h, 3d');
	const ms = Math.round(Number(match[1]) * unitMs[(match[2] ?? 's').toLowerCase()]!);
	if (!Number.isFinite(ms) || ms < min || ms > max) throw new UsageError(`invalid ${what} "${text}": out of range`, `use a duration from ${describeMs(min)} to ${describeMs(max)}`);
	return ms;
}

/** A bound as a person would type it: 0, 500ms, 2s, 1h, 24d, 100 years. */
function describeMs(ms: number): string {
	if (ms === 0) return '0';
	if (ms === maxDurationMs) return '100 years';
	for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
		if (ms % size === 0) return `${ms / size}${unit}`;
	}
	return `${ms}ms`;
}

/** PostgreSQL's lock_timeout / statement_timeout take at most 2^31-1 ms (about 24.8 days); 0 is "no limit". */
export const maxTimeoutMs = 2_147_483_647;

export function parseTimeout(text: string, what: string): number {
	return parseDuration(text, what, {max: maxTimeoutMs});
}

/** Months for retention: "12mo", "12 months", "1y". */
export function parseMonths(text: string, what = 'age'): number {
	const match = /^\s*(\d+)\s*(mo|mon|month|months|y|yr|year|years)\s*$/i.exec(text);
	if (!match) throw new UsageError(`invalid ${what} "${text}"`, 'use months or years: 12mo, 18 months, 1y');
	const n = Number(match[1]);
	return /^y/i.test(match[2]!) ? n * 12 : n;
}

/**
 * A point in time: relative to now ("2h", "30m", "3d" ago) or absolute ISO 8601 / "2026-11-20 14:00"
 * (taken as UTC unless it carries an offset).
 */
export function parseSince(text: string, now: number = Date.now(), what = '--since'): Date {
	const trimmed = text.trim();
	if (/^\d+(?:\.\d+)?\s*(ms|s|sec|min|m|h|d|w)$/i.test(trimmed)) return new Date(now - parseDuration(trimmed, what));
	const iso = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(trimmed);
	if (iso) {
		const date = new Date(`${iso[1]}T${iso[2] ?? '00:00'}${iso[3] ?? 'Z'}`);
		if (!Number.isNaN(date.getTime())) return date;
	}
	throw new UsageError(`invalid ${what} "${text}"`, 'use an age (30m, 2h, 3d) or a time (2026-11-20 14:00, 2026-11-20T14:00:00Z)');
}

/** A whole number of rows (--limit): at least 1, at most max. */
export function parseCount(text: string, what = '--limit', max = 1_000_000, noun = 'whole number'): number {
	const trimmed = text.trim();
	if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > max) {
		throw new UsageError(`invalid ${what} "${text}"`, `use a ${noun} from 1 to ${max}`);
	}
	return Number(trimmed);
}

/** An optional --limit: `fallback` when not given, else as parseCount (the one limit parser of every command). */
export function parseLimit(text: string | undefined, {fallback, max = 1000, noun}: {fallback: number; max?: number; noun?: string}): number {
	return text === undefined ? fallback : parseCount(text, '--limit', max, noun);
}
