import {describe, expect, it} from 'vitest';
import {formatClock, shortServerVersion} from '../../source/text/formats.js';

describe('shortServerVersion', () => {
	it('drops the packager suffix of server_version', () => {
		expect(shortServerVersion('PostgreSQL 15.18 (Debian 15.18-0+deb12u1)')).toBe('PG 15.18');
		expect(shortServerVersion('PostgreSQL 16.4')).toBe('PG 16.4');
		expect(shortServerVersion('PostgreSQL 17beta1 (Ubuntu 17~beta1-1.pgdg22.04+1)')).toBe('PG 17beta1');
	});
});

describe('formatClock', () => {
	const now = Date.parse('2026-12-06T13:20:00Z');
	it('shows only the time for a moment of today (UTC)', () => {
		expect(formatClock(new Date('2026-12-06T23:59:00Z'), now)).toBe('23:59');
	});
	it('carries the date for tomorrow, so an ETA after midnight does not read as today', () => {
		expect(formatClock(new Date('2026-12-07T00:10:00Z'), now)).toBe('Dec 07 00:10');
	});
	it('carries the date for yesterday', () => {
		expect(formatClock(new Date('2026-12-05T14:05:00Z'), now)).toBe('Dec 05 14:05');
	});
	it('carries the year for another year', () => {
		expect(formatClock(new Date('2027-01-01T08:00:00Z'), now)).toBe('2027-01-01 08:00');
	});
});
