// The small tables of the demo world, built in Node with a seeded PRNG: organizations, users, fleets, vehicles,
// routes with waypoints, assignments and progress. The big tables are generated inside PostgreSQL (statements.ts).
import {
	evModels,
	firstNames,
	lastNames,
	organizationSpecs,
	places,
	type EvModel,
	type OrganizationSpec,
	type Place,
} from './catalog.js';
import {between, createRandom, pick, seededUuid, type Random} from './random.js';

export type Scale = 'tiny' | 'small' | 'medium' | 'large';

export type ScaleSpec = {
	/** Organizations, the last one outside Cairo (Alexandria). */
	organizations: number;
	fleets: number;
	vehicles: number;
	stations: number;
	/** Months of battery reports, energy records and sparse telematics. */
	historyMonths: number;
	/** Days of dense telematics, one row every telematicsIntervalMin. */
	telematicsDays: number;
	telematicsIntervalMin: number;
	/** Older telematics: one row per vehicle every historyIntervalHours. */
	historyIntervalHours: number;
	/** Days of charging sessions; meter values for the most recent metricsDays of them. */
	sessionDays: number;
	metricsDays: number;
	usersPerFleet: number;
	routesPerFleet: number;
	/** Public stations are scattered this far (km) around real places. */
	scatterKm: number;
};

export const scales: Record<Scale, ScaleSpec> = {
	tiny: {organizations: 3, fleets: 4, vehicles: 24, stations: 20, historyMonths: 3, telematicsDays: 2, telematicsIntervalMin: 30, historyIntervalHours: 48, sessionDays: 6, metricsDays: 2, usersPerFleet: 4, routesPerFleet: 2, scatterKm: 2},
	small: {organizations: 5, fleets: 10, vehicles: 200, stations: 150, historyMonths: 24, telematicsDays: 7, telematicsIntervalMin: 15, historyIntervalHours: 48, sessionDays: 30, metricsDays: 7, usersPerFleet: 8, routesPerFleet: 4, scatterKm: 2.5},
	medium: {organizations: 6, fleets: 40, vehicles: 1000, stations: 5000, historyMonths: 24, telematicsDays: 7, telematicsIntervalMin: 6, historyIntervalHours: 48, sessionDays: 30, metricsDays: 7, usersPerFleet: 10, routesPerFleet: 4, scatterKm: 8},
	large: {organizations: 6, fleets: 200, vehicles: 10_000, stations: 50_000, historyMonths: 24, telematicsDays: 7, telematicsIntervalMin: 6, historyIntervalHours: 48, sessionDays: 30, metricsDays: 7, usersPerFleet: 10, routesPerFleet: 4, scatterKm: 12},
};

const dayMs = 86_400_000;
const minuteMs = 60_000;
/** Night charging windows at depots: 19:00, 23:00 and 03:00 Cairo time, four hours each. */
export const depotWindows = 3;

export type OrganizationRow = {
	id: string; name: string; slug: string; subscriptionPlan: string; contactEmail: string; contactPhone: string;
	settings: Record<string, unknown>; createdAt: Date;
};
export type UserRow = {id: string; organizationId: string; email: string; fullName: string; phone: string; status: string; lastLoginAt: Date | null; createdAt: Date; role: string};
export type FleetRow = {
	id: string; organizationId: string; name: string; description: string; depotAddress: string; lon: number; lat: number;
	timezone: string; managerId: string; createdAt: Date;
	/** Seed-only: index, area, depot connectors (AC and V2G), grid operator. */
	n: number; area: Place['area']; acConnectors: number; v2gConnectors: number; gridOperator: string;
};
export type VehicleRow = {
	id: string; organizationId: string; fleetId: string; vin: string; plate: string; make: string; model: string; modelYear: number;
	batteryCapacityKwh: number; usableCapacityKwh: number; maxAcChargeKw: number; maxDcChargeKw: number; connectorTypes: string[];
	v2gCapable: boolean; odometerKm: number; status: string; commissionedOn: string; metadata: Record<string, unknown>; createdAt: Date;
	/** Seed-only attributes, used by the SQL generators (evfleet_seed_vehicles). */
	seed: {
		n: number; fleetN: number; depotKind: 'ac' | 'v2g'; depotConnector: number; depotWindow: number; ccsRank: number | null;
		kwhPerKm: number; packVoltage: number; depotLon: number; depotLat: number; parkLon: number; parkLat: number;
		sohRatePerYear: number; dailyKm: number; shiftStartHour: number; fridayOff: boolean;
		/** The loop (model/vehicle-motion.ts): radius and direction before it is bent through a public station. */
		loopRadiusKm: number; loopAngle: number; speedKmh: number;
		lastReportAt: Date; historyOffsetMin: number; gridOperator: string;
	};
};
export type RouteRow = {
	id: string; organizationId: string; fleetId: string; name: string; description: string; plannedDistanceKm: number;
	plannedDurationMin: number; plannedEnergyKwh: number; status: string; createdBy: string; createdAt: Date;
};
export type WaypointRow = {
	id: string; organizationId: string; routeId: string; sequence: number; name: string; lon: number; lat: number;
	plannedArrivalAt: Date; plannedDwellMin: number; chargingStop: boolean;
};
export type AssignmentRow = {
	id: string; organizationId: string; routeId: string; vehicleId: string; driverId: string; plannedStartAt: Date;
	plannedEndAt: Date; actualStartAt: Date | null; actualEndAt: Date | null; status: string; createdAt: Date;
};
export type ProgressRow = {
	id: string; organizationId: string; assignmentId: string; waypointId: string; arrivedAt: Date; departedAt: Date | null;
	socOnArrivalPct: number; socOnDeparturePct: number | null; notes: string | null; createdAt: Date;
};
export type OptimizationRow = {
	id: string; organizationId: string; routeId: string; algorithm: string; input: Record<string, unknown>; output: Record<string, unknown>;
	distanceSavedKm: number; energySavedKwh: number; durationMs: number; createdBy: string; createdAt: Date;
};

/** A route and the vehicle and driver that run it every working day. */
export type RouteSlot = {key: string; id: string; fleet: FleetRow; vehicle: VehicleRow; driver: UserRow; name: string};

export type World = {
	organizations: OrganizationRow[]; users: UserRow[]; fleets: FleetRow[]; vehicles: VehicleRow[]; routeSlots: RouteSlot[];
};

/** The route tables, planned from the vehicles' days (routes.ts). */
export type RoutePlan = {
	routes: RouteRow[]; waypoints: WaypointRow[]; assignments: AssignmentRow[]; progress: ProgressRow[]; optimizations: OptimizationRow[];
};

/** The organizations a seed writes: the first n-1 Cairo ones and the one outside Cairo. */
export function organizationsFor(spec: ScaleSpec): OrganizationSpec[] {
	const cairo = organizationSpecs.filter(o => !o.areas.includes('alexandria'));
	const outside = organizationSpecs.find(o => o.areas.includes('alexandria'))!;
	return [...cairo.slice(0, Math.max(1, spec.organizations - 1)), outside];
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Moves a point by up to `km` in a random direction. */
function scatter(random: Random, lat: number, lon: number, km: number): {lat: number; lon: number} {
	const distance = km * Math.sqrt(random());
	const angle = 2 * Math.PI * random();
	const dLat = (distance / 111.32) * Math.sin(angle);
	const dLon = (distance / (111.32 * Math.cos((lat * Math.PI) / 180))) * Math.cos(angle);
	return {lat: round(lat + dLat, 6), lon: round(lon + dLon, 6)};
}

export function distanceKm(a: {lat: number; lon: number}, b: {lat: number; lon: number}): number {
	const rad = Math.PI / 180;
	const dLat = (b.lat - a.lat) * rad;
	const dLon = (b.lon - a.lon) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const vinYear: Record<number, string> = {2018: 'J', 2019: 'K', 2020: 'L', 2021: 'M', 2022: 'N', 2023: 'P', 2024: 'R', 2025: 'S', 2026: 'T', 2027: 'V'};
const plateLetters = 'ABDEFGHJKLMNRSTUWYZ';

// ISO 3779 check digit, so VINs pass a real validator.
function vinCheckDigit(vin: string): string {
	const values: Record<string, number> = {A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9};
	const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
	let sum = 0;
	for (let i = 0; i < 17; i++) {
		const ch = vin[i]!;
		sum += (/\d/.test(ch) ? Number(ch) : values[ch]!) * weights[i]!;
	}
	const rest = sum % 11;
	return rest === 10 ? 'X' : String(rest);
}

function makeVin(model: EvModel, year: number, serial: number): string {
	const base = `${model.vinPrefix}0${vinYear[year] ?? 'T'}${model.plant}${String(serial).padStart(6, '0')}`;
	return `${base.slice(0, 8)}${vinCheckDigit(base)}${base.slice(9)}`;
}

function weightedModels(): EvModel[] {
	return evModels.flatMap(model => Array.from({length: model.weight}, () => model));
}

/** Builds the small tables. `anchor` is "now" of the data set: every time is relative to it. */
export function buildWorld(spec: ScaleSpec, seed: number, anchor: Date): World {
	const orgSpecs = organizationsFor(spec);
	const random = createRandom(seed, 'world');
	const anchorMs = anchor.getTime();
	const todayUtc = Math.floor(anchorMs / dayMs) * dayMs;
	const organizations: OrganizationRow[] = orgSpecs.map((o, i) => ({
		id: seededUuid(seed, 'organization', o.slug),
		name: o.name,
		slug: o.slug,
		subscriptionPlan: o.plan,
		contactEmail: o.email,
		contactPhone: o.phone,
		settings: {timezone: o.timezone, currency: 'EGP', distance_unit: 'km', areas: o.areas},
		createdAt: new Date(todayUtc - (900 + i * 60) * dayMs),
	}));

	const users: UserRow[] = [];
	const domainOf = (o: OrganizationSpec) => o.email.split('@')[1]!;
	const addUser = (orgIndex: number, role: string, key: string): UserRow => {
		const first = pick(random, firstNames);
		const last = pick(random, lastNames);
		const user: UserRow = {
			id: seededUuid(seed, 'user', key),
			organizationId: organizations[orgIndex]!.id,
			email: `${first}.${last}.${users.length + 1}@${domainOf(orgSpecs[orgIndex]!)}`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
			fullName: `${first} ${last}`,
			phone: `+20 1${Math.floor(between(random, 0, 3))} ${String(Math.floor(between(random, 1000, 9999)))} ${String(Math.floor(between(random, 1000, 9999)))}`,
			status: random() < 0.04 ? 'suspended' : 'active',
			lastLoginAt: random() < 0.85 ? new Date(anchorMs - Math.floor(between(random, 5, 60 * 24 * 20)) * minuteMs) : null,
			createdAt: new Date(todayUtc - Math.floor(between(random, 100, 800)) * dayMs),
			role,
		};
		users.push(user);
		return user;
	};
	orgSpecs.forEach((_, i) => {
		addUser(i, 'OrgAdmin', `org-${i}-admin`);
		addUser(i, 'Analyst', `org-${i}-analyst`);
	});

	// Fleets: most in Cairo organizations round-robin, about a tenth for the organization outside Cairo.
	const outsideFleets = Math.max(1, Math.round(spec.fleets / 10));
	const fleets: FleetRow[] = [];
	const drivers = new Map<number, UserRow[]>();
	const placesUsed = new Map<string, number>();
	for (let n = 0; n < spec.fleets; n++) {
		const orgIndex = n >= spec.fleets - outsideFleets ? orgSpecs.length - 1 : n % (orgSpecs.length - 1);
		const org = orgSpecs[orgIndex]!;
		const area = org.areas[Math.floor(n / orgSpecs.length) % org.areas.length]!;
		const candidates = places.filter(p => p.area === area);
		const usedKey = (p: Place) => `${orgIndex}:${p.name}`;
		const place = [...candidates].sort((a, b) => (placesUsed.get(usedKey(a)) ?? 0) - (placesUsed.get(usedKey(b)) ?? 0))[0]!;
		const uses = (placesUsed.get(usedKey(place)) ?? 0) + 1;
		placesUsed.set(usedKey(place), uses);
		const depot = scatter(random, place.lat, place.lon, 0.8);
		const manager = addUser(orgIndex, 'FleetManager', `fleet-${n}-manager`);
		const fleetDrivers = Array.from({length: Math.max(1, spec.usersPerFleet - 1)}, (_, k) => addUser(orgIndex, 'Driver', `fleet-${n}-driver-${k}`));
		drivers.set(n, fleetDrivers);
		fleets.push({
			id: seededUuid(seed, 'fleet', n),
			organizationId: organizations[orgIndex]!.id,
			name: `${place.name} Depot${uses > 1 ? ` ${uses}` : ''}`,
			description: `${org.name} vehicles based near ${place.name}`,
			depotAddress: `${place.name}, ${area === 'alexandria' ? 'Alexandria' : area === 'nac' ? 'New Administrative Capital' : 'Cairo'}, Egypt`,
			lon: depot.lon,
			lat: depot.lat,
			timezone: org.timezone,
			managerId: manager.id,
			createdAt: new Date(todayUtc - Math.floor(between(random, 400, 850)) * dayMs),
			n,
			area,
			acConnectors: 0,
			v2gConnectors: 0,
			gridOperator: org.gridOperator,
		});
	}

	const models = weightedModels();
	const vehicles: VehicleRow[] = [];
	const perFleet = new Map<number, {ac: number; v2g: number}>();
	let ccsCount = 0;
	for (let n = 0; n < spec.vehicles; n++) {
		const fleet = fleets[n % fleets.length]!;
		const model = pick(random, models);
		const ageDays = Math.floor(between(random, 20, 5 * 365));
		const commissioned = new Date(todayUtc - ageDays * dayMs);
		const modelYear = Math.min(commissioned.getUTCFullYear() + (commissioned.getUTCMonth() >= 8 ? 1 : 0), 2027);
		const counters = perFleet.get(fleet.n) ?? {ac: 0, v2g: 0};
		perFleet.set(fleet.n, counters);
		const depotKind: 'ac' | 'v2g' = model.v2g && model.connectors.includes('CHAdeMO') ? 'v2g' : 'ac';
		counters[depotKind]++;
		const rank = model.connectors.includes('CCS2') ? ccsCount++ : null;
		const statusRoll = random();
		const status = statusRoll < 0.01 ? 'retired' : statusRoll < 0.04 ? 'maintenance' : 'active';
		const silentRoll = random();
		const lastReportMinutesAgo =
			status === 'retired' ? between(random, 30, 200) * 24 * 60
			: status === 'maintenance' ? between(random, 3, 20) * 24 * 60
			: silentRoll < 0.03 ? between(random, 2 * 60, 3 * 24 * 60)
			: silentRoll < 0.09 ? between(random, 6, 50)
			: between(random, 0, 0.75);
		const dailyKm = between(random, model.kind === 'van' ? 90 : 60, model.kind === 'van' ? 190 : 160);
		const outlier = random() < 0.04;
		const park = scatter(random, fleet.lat, fleet.lon, 0.05);
		const letters = Array.from({length: 3}, (_, i) => plateLetters[(Math.floor(n / 9000) * 7 + i * 5 + Math.floor(random() * 19)) % plateLetters.length]).join('');
		vehicles.push({
			id: seededUuid(seed, 'vehicle', n),
			organizationId: fleet.organizationId,
			fleetId: fleet.id,
			vin: makeVin(model, modelYear, 100_000 + n),
			plate: `${letters} ${String(1000 + (n % 9000))}`,
			make: model.make,
			model: model.model,
			modelYear,
			batteryCapacityKwh: model.batteryKwh,
			usableCapacityKwh: model.usableKwh,
			maxAcChargeKw: model.maxAcKw,
			maxDcChargeKw: model.maxDcKw,
			connectorTypes: model.connectors,
			v2gCapable: depotKind === 'v2g',
			odometerKm: round(dailyKm * 0.8 * ageDays, 1),
			status,
			commissionedOn: commissioned.toISOString().slice(0, 10),
			metadata: {color: pick(random, ['white', 'silver', 'grey', 'black', 'blue', 'red']), kind: model.kind},
			createdAt: commissioned,
			seed: {
				n,
				fleetN: fleet.n,
				depotKind,
				depotConnector: 0,
				depotWindow: 0,
				ccsRank: rank,
				kwhPerKm: model.kwhPerKm,
				packVoltage: model.packVoltage,
				depotLon: fleet.lon,
				depotLat: fleet.lat,
				parkLon: park.lon,
				parkLat: park.lat,
				sohRatePerYear: outlier ? between(random, 4, 7) : between(random, 1, 3),
				dailyKm: round(dailyKm, 1),
				// after the night's last depot charging window (03:00–07:00 local)
				shiftStartHour: round(between(random, 7, 9), 2),
				fridayOff: random() < 0.7,
				loopRadiusKm: round(between(random, 3, 7), 3),
				loopAngle: round(between(random, 0, 2 * Math.PI), 4),
				speedKmh: round(between(random, 24, 36), 1),
				lastReportAt: new Date(Math.floor(anchorMs - lastReportMinutesAgo * minuteMs)),
				historyOffsetMin: Math.floor(between(random, 0, 59)),
				gridOperator: fleet.gridOperator,
			},
		});
	}
	// Depot connectors: each vehicle gets one connector and one of three night windows of its own, so seeded
	// sessions can never overlap on a connector (the exclusion constraint) whatever the random draws.
	for (const fleet of fleets) {
		const counts = perFleet.get(fleet.n) ?? {ac: 0, v2g: 0};
		fleet.acConnectors = Math.max(2, Math.ceil(counts.ac / depotWindows) + 1);
		fleet.v2gConnectors = Math.max(1, Math.ceil(counts.v2g / depotWindows) + (counts.v2g > 0 ? 1 : 0));
	}
	const indexInFleet = new Map<number, {ac: number; v2g: number}>();
	for (const vehicle of vehicles) {
		const fleet = fleets[vehicle.seed.fleetN]!;
		const counters = indexInFleet.get(fleet.n) ?? {ac: 0, v2g: 0};
		indexInFleet.set(fleet.n, counters);
		const k = counters[vehicle.seed.depotKind]++;
		const slots = vehicle.seed.depotKind === 'ac' ? fleet.acConnectors : fleet.v2gConnectors;
		vehicle.seed.depotConnector = k % slots;
		vehicle.seed.depotWindow = Math.floor(k / slots) % depotWindows;
	}

	// Routes: up to routesPerFleet per fleet, each driven by one active vehicle of the fleet. Their waypoints, daily
	// assignments and progress follow that vehicle's day (model/vehicle-motion.ts), so they are planned once its loop
	// is known (routes.ts, planRoutes).
	const routeSlots: RouteSlot[] = [];
	const vehiclesByFleet = new Map<number, VehicleRow[]>();
	for (const vehicle of vehicles) {
		if (vehicle.status !== 'active') continue;
		const list = vehiclesByFleet.get(vehicle.seed.fleetN) ?? [];
		list.push(vehicle);
		vehiclesByFleet.set(vehicle.seed.fleetN, list);
	}
	for (const fleet of fleets) {
		const fleetVehicles = vehiclesByFleet.get(fleet.n) ?? [];
		const fleetDrivers = drivers.get(fleet.n)!;
		for (let r = 0; r < spec.routesPerFleet && r < fleetVehicles.length; r++) {
			const key = `${fleet.n}-${r}`;
			const label = ['morning run', 'city loop', 'express', 'afternoon run', 'campus loop', 'airport run'][r % 6]!;
			routeSlots.push({
				key, id: seededUuid(seed, 'route', key), fleet, vehicle: fleetVehicles[r]!, driver: fleetDrivers[r % fleetDrivers.length]!,
				name: `${fleet.name.replace(/ Depot.*$/, '')} ${label}${r >= 6 ? ` ${r + 1}` : ''}`,
			});
		}
	}
	return {organizations, users, fleets, vehicles, routeSlots};
}
