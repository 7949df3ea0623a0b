import {describe, expect, it} from 'vitest';
import {shortServerVersion} from '../../source/text/formats.js';

describe('shortServerVersion', () => {
	it('drops the packager suffix of server_version', () => {
		expect(shortServerVersion('PostgreSQL 15.18 (Debian 15.18-0+deb12u1)')).toBe('PG 15.18');
		expect(shortServerVersion('PostgreSQL 16.4')).toBe('PG 16.4');
		expect(shortServerVersion('PostgreSQL 17beta1 (Ubuntu 17~beta1-1.pgdg22.04+1)')).toBe('PG 17beta1');
	});
});
