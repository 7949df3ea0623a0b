import {describe, expect, it} from 'vitest';
import {
	distanceKm,
	driveToward,
	dailyKm,
	localDay,
	loopThrough,
	pointOnLoop,
	vehicleStateAt,
	type VehicleDayProfile,
} from '../../source/model/vehicle-motion.js';

function profile(overrides: Partial<VehicleDayProfile> = {}): VehicleDayProfile {
	return {park: {lon: 31.2357, lat: 30.0444}, loopRadiusKm: 4, loopAngle: 1, speedKmh: 30, laps: 3, shiftStartHour: 8, fridayOff: true, drives: true, ...overrides};
}

/** Every minute of one local day (2026-03-17, a Tuesday), UTC+2. */
function minutesOf(day: string): Date[] {
	const start = Date.parse(`${day}T00:00:00+02:00`);
	return Array.from({length: 24 * 60}, (_, i) => new Date(start + i * 60_000));
}

const commissioned = localDay(new Date('2025-01-01T12:00:00Z'));

describe('vehicleStateAt', () => {
	it('keeps a parked vehicle still: same place, same odometer, speed 0', () => {
		const p = profile();
		const states = minutesOf('2026-03-17').map(t => vehicleStateAt(p, t, commissioned, () => false));
		let parkedSteps = 0;
		for (let i = 1; i < states.length; i++) {
			const [a, b] = [states[i - 1]!, states[i]!];
			if (a.mode === 'parked' && b.mode === 'parked') {
				parkedSteps++;
				expect(b.drivenKm).toBe(a.drivenKm);
				expect(distanceKm(a.position, b.position)).toBeLessThan(1e-9);
				expect(b.speedKmh).toBe(0);
			}
		}
		expect(parkedSteps).toBeGreaterThan(600);
	});

	it('moves a driving vehicle by the distance its odometer adds, at the speed it reports', () => {
		const p = profile();
		const states = minutesOf('2026-03-17').map(t => vehicleStateAt(p, t, commissioned, () => false));
		let drivingSteps = 0;
		for (let i = 1; i < states.length; i++) {
			const [a, b] = [states[i - 1]!, states[i]!];
			if (a.mode === 'driving' && b.mode === 'driving') {
				drivingSteps++;
				expect(b.drivenKm - a.drivenKm).toBeCloseTo(b.speedKmh / 60, 6);
				// one minute along a 4 km circle: the chord is the arc, to a few metres
				expect(distanceKm(a.position, b.position)).toBeCloseTo(b.drivenKm - a.drivenKm, 2);
			}
		}
		expect(drivingSteps).toBeGreaterThan(100);
	});

	it('ends the working day back at the depot with its daily distance, and drives nothing on its Friday off', () => {
		const p = profile();
		const evening = vehicleStateAt(p, new Date('2026-03-17T20:00:00+02:00'), commissioned, () => false);
		expect(evening.drivenTodayKm).toBeCloseTo(dailyKm(p), 6);
		expect(distanceKm(evening.position, p.park)).toBeLessThan(0.001);
		const friday = minutesOf('2026-03-20').map(t => vehicleStateAt(p, t, commissioned, () => false));
		expect(friday.every(s => s.mode === 'parked' && s.drivenTodayKm === 0)).toBe(true);
		const thursday = vehicleStateAt(p, new Date('2026-03-19T22:00:00+02:00'), commissioned, () => false);
		const saturday = vehicleStateAt(p, new Date('2026-03-21T07:00:00+02:00'), commissioned, () => false);
		expect(saturday.drivenKm).toBeCloseTo(thursday.drivenKm, 6);
	});

	it('stops at the public station on its loop on a public-charge day, and drives the same distance', () => {
		const station = {lon: 31.27, lat: 30.06};
		const loop = loopThrough({lon: 31.2357, lat: 30.0444}, 3, 0.5, station);
		expect(distanceKm(pointOnLoop(profile(loop), loop.publicStopKm!).position, station)).toBeLessThan(0.001);
		const p = profile(loop);
		const day = minutesOf('2026-03-17').map(t => vehicleStateAt(p, t, commissioned, () => true));
		const atStation = day.filter(s => s.atPublicStop);
		expect(atStation.length).toBe(60);
		expect(atStation.every(s => s.mode === 'parked' && distanceKm(s.position, station) < 0.001)).toBe(true);
		expect(day.at(-1)!.drivenTodayKm).toBeCloseTo(dailyKm(p), 6);
	});
});

describe('driveToward', () => {
	it('never overshoots the target and adds exactly the distance covered', () => {
		const from = {lon: 31.2, lat: 30};
		const to = {lon: 31.21, lat: 30};
		const step = driveToward(from, to, 30, 1 / 60);
		expect(step.travelledKm).toBeCloseTo(0.5, 6);
		expect(distanceKm(from, step.position)).toBeCloseTo(step.travelledKm, 6);
		const last = driveToward(from, to, 300, 1);
		expect(last.arrived).toBe(true);
		expect(last.position).toEqual(to);
		expect(last.travelledKm).toBeCloseTo(distanceKm(from, to), 9);
	});
});
