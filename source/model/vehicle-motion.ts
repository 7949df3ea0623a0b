// The one model of how a demo vehicle moves, charges and ages, shared by the seed (its SQL generator is built from
// these constants and checked against these functions) and the simulator (it steps with them). Pure: no I/O.
//
// The rules: a PARKED vehicle has speed 0 and keeps its odometer and position; a DRIVING one moves along its path at
// the speed it reports and its odometer rises by exactly the distance; a CHARGING one is parked at its station.

/** Cairo has no daylight saving time since 2014… mostly; the demo keeps UTC+2 all year. */
export const localUtcOffsetHours = 2;
export const kmPerDegree = 111.32;

/** A working day: drive blocks with short stops (deliveries, breaks) between them. */
export const driveBlockMinutes = 80;
export const stopMinutes = 20;
/** A public fast charge on the loop keeps the vehicle at the station this long (the session itself lasts at most 0.8 h). */
export const publicStopHours = 1;
/** Share of working days with a public fast charge. */
export const publicChargeShare = 0.12;
/** At most this many hours of driving a day: the shift ends before the depot's first charging window (19:00). */
export const maxDriveHours = 6;

export type Point = {lon: number; lat: number};

/** The path and timetable of one vehicle: a loop through its parking spot, driven a whole number of times a day. */
export type VehicleDayProfile = {
	park: Point;
	/** Loop radius (km) and the direction (radians, east = 0, north = π/2) from the parking spot to the loop's centre. */
	loopRadiusKm: number;
	loopAngle: number;
	speedKmh: number;
	laps: number;
	/** Local hour the shift starts. */
	shiftStartHour: number;
	fridayOff: boolean;
	/** Retired or in maintenance: parked for good. */
	drives: boolean;
	/** Distance along the loop (km) of the public station it passes, when it has one. */
	publicStopKm?: number;
};

export type Mode = 'parked' | 'driving' | 'charging';

export type VehicleState = {
	mode: 'parked' | 'driving';
	position: Point;
	speedKmh: number;
	headingDeg: number;
	/** Km driven since commissioning. */
	drivenKm: number;
	/** Km driven today (since the shift started). */
	drivenTodayKm: number;
	/** At the public station on a public-charge day. */
	atPublicStop: boolean;
};

export const loopKm = (profile: VehicleDayProfile) => 2 * Math.PI * profile.loopRadiusKm;
export const dailyKm = (profile: VehicleDayProfile) => profile.laps * loopKm(profile);

/** Days since 1970-01-01 of the local date at t. */
export function localDay(t: Date): number {
	return Math.floor((t.getTime() / 3_600_000 + localUtcOffsetHours) / 24);
}
export function localHour(t: Date): number {
	const hours = t.getTime() / 3_600_000 + localUtcOffsetHours;
	return hours - 24 * Math.floor(hours / 24);
}
/** Day 1 of the epoch (1970-01-02) was a Friday: Fridays in [0, day). */
export const fridaysBefore = (day: number) => Math.floor((day + 5) / 7);
export const isFriday = (day: number) => ((day % 7) + 7) % 7 === 1;

/** Working days in [fromDay, toDay). */
export function workingDaysBetween(profile: VehicleDayProfile, fromDay: number, toDay: number): number {
	if (!profile.drives || toDay <= fromDay) return 0;
	return toDay - fromDay - (profile.fridayOff ? fridaysBefore(toDay) - fridaysBefore(fromDay) : 0);
}

/** A deterministic number in [0, 1) for a vehicle and a day (the SQL side uses the same integer hash). */
export type DayRandom = (day: number) => number;

/** Hours of driving done `shiftHours` into the shift (stops excluded), and whether the vehicle is driving then. */
export function drivingClock(shiftHours: number, totalDriveHours: number): {drivenHours: number; driving: boolean} {
	if (shiftHours <= 0) return {drivenHours: 0, driving: false};
	const block = driveBlockMinutes / 60;
	const cycle = (driveBlockMinutes + stopMinutes) / 60;
	const full = Math.floor(shiftHours / cycle);
	const rest = shiftHours - full * cycle;
	const drivenHours = Math.min(totalDriveHours, full * block + Math.min(block, rest));
	return {drivenHours, driving: rest < block && drivenHours < totalDriveHours};
}

/** The inverse: shift hours at which `drivenHours` of driving are done (arriving, before any stop: at a block's end, its stop follows). */
export function shiftHoursAt(drivenHours: number): number {
	const block = driveBlockMinutes / 60;
	const full = Math.max(0, Math.ceil(drivenHours / block - 1e-9) - 1);
	return full * ((driveBlockMinutes + stopMinutes) / 60) + (drivenHours - full * block);
}

/** A day the vehicle drives: it drives at all, is commissioned, and it is not its Friday off. */
export function isWorkingDay(profile: VehicleDayProfile, day: number, commissionedDay: number): boolean {
	return profile.drives && day >= commissionedDay && !(profile.fridayOff && isFriday(day));
}

/** The instant of a local hour (may exceed 24) of a local day. */
export const localInstant = (day: number, hour: number) => new Date(((day * 24 + hour - localUtcOffsetHours) * 3600_000));

/**
 * Shift hours at which the vehicle arrives `km` along its day (stops included, and on a public-charge day the hour
 * at the public station once past it): the inverse of vehicleStateAt's clock.
 */
export function shiftHoursAtKm(profile: VehicleDayProfile, km: number, publicDay: boolean): number {
	const hours = shiftHoursAt(km / profile.speedKmh);
	return publicDay && profile.publicStopKm !== undefined && km > profile.publicStopKm ? hours + publicStopHours : hours;
}

/** Hours from the shift's start until the vehicle is home with its day driven: how long its route is in progress. */
export const shiftLengthHours = (profile: VehicleDayProfile, publicDay: boolean) => shiftHoursAtKm(profile, dailyKm(profile), publicDay);

/** Km along the day where the vehicle stops: the end of every drive block before home, and the public station. */
export function dayStopsKm(profile: VehicleDayProfile): Array<{km: number; kind: 'stop' | 'public'}> {
	const blockKm = (driveBlockMinutes / 60) * profile.speedKmh;
	const stops: Array<{km: number; kind: 'stop' | 'public'}> = [];
	for (let k = 1; k * blockKm < dailyKm(profile) - 1e-6; k++) stops.push({km: k * blockKm, kind: 'stop'});
	if (profile.publicStopKm !== undefined) stops.push({km: profile.publicStopKm, kind: 'public'});
	return stops.sort((a, b) => a.km - b.km);
}

/** Position on the loop after `km` (counter-clockwise from the parking spot) and the heading there. */
export function pointOnLoop(profile: VehicleDayProfile, km: number): {position: Point; headingDeg: number} {
	const r = profile.loopRadiusKm;
	const theta = profile.loopAngle + Math.PI + km / r;
	const east = r * Math.cos(profile.loopAngle) + r * Math.cos(theta);
	const north = r * Math.sin(profile.loopAngle) + r * Math.sin(theta);
	const heading = (Math.atan2(-Math.sin(theta), Math.cos(theta)) * 180) / Math.PI;
	return {position: offsetKm(profile.park, east, north), headingDeg: (heading + 360) % 360};
}

export function offsetKm(origin: Point, eastKm: number, northKm: number): Point {
	return {lon: origin.lon + eastKm / (kmPerDegree * Math.cos((origin.lat * Math.PI) / 180)), lat: origin.lat + northKm / kmPerDegree};
}

/** East and north km of `to` from `from` (equirectangular: plenty for a city). */
export function eastNorthKm(from: Point, to: Point): {east: number; north: number} {
	return {east: (to.lon - from.lon) * kmPerDegree * Math.cos((from.lat * Math.PI) / 180), north: (to.lat - from.lat) * kmPerDegree};
}

export function distanceKm(a: Point, b: Point): number {
	const {east, north} = eastNorthKm(a, b);
	return Math.hypot(east, north);
}

/**
 * A loop through the parking spot and, when given, a public station: the radius grows so the circle reaches it.
 * Returns the loop and how far along it the station is.
 */
export function loopThrough(park: Point, radiusKm: number, angle: number, station?: Point): {loopRadiusKm: number; loopAngle: number; publicStopKm?: number} {
	if (!station) return {loopRadiusKm: radiusKm, loopAngle: angle};
	const d = eastNorthKm(park, station);
	const half = Math.hypot(d.east, d.north) / 2;
	const r = Math.max(radiusKm, half + 0.5);
	const h = Math.sqrt(r * r - half * half);
	// Centre on the perpendicular bisector, to the left of park→station: counter-clockwise reaches the station first.
	const unit = {east: d.east / (2 * half || 1), north: d.north / (2 * half || 1)};
	const centre = {east: d.east / 2 - unit.north * h, north: d.north / 2 + unit.east * h};
	const loopAngle = Math.atan2(centre.north, centre.east);
	const thetaPark = loopAngle + Math.PI;
	const thetaStation = Math.atan2(d.north - centre.north, d.east - centre.east);
	const sweep = (((thetaStation - thetaPark) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
	return {loopRadiusKm: r, loopAngle, publicStopKm: r * sweep};
}

/**
 * Where a vehicle is and what it does at t, in closed form: the integral of the step rules below over its timetable.
 * `publicDay` says whether a day is a public-charge day (the caller's deterministic draw), `commissionedDay` its first day.
 */
export function vehicleStateAt(profile: VehicleDayProfile, t: Date, commissionedDay: number, publicDay: (day: number) => boolean): VehicleState {
	const day = localDay(t);
	const before = workingDaysBetween(profile, commissionedDay, day) * dailyKm(profile);
	const working = isWorkingDay(profile, day, commissionedDay);
	const parkedHere = (drivenTodayKm: number, atPublicStop = false): VehicleState => {
		const {position} = pointOnLoop(profile, drivenTodayKm % loopKm(profile));
		return {mode: 'parked', position, speedKmh: 0, headingDeg: 0, drivenKm: before + drivenTodayKm, drivenTodayKm, atPublicStop};
	};
	if (!working) return parkedHere(0);
	let shiftHours = localHour(t) - profile.shiftStartHour;
	const total = dailyKm(profile) / profile.speedKmh;
	if (profile.publicStopKm !== undefined && publicDay(day)) {
		const arrive = shiftHoursAt(profile.publicStopKm / profile.speedKmh);
		if (shiftHours >= arrive && shiftHours < arrive + publicStopHours) return parkedHere(profile.publicStopKm, true);
		if (shiftHours >= arrive + publicStopHours) shiftHours -= publicStopHours;
	}
	const clock = drivingClock(shiftHours, total);
	const km = clock.drivenHours * profile.speedKmh;
	if (!clock.driving) return parkedHere(km);
	const {position, headingDeg} = pointOnLoop(profile, km % loopKm(profile));
	return {mode: 'driving', position, speedKmh: profile.speedKmh, headingDeg, drivenKm: before + km, drivenTodayKm: km, atPublicStop: false};
}

// ---- step rules (the simulator advances with these; the closed form above is their integral) ----

/** Drives from `from` towards `to` for `hours` at `speedKmh`: never further than the target; odometer += distance. */
export function driveToward(from: Point, to: Point, speedKmh: number, hours: number): {position: Point; travelledKm: number; headingDeg: number; arrived: boolean} {
	const left = distanceKm(from, to);
	const step = speedKmh * hours;
	const arrived = left <= step || left < 0.05;
	const fraction = arrived ? 1 : step / left;
	const {east, north} = eastNorthKm(from, to);
	const headingDeg = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
	return {position: arrived ? to : {lon: from.lon + (to.lon - from.lon) * fraction, lat: from.lat + (to.lat - from.lat) * fraction}, travelledKm: left * fraction, headingDeg, arrived};
}

/** Charging efficiency from the grid into the pack (the rest warms cables and the pack). */
export const chargeEfficiency = 0.92;

/** SoC gain (percentage points) from `energyKwh` drawn from the grid. */
export const socGainPct = (energyKwh: number, usableKwh: number) => ((energyKwh * chargeEfficiency) / usableKwh) * 100;

/** Cairo's monthly mean daily low and high (°C), January first (climate normals). */
export const cairoTemperatures: Array<[number, number]> = [
	[9, 19], [10, 21], [12, 24], [15, 28], [18, 32], [21, 34], [22, 35], [22, 35], [21, 33], [18, 30], [14, 25], [10, 21],
];

/** Air temperature in Cairo at a UTC time: monthly normals, coolest near 03:00 and warmest near 15:00 local. */
export function cairoTemperatureC(at: Date): number {
	const [low, high] = cairoTemperatures[at.getUTCMonth()]!;
	const hour = (at.getUTCHours() + at.getUTCMinutes() / 60 + localUtcOffsetHours) % 24;
	return (low + high) / 2 + ((high - low) / 2) * Math.cos((2 * Math.PI * (hour - 15)) / 24);
}

/** kWh per km at a speed and temperature: aerodynamic drag grows with v², air conditioning and heating away from 21 °C. */
export function consumptionKwhPerKm(baseKwhPerKm: number, speedKmh: number, temperatureC: number): number {
	const speedFactor = 0.88 + 0.000045 * speedKmh * speedKmh + (speedKmh < 15 ? 0.15 : 0);
	const climateFactor = temperatureC >= 21 ? 1 + 0.008 * (temperatureC - 21) : 1 + 0.015 * (21 - temperatureC);
	return baseKwhPerKm * speedFactor * climateFactor;
}

/** Charge power at a state of charge: the full power until ~80 %, then a taper to ~15 % of it at 100 %. */
export function chargePowerKw(maxKw: number, socPct: number): number {
	if (socPct < 80) return maxKw * (socPct < 10 ? 0.85 : 1);
	return maxKw * Math.max(0.15, 1 - ((socPct - 80) / 20) * 0.85);
}

/** State of health after `ageYears`: a 1.5 % first-year drop, then the vehicle's own linear fade. */
export function sohPct(ageYears: number, fadePerYear: number): number {
	const age = Math.max(0, ageYears);
	return Math.min(100, Math.max(50, 100 - fadePerYear * age - 1.5 * (1 - Math.exp(-4 * age))));
}
