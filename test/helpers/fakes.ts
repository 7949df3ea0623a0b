// Fake console data sources and row builders for screen tests (no database).
import type {Cursor, Page, PageRequest} from '../../source/model/page.js';
import {isGap, secondsToNewer} from '../../source/model/telematics-gaps.js';
import type {ConsoleData} from '../../source/app/views.js';
import type {FleetRow, OrganizationRow, TelematicsRow, UserRow, VehicleDetail, VehicleIdentity, VehicleRow} from '../../source/model/data-sources.js';

let counter = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export function organization(overrides: Partial<OrganizationRow> = {}): OrganizationRow {
	const id = overrides.id ?? nextId();
	return {id, name: 'Acme Mobility', slug: 'acme', plan: 'enterprise', isActive: true, fleets: 2, vehicles: 40, onlineNow: 31, users: 7, createdAt: new Date('2026-01-01T00:00:00Z'), ...overrides};
}

export function fleet(overrides: Partial<FleetRow> = {}): FleetRow {
	return {
		id: nextId(), name: 'North depot', organizationId: 'org', organizationName: 'Acme Mobility', organizationSlug: 'acme', depotAddress: 'Hafenstraße 1, Hamburg',
		depotLatitude: 53.54, depotLongitude: 9.98, timezone: 'Europe/Berlin', vehicles: 20, vehiclesByStatus: {active: 12, charging: 5, idle: 3}, avgSocPct: 64.2, online: 17, onlineShare: 0.85,
		...overrides,
	};
}

export function user(overrides: Partial<UserRow> = {}): UserRow {
	return {id: nextId(), organizationId: 'org', organizationName: 'Acme Mobility', fullName: 'Ada Lovelace', email: 'ada@acme.example', phone: null, roles: ['fleet_manager'], status: 'active', lastLoginAt: new Date(Date.now() - 3_600_000), ...overrides};
}

export function vehicle(overrides: Partial<VehicleRow> = {}): VehicleRow {
	return {
		id: nextId(), vin: 'WVWZZZ1KZAW000001', plate: 'HH-EV 101', make: 'VW', model: 'ID.4', modelYear: 2024, status: 'active', organizationId: 'org', organizationName: 'Acme Mobility',
		fleetId: 'fleet', fleetName: 'North depot', socPct: 71, sohPct: 97.5, speedKmh: 42, connectivity: 'online', lastSeenAt: new Date(Date.now() - 20_000), secondsSinceReport: 20,
		latitude: 53.5511, longitude: 9.9937, depotDistanceM: 3200, depotBearingDeg: 45,
		...overrides,
	};
}

/** One vehicle as the inspector gets it: identity overrides, and optionally its other parts. */
export function vehicleDetail(overrides: Partial<VehicleIdentity> = {}, parts: Partial<Omit<VehicleDetail, 'vehicle'>> = {}): VehicleDetail {
	return {
		vehicle: {
			id: nextId(), vin: 'WVWZZZ1KZAW000001', plate: 'HH-EV 101', make: 'VW', model: 'ID.4', modelYear: 2024, status: 'active',
			organizationId: 'org', organizationName: 'Acme Mobility', organizationSlug: 'acme', fleetId: 'fleet', fleetName: 'North depot',
			batteryCapacityKwh: 77, usableCapacityKwh: 74, maxAcChargeKw: 11, maxDcChargeKw: 135, connectorTypes: ['CCS2', 'Type2'], v2gCapable: false, odometerKm: 12_345,
			commissionedOn: '2024-03-01', depotAddress: 'Hafenstraße 1', depotLatitude: 53.54, depotLongitude: 9.98,
			...overrides,
		},
		state: {
			recordedAt: new Date(Date.now() - 20_000), receivedAt: new Date(Date.now() - 19_000), secondsSinceReport: 20, connectivity: 'online',
			socPct: 71, sohPct: 97.5, speedKmh: 42, headingDeg: 90, latitude: 53.5511, longitude: 9.9937, odometerKm: 12_345,
			packVoltageV: 400, packCurrentA: -46, packTempC: 27.5, powerKw: 18.5, depotDistanceM: 3200, depotBearingDeg: 45,
		},
		chargingSession: null,
		routeAssignment: null,
		batteryReport: {id: nextId(), reportedAt: new Date('2026-01-15T00:00:00Z'), sohPct: 97.5, capacityMeasuredKwh: 75.1, cycleCount: 310, internalResistanceMohm: null, cellVoltageSpreadMv: null, tempMaxC: null, source: 'bms'},
		nearestConnectors: [
			{stationId: 's1', stationName: 'Hafen Hub', stationOrganizationId: null, operatorName: 'Hafen', connectorId: 'c1', connectorNumber: 1, connectorType: 'CCS2', maxPowerKw: 150, pricePerKwh: 0.49, pricePerMinute: 0, currency: 'EUR', distanceM: 1200, latitude: 53.55, longitude: 9.99},
		],
		...parts,
	};
}

export function telematics(count: number, {start = Date.now(), stepMs = 30_000, gapAt}: {start?: number; stepMs?: number; gapAt?: number} = {}): TelematicsRow[] {
	const rows: Array<Omit<TelematicsRow, 'secondsToNewer' | 'gap'>> = [];
	let t = start;
	for (let i = 0; i < count; i++) {
		rows.push({id: 'vehicle', recordedAt: new Date(t), socPct: 80 - i * 0.1, sohPct: 97.5, speedKmh: 40, headingDeg: 90, powerKw: 12, packTempC: 25, packVoltageV: 400, packCurrentA: -30, latitude: 53.55, longitude: 9.99, odometerKm: 12_000 - i});
		t -= i === gapAt ? 30 * 60_000 : stepMs;
	}
	return secondsToNewer(rows).map(row => ({...row, gap: isGap(row.secondsToNewer)}));
}

/** The fakes' cursor: the index of the next row (exact, as the real one is). */
export const indexCursor = (index: number): Cursor => ({sort: 'index', key: index, id: String(index)});

/**
 * Pages an in-memory list like a keyset query: a cursor is the index of a row boundary (`after`: the page starts
 * there; `before`: it ends there; `last`: the last page); search matches any string field.
 */
export function pageOf<T>(rows: readonly T[], request: PageRequest, filter: (row: T) => boolean = () => true): Page<T> {
	const search = request.search?.toLowerCase();
	const matching = rows.filter(row => filter(row) && (!search || Object.values(row as object).some(value => typeof value === 'string' && value.toLowerCase().includes(search))));
	const backward = !request.after && (request.before || request.last);
	const end = backward ? (request.before ? Number(request.before.key) : matching.length) : undefined;
	const start = end === undefined ? (request.after ? Number(request.after.key) : 0) : Math.max(0, end - request.limit);
	const slice = matching.slice(start, end ?? start + request.limit);
	const stop = start + slice.length;
	return {rows: slice, next: stop < matching.length ? indexCursor(stop) : null, previous: start > 0 ? indexCursor(start) : null, total: matching.length, estimated: matching.length > 1000};
}

export type FakeOptions = {
	orgs?: OrganizationRow[];
	fleets?: FleetRow[];
	users?: UserRow[];
	vehicles?: VehicleRow[];
	details?: VehicleDetail[];
	history?: TelematicsRow[];
	ping?: () => Promise<void>;
};

export type FakeConsoleData = ConsoleData & {calls: Array<{area: string; request: unknown}>};

export function fakeConsoleData(options: FakeOptions = {}): FakeConsoleData {
	const calls: Array<{area: string; request: unknown}> = [];
	const details = options.details ?? [];
	const history = options.history ?? [];
	return {
		calls,
		connection: {
			ping: options.ping ?? (async () => {}),
			isConnectionError: error => (error as {code?: string})?.code === 'CONNECTION_CLOSED',
		},
		orgs: {
			async list(request) {
				calls.push({area: 'orgs', request});
				return pageOf(options.orgs ?? [], request);
			},
		},
		fleets: {
			async list(request) {
				calls.push({area: 'fleets', request});
				return pageOf(options.fleets ?? [], request, f => !request.organizationId || f.organizationId === request.organizationId);
			},
		},
		users: {
			async list(request) {
				calls.push({area: 'users', request});
				return pageOf(options.users ?? [], request);
			},
		},
		vehicles: {
			statuses: ['active', 'charging', 'idle', 'maintenance', 'offline'],
			connectivities: ['online', 'stale', 'offline'],
			async list(request) {
				calls.push({area: 'vehicles', request});
				return pageOf(options.vehicles ?? [], request, v => (!request.fleetId || v.fleetId === request.fleetId) && (!request.fleetName || v.fleetName === request.fleetName) && (!request.status || v.status === request.status) && (!request.connectivity || v.connectivity === request.connectivity));
			},
		},
		vehicle: {
			async find(ref) {
				calls.push({area: 'vehicle', request: ref});
				return details.find(({vehicle: d}) => d.vin === ref || d.plate === ref || d.id === ref);
			},
			async suggest(ref) {
				return details.filter(({vehicle: d}) => d.vin.startsWith(ref.slice(0, 5))).map(({vehicle: d}) => d.vin);
			},
			async telematics(_id, request) {
				calls.push({area: 'telematics', request});
				// The fake's cursor is the index of a row boundary among the rows older than the jump (`before`): exact, as the real one is.
				return pageOf(history, {after: request.after, before: request.previous, last: request.last, limit: request.limit}, row => !request.before || row.recordedAt < request.before);
			},
		},
	};
}

/** Waits until the frame satisfies `check` (no fixed sleeps); fails with the last frame. */
export async function waitForFrame(lastFrame: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
	const started = Date.now();
	for (;;) {
		const frame = lastFrame() ?? '';
		if (check(frame)) {
			// Let the effects of the render that drew this frame run (input handlers attach in effects).
			await new Promise(resolve => setImmediate(resolve));
			return frame;
		}
		if (Date.now() - started > timeoutMs) throw new Error(`frame never matched; last frame:\n${frame}`);
		await new Promise(resolve => setImmediate(resolve));
	}
}
