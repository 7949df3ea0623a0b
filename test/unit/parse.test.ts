import {describe, expect, it} from 'vitest';
import {parseDuration, parseLimit, parseMonths, parseSince} from '../../source/text/parse.js';
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

describe('bounds on numbers', () => {
	it('refuses a duration past 100 years, and one outside the range a caller gives', async () => {
		const {maxDurationMs, parseTimeout} = await import('../../source/text/parse.js');
		expect(() => parseDuration('99999999d', '--since')).toThrow(/invalid --since "99999999d": out of range/);
		expect(parseDuration('36524d')).toBeLessThanOrEqual(maxDurationMs);
		const hint = (run: () => unknown) => {
			try {
				run();
			} catch (error) {
				return (error as UsageError).hint;
			}
			return undefined;
		};
		expect(hint(() => parseDuration('0', '--tick', {min: 100}))).toBe('use a duration from 100ms to 100 years');
		expect(hint(() => parseDuration('2h', '--tick', {min: 100, max: 3_600_000}))).toBe('use a duration from 100ms to 1h');
		expect(parseTimeout('24d', '--lock-timeout')).toBe(24 * 86_400_000);
		expect(() => parseTimeout('25d', '--lock-timeout')).toThrow(UsageError);
		expect(parseTimeout('0', '--statement-timeout')).toBe(0);
	});

	it('a --since far in the past is refused, not turned into an invalid date', () => {
		expect(() => parseSince('99999999d')).toThrow(UsageError);
		expect(parseSince('36500d', Date.parse('2026-11-25T12:00:00Z')).getUTCFullYear()).toBe(1926);
	});

	it('watch --interval between 0.5 s and 1 h, --limit digits only', async () => {
		const {parseInterval} = await import('../../source/app/watch-options.js');
		expect(parseInterval('1h')).toBe(3_600_000);
		expect(() => parseInterval('61min')).toThrow(/too long/);
		expect(() => parseLimit('0x10', {fallback: 100})).toThrow(/invalid --limit/);
		expect(parseLimit('50', {fallback: 100})).toBe(50);
	});

	it('--view must name a view of the console', async () => {
		const {checkViewOption} = await import('../../source/app/options.js');
		expect(() => checkViewOption('vehicle WVWZZZ1KZAW000001')).not.toThrow();
		expect(() => checkViewOption('MAINT')).not.toThrow();
		expect(() => checkViewOption('nosuch')).toThrow(/unknown --view "nosuch"/);
	});

	it('the list --view is checked against is the console registry, names and aliases', async () => {
		const [{consoleViewNames}, {views}] = await Promise.all([import('../../source/app/options.js'), import('../../source/app/views.js')]);
		expect([...consoleViewNames].sort()).toEqual(views.flatMap(view => [view.name, ...view.aliases]).sort());
	});
});

describe('parseLimit', () => {
	it('takes the fallback when --limit is not given', () => {
		expect(parseLimit(undefined, {fallback: 200})).toBe(200);
	});

	it('accepts 1 to max and refuses the rest as usage errors naming what is accepted', () => {
		expect(parseLimit(' 1000 ', {fallback: 1})).toBe(1000);
		expect(() => parseLimit('1001', {fallback: 1})).toThrow(UsageError);
		expect(() => parseLimit('0', {fallback: 1})).toThrow('invalid --limit "0"');
		expect(() => parseLimit('2.5', {fallback: 1, noun: 'number of vehicles'})).toThrow(expect.objectContaining({hint: 'use a number of vehicles from 1 to 1000'}));
	});
});
