// The route tables of the demo world, planned from the day of the vehicle that runs each route (model/vehicle-motion.ts):
// the waypoints are points of its loop (its stops, its public station, places passed on the way), and each working day
// has one assignment that runs exactly while the vehicle is out: scheduled before its shift, in progress while it
// drives or stops on the loop, completed (every waypoint reached) once it is home, so never while it charges at the depot.
import {
	dailyKm,
	dayStopsKm,
	isWorkingDay,
	localDay,
	localInstant,
	pointOnLoop,
	publicStopHours,
	shiftHoursAtKm,
	shiftLengthHours,
	stopMinutes,
	type VehicleDayProfile,
} from '../../model/vehicle-motion.js';
import {places} from './catalog.js';
import {between, createRandom, pick, seededUuid} from './random.js';
import {distanceKm, type AssignmentRow, type RoutePlan, type RouteSlot, type WaypointRow, type World} from './world.js';

/** What the plan needs of a vehicle's day: its loop and timetable, and its SoC along the day. */
export type RouteVehicle = {
	profile: VehicleDayProfile;
	commissionedDay: number;
	/** SoC (percentage points) per km driven, and what a public fast charge puts back. */
	socPerKm: number;
	publicGainPct: number | null;
	kwhPerKm: number;
	/** The vehicle's last report: nothing it did after it is known. */
	lastReportAt: Date;
};

export type RoutePlanOptions = {
	seed: number;
	anchor: Date;
	/** Assignments go back this many days (the days dense telematics cover), and one day ahead. */
	days: number;
	vehicles: Map<string, RouteVehicle>;
	/** Whether the vehicle (its seed index) charges at its public station on a local day: the SQL hash's draw. */
	publicDay: (n: number, day: number) => boolean;
};

type PlannedWaypoint = {km: number; kind: 'home' | 'stop' | 'public' | 'pass'};

const minuteMs = 60_000;
const hourMs = 3_600_000;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const atSecond = (ms: number) => new Date(Math.round(ms / 1000) * 1000);

/** The waypoints of a day on the loop: home, every stop, the public station, and places passed between (5 at least). */
export function plannedWaypoints(profile: VehicleDayProfile): PlannedWaypoint[] {
	const total = dailyKm(profile);
	const points: PlannedWaypoint[] = [{km: 0, kind: 'home'}, ...dayStopsKm(profile), {km: total, kind: 'home'}];
	// A place passed half-way between two stops, then more (the longest stretch first) until there are five.
	const withPasses: PlannedWaypoint[] = [points[0]!];
	for (let i = 1; i < points.length; i++) withPasses.push({km: (points[i - 1]!.km + points[i]!.km) / 2, kind: 'pass'}, points[i]!);
	while (withPasses.length < 5) {
		let longest = 1;
		for (let i = 2; i < withPasses.length; i++) if (withPasses[i]!.km - withPasses[i - 1]!.km > withPasses[longest]!.km - withPasses[longest - 1]!.km) longest = i;
		withPasses.splice(longest, 0, {km: (withPasses[longest - 1]!.km + withPasses[longest]!.km) / 2, kind: 'pass'});
	}
	return withPasses;
}

/** Minutes a waypoint keeps the vehicle on a given day (the public station only on its public-charge days). */
const dwellMinutes = (kind: PlannedWaypoint['kind'], publicDay: boolean) =>
	kind === 'stop' ? stopMinutes : kind === 'public' && publicDay ? publicStopHours * 60 : 0;

export function planRoutes(world: World, options: RoutePlanOptions): RoutePlan {
	const random = createRandom(options.seed, 'routes');
	const anchorMs = options.anchor.getTime();
	const today = localDay(options.anchor);
	const plan: RoutePlan = {routes: [], waypoints: [], assignments: [], progress: [], optimizations: []};
	for (const slot of world.routeSlots) {
		const vehicle = options.vehicles.get(slot.vehicle.id);
		if (!vehicle) continue;
		planRoute(plan, slot, vehicle, options, today, anchorMs, random);
	}
	return plan;
}

function planRoute(plan: RoutePlan, slot: RouteSlot, vehicle: RouteVehicle, options: RoutePlanOptions, today: number, anchorMs: number, random: () => number): void {
	const {profile} = vehicle;
	const {seed} = options;
	const {fleet} = slot;
	const planned = plannedWaypoints(profile);
	const candidates = places.filter(p => p.area === fleet.area);
	const total = dailyKm(profile);
	const plannedHours = shiftLengthHours(profile, false);
	// What the vehicle knows of its days ends at its last report (a silent vehicle's later days are unknown).
	const observedMs = Math.min(anchorMs, vehicle.lastReportAt.getTime());

	const days: Array<{day: number; publicDay: boolean; startMs: number}> = [];
	for (let day = today - options.days; day <= today + 1; day++) {
		if (!isWorkingDay(profile, day, vehicle.commissionedDay)) continue;
		const startMs = localInstant(day, profile.shiftStartHour).getTime();
		// only days the dense telematics cover, so each assignment is backed by the vehicle's reports
		if (startMs < anchorMs - options.days * 24 * hourMs) continue;
		days.push({day, publicDay: options.publicDay(slot.vehicle.seed.n, day), startMs});
	}
	// The waypoints' planned arrivals are those of the day in progress, else of the next one, else of the last one.
	const shown = days.find(d => d.startMs <= anchorMs && anchorMs < d.startMs + shiftLengthHours(profile, d.publicDay) * hourMs)
		?? days.find(d => d.startMs > anchorMs) ?? days[days.length - 1];
	const shownStart = shown?.startMs ?? anchorMs;

	const waypoints: WaypointRow[] = planned.map((point, i) => {
		const {position} = pointOnLoop(profile, point.km % (total / profile.laps));
		const near = candidates.reduce((best, place) => (distanceKm(place, position) < distanceKm(best, position) ? place : best), candidates[0]!);
		const name = point.kind === 'home' ? fleet.name : point.kind === 'public' ? `Charging stop near ${near.name}` : near.name;
		return {
			id: seededUuid(seed, 'waypoint', `${slot.key}-${i + 1}`), organizationId: fleet.organizationId, routeId: slot.id, sequence: i + 1, name,
			lon: round(position.lon, 6), lat: round(position.lat, 6), plannedArrivalAt: atSecond(shownStart + shiftHoursAtKm(profile, point.km, false) * hourMs),
			plannedDwellMin: dwellMinutes(point.kind, false), chargingStop: point.kind === 'public',
		};
	});
	plan.waypoints.push(...waypoints);
	plan.routes.push({
		id: slot.id, organizationId: fleet.organizationId, fleetId: fleet.id, name: slot.name,
		description: `${planned.length} stops, ${Math.round(total)} km${planned.some(p => p.kind === 'public') ? ', one charging stop' : ''}`,
		plannedDistanceKm: round(total, 2), plannedDurationMin: Math.round(plannedHours * 60), plannedEnergyKwh: round(total * vehicle.kwhPerKm * 1.08, 2),
		status: 'active', createdBy: fleet.managerId, createdAt: new Date(Math.floor(anchorMs / 86_400_000) * 86_400_000 - 60 * 86_400_000),
	});

	// SoC along the day as the telematics have it: 90 % at the start, less per km, plus the public charge once past it.
	const socAt = (km: number, publicDay: boolean, charged: boolean) =>
		Math.max(5, 90 - km * vehicle.socPerKm + (publicDay && charged && vehicle.publicGainPct !== null ? vehicle.publicGainPct : 0));
	for (const {day, publicDay, startMs} of days) {
		const endMs = startMs + shiftLengthHours(profile, publicDay) * hourMs;
		const id = seededUuid(seed, 'assignment', `${slot.key}-${day}`);
		const plannedStart = Math.floor(startMs / (5 * minuteMs)) * 5 * minuteMs;
		const status: AssignmentRow['status'] = endMs <= observedMs ? 'completed' : startMs <= observedMs ? 'in_progress' : startMs > anchorMs ? 'scheduled' : 'cancelled';
		const started = status === 'completed' || status === 'in_progress';
		plan.assignments.push({
			id, organizationId: fleet.organizationId, routeId: slot.id, vehicleId: slot.vehicle.id, driverId: slot.driver.id,
			plannedStartAt: new Date(plannedStart), plannedEndAt: atSecond(plannedStart + plannedHours * hourMs),
			actualStartAt: started ? atSecond(startMs) : null, actualEndAt: status === 'completed' ? atSecond(endMs) : null, status,
			createdAt: new Date(plannedStart - 24 * hourMs),
		});
		if (!started) continue;
		planned.forEach((point, i) => {
			const arrivedMs = startMs + shiftHoursAtKm(profile, point.km, publicDay) * hourMs;
			if (arrivedMs > observedMs) return;
			const departedMs = arrivedMs + dwellMinutes(point.kind, publicDay) * minuteMs;
			const stillThere = departedMs > observedMs;
			plan.progress.push({
				id: seededUuid(seed, 'progress', `${slot.key}-${day}-${i}`), organizationId: fleet.organizationId, assignmentId: id, waypointId: waypoints[i]!.id,
				arrivedAt: atSecond(arrivedMs), departedAt: stillThere ? null : atSecond(departedMs),
				socOnArrivalPct: round(socAt(point.km, publicDay, point.kind !== 'public' && point.km > (profile.publicStopKm ?? Infinity))),
				socOnDeparturePct: stillThere ? null : round(socAt(point.km, publicDay, point.km >= (profile.publicStopKm ?? Infinity))),
				notes: point.kind === 'public' ? (publicDay ? 'fast charge' : 'no charge needed today') : null,
				createdAt: atSecond(arrivedMs),
			});
		});
	}

	const runs = 1 + Math.floor(random() * 3);
	for (let k = 0; k < runs; k++) {
		const algorithm = pick(random, ['nearest-neighbour', '2-opt', 'or-tools-vrp', 'genetic']);
		const saved = round(total * between(random, 0, 0.12), 2);
		plan.optimizations.push({
			id: seededUuid(seed, 'optimization', `${slot.key}-${k}`), organizationId: fleet.organizationId, routeId: slot.id, algorithm,
			input: {waypoints: planned.length, objective: pick(random, ['distance', 'energy', 'time']), vehicle_kwh_per_km: vehicle.kwhPerKm},
			output: {order: waypoints.map(w => w.sequence), distance_km: round(total - saved, 2)},
			distanceSavedKm: saved, energySavedKwh: round(saved * vehicle.kwhPerKm, 2),
			durationMs: Math.floor(between(random, 40, algorithm === 'or-tools-vrp' ? 4000 : 900)), createdBy: fleet.managerId,
			createdAt: new Date(Math.floor(anchorMs / 86_400_000) * 86_400_000 - (50 - k * 10) * 86_400_000),
		});
	}
}
