import {describe, expect, it} from 'vitest';
import {defaultGapSeconds, isGap, secondsToNewer} from '../../source/model/telematics-gaps.js';

const at = (minutes: number) => ({recordedAt: new Date(Date.UTC(2026, 10, 20, 14, minutes))});

describe('the telematics gap rule', () => {
	it('a silence longer than the threshold is a gap, one exactly as long is not', () => {
		expect(isGap(defaultGapSeconds + 1)).toBe(true);
		expect(isGap(defaultGapSeconds)).toBe(false);
		expect(isGap(120, 60)).toBe(true);
	});

	it('the newest row has no silence after it, so it is never a gap', () => {
		expect(isGap(null)).toBe(false);
		expect(secondsToNewer([at(30), at(10)])[0]!.secondsToNewer).toBeNull();
	});

	it('measures each row against the next newer one, the first against the row before the page', () => {
		expect(secondsToNewer([at(30), at(10), at(9)], at(45).recordedAt).map(r => r.secondsToNewer)).toEqual([15 * 60, 20 * 60, 60]);
	});
});
