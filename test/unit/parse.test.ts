import {describe, expect, it} from 'vitest';
import {parseDuration, parseMonths, parseSince} from '../../source/text/parse.js';
import {formatAge, formatBar, formatBytes, formatDuration} from '../../source/text/formats.js';
import {UsageError} from '../../source/model/errors.js';

describe('parseDuration', () => {
	it('accepts PostgreSQL duration syntax', () => {
		expect(parseDuration('500ms')).toBe(500);
		expect(parseDuration('2s')).toBe(2000);
		expect(parseDuration('1min')).toBe(60_000);
		expect(parseDuration('1.5h')).toBe(5_400_000);
		expect(parseDuration('3')).toBe(3000);
	});
	it('rejects anything else as bad usage', () => {
		expect(() => parseDuration('soon')).toThrow(UsageError);
		expect(() => parseDuration('-1s')).toThrow(/invalid duration/);
	});
});

describe('parseMonths', () => {
	it('reads months and years', () => {
		expect(parseMonths('12mo')).toBe(12);
		expect(parseMonths('2y')).toBe(24);
		expect(() => parseMonths('12d')).toThrow(UsageError);
	});
});

describe('parseSince', () => {
	const now = Date.parse('2026-11-25T12:00:00Z');
	it('takes an age relative to now', () => {
		expect(parseSince('2h', now).toISOString()).toBe('2026-11-25T10:00:00.000Z');
		expect(parseSince('3d', now).toISOString()).toBe('2026-11-22T12:00:00.000Z');
	});
	it('takes a time, UTC unless it has an offset', () => {
		expect(parseSince('2026-11-20 14:00', now).toISOString()).toBe('2026-11-20T14:00:00.000Z');
		expect(parseSince('2026-11-20T14:00:00+02:00', now).toISOString()).toBe('2026-11-20T12:00:00.000Z');
	});
	it('says which formats are accepted', () => {
		expect(() => parseSince('yesterday', now)).toThrow(/invalid --since "yesterday"/);
		try {
			parseSince('yesterday', now);
		} catch (error) {
			expect((error as UsageError).hint).toMatch(/use an age \(30m, 2h, 3d\) or a time/);
		}
	});
});

describe('format', () => {
	it('formats ages, durations, sizes and bars', () => {
		expect(formatAge(new Date(1000), 62_000)).toBe('1m');
		expect(formatAge(null)).toBe('-');
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(192_000)).toBe('3m 12s');
		expect(formatBytes(1536)).toBe('1.5 kB');
		expect(formatBar(50, 100, 8)).toBe('████░░░░');
		expect(formatBar(100, 100, 4, true)).toBe('####');
	});
});
