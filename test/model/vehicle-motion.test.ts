import {describe, expect, it} from 'vitest';
import {
	dailyKm,
	dayStopsKm,
	localDay,
	localInstant,
	publicStopHours,
	shiftHoursAtKm,
	shiftLengthHours,
	stopMinutes,
	vehicleStateAt,
	type VehicleDayProfile,
} from '../../source/model/vehicle-motion.js';

const profile = (overrides: Partial<VehicleDayProfile> = {}): VehicleDayProfile => ({
	park: {lon: 31.2357, lat: 30.0444}, loopRadiusKm: 4, loopAngle: 1, speedKmh: 30, laps: 3, shiftStartHour: 8.25, fridayOff: false, drives: true, ...overrides,
});
// A Wednesday (local day number) and the instant `hours` into its shift.
const day = localDay(new Date('2026-03-18T10:00:00Z'));
const at = (p: VehicleDayProfile, hours: number) => new Date(localInstant(day, p.shiftStartHour).getTime() + hours * 3_600_000);
const minute = 1 / 60;

describe('the shift timetable (the inverse of vehicleStateAt)', () => {
	for (const [label, p, publicDay] of [
		['a plain day', profile(), false],
		['a public-charge day', profile({publicStopKm: 10}), true],
		['a day it passes its public station without stopping', profile({publicStopKm: 10}), false],
		['a short day', profile({laps: 1, loopRadiusKm: 3, speedKmh: 36}), false],
	] as const) {
		it(`${label}: drives until shiftLengthHours, then is home with the day's km`, () => {
			const length = shiftLengthHours(p, publicDay);
			const before = vehicleStateAt(p, at(p, length - minute), day - 100, () => publicDay);
			const after = vehicleStateAt(p, at(p, length + minute), day - 100, () => publicDay);
			expect(before.mode).toBe('driving');
			expect(after.mode).toBe('parked');
			expect(after.drivenTodayKm).toBeCloseTo(dailyKm(p), 6);
			expect(vehicleStateAt(p, at(p, -minute), day - 100, () => publicDay).drivenTodayKm).toBe(0);
		});

		it(`${label}: is parked at each stop from the hour shiftHoursAtKm gives, for the stop's minutes`, () => {
			for (const stop of dayStopsKm(p)) {
				const arrive = shiftHoursAtKm(p, stop.km, publicDay);
				const dwell = stop.kind === 'stop' ? stopMinutes / 60 : publicDay ? publicStopHours : 0;
				expect(vehicleStateAt(p, at(p, arrive - minute), day - 100, () => publicDay).mode).toBe('driving');
				if (dwell === 0) continue;
				const there = vehicleStateAt(p, at(p, arrive + dwell / 2), day - 100, () => publicDay);
				expect(there.mode).toBe('parked');
				expect(there.drivenTodayKm).toBeCloseTo(stop.km, 6);
				expect(vehicleStateAt(p, at(p, arrive + dwell + minute), day - 100, () => publicDay).mode).toBe('driving');
			}
		});
	}
});
