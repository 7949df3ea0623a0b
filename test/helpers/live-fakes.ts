// Builders and controllable fake data sources for the live screens (no database).
import type {ChargingData, ChargingSessionRow, ChargingSnapshot, LiveVehicleRow, LiveVehiclesData, LiveVehiclesSnapshot, RouteRow, RoutesData, RoutesSnapshot, StationBoardRow} from '../../source/model/live-data.js';

let counter = 0;
const nextId = () => `00000000-0000-4000-9000-${String(++counter).padStart(12, '0')}`;

export function liveVehicle(overrides: Partial<LiveVehicleRow> = {}): LiveVehicleRow {
	return {
		id: nextId(), vin: 'LGXCE4CB0P0000001', plate: 'CAI 101', make: 'BYD', model: 'Atto 3', fleetId: 'fleet', fleetName: 'Nasr City depot',
		organizationId: 'org', status: 'active', connectivity: 'online', attention: null, lastSeenAt: new Date(Date.now() - 5000),
		socPct: 64, speedKmh: 42, powerKw: 18.5, packTempC: 31, headingDeg: 90, latitude: 30.0444, longitude: 31.2357,
		...overrides,
	};
}

export function liveSnapshot(rows: LiveVehicleRow[], overrides: Partial<LiveVehiclesSnapshot['counts']> = {}): LiveVehiclesSnapshot {
	const count = <K extends string>(key: (row: LiveVehicleRow) => string, keys: readonly K[]) =>
		Object.fromEntries(keys.map(k => [k, rows.filter(row => key(row) === k).length])) as Record<K, number>;
	return {
		at: new Date(),
		rows,
		counts: {
			vehicles: rows.length,
			matching: rows.length,
			byStatus: count(row => row.status, ['active', 'charging', 'idle', 'maintenance', 'offline'] as const),
			byConnectivity: count(row => row.connectivity, ['online', 'stale', 'offline'] as const),
			...overrides,
		},
	};
}

export function chargingSession(overrides: Partial<ChargingSessionRow> = {}): ChargingSessionRow {
	return {
		sessionId: nextId(), vehicleId: nextId(), vin: 'SJNFAAZE0U0000001', plate: 'CAI 202', stationId: 'station', stationName: 'Tahrir Square hub',
		connectorNumber: 2, connectorType: 'CCS2', startedAt: new Date(Date.now() - 1_800_000), elapsedSeconds: 1800, powerKw: 48.2, energyKwh: 21.4,
		direction: 'from_grid', isV2g: false, startSocPct: 22, socPct: 58, targetSocPct: 80, costSoFar: 5.35, currency: 'EGP', lastMeterAt: new Date(),
		...overrides,
	};
}

export function station(overrides: Partial<StationBoardRow> = {}): StationBoardRow {
	return {
		stationId: nextId(), name: 'Zamalek fast', operatorName: 'Elsewedy Plug', organizationId: null, status: 'active', connectors: 4,
		available: 2, occupied: 1, reserved: 0, faulted: 1, offline: 0, utilisation24h: 0.42, lastHeartbeatAt: new Date(Date.now() - 30_000),
		heartbeatStale: false, distanceM: null, latitude: 30.0609, longitude: 31.2197,
		...overrides,
	};
}

export function chargingSnapshot(sessions: ChargingSessionRow[], stations: StationBoardRow[]): ChargingSnapshot {
	const sum = (key: 'available' | 'occupied' | 'reserved' | 'faulted' | 'offline') => stations.reduce((total, s) => total + s[key], 0);
	return {
		at: new Date(),
		sessions,
		stations,
		summary: {
			activeSessions: sessions.length,
			v2gSessions: sessions.filter(s => s.isV2g).length,
			stations: stations.length,
			staleStations: stations.filter(s => s.heartbeatStale).length,
			connectors: {available: sum('available'), occupied: sum('occupied'), reserved: sum('reserved'), faulted: sum('faulted'), offline: sum('offline')},
		},
	};
}

export function route(overrides: Partial<RouteRow> = {}): RouteRow {
	return {
		assignmentId: nextId(), routeId: nextId(), routeName: 'Heliopolis deliveries', vehicleId: nextId(), vin: 'WF0EXXTTRP0000001', plate: 'CAI 303',
		driverId: nextId(), driverName: 'Mona Hassan', actualStartAt: new Date(Date.now() - 3_600_000), plannedEndAt: null,
		waypointsDone: 3, waypointsTotal: 10, nextWaypointSequence: 4, nextWaypointName: 'City Stars', nextPlannedArrivalAt: new Date(),
		nextDistanceM: 2300, etaDriftSeconds: 420, socPct: 55, lastSeenAt: new Date(), availableKwh: 35, neededKwh: 18,
		nextChargeStopSequence: null, cannotFinish: false,
		...overrides,
	};
}

export function routesSnapshot(rows: RouteRow[]): RoutesSnapshot {
	return {
		at: new Date(),
		rows,
		summary: {inProgress: rows.length, late: rows.filter(r => (r.etaDriftSeconds ?? 0) > 300).length, cannotFinish: rows.filter(r => r.cannotFinish).length},
	};
}

/** A data source that answers with the queued results in order (the last one repeats); errors are thrown. */
export function queued<Request, Snapshot>(results: Array<Snapshot | Error>) {
	const requests: Request[] = [];
	let index = 0;
	return {
		requests,
		push(result: Snapshot | Error) {
			results.push(result);
		},
		snapshot: async (request: Request): Promise<Snapshot> => {
			requests.push(request);
			const result = results[Math.min(index++, results.length - 1)]!;
			if (result instanceof Error) throw result;
			return result;
		},
	};
}

export const fakeLive = (results: Array<LiveVehiclesSnapshot | Error>) => queued<Parameters<LiveVehiclesData['snapshot']>[0], LiveVehiclesSnapshot>(results);
export const fakeCharging = (results: Array<ChargingSnapshot | Error>) => queued<Parameters<ChargingData['snapshot']>[0], ChargingSnapshot>(results);
export const fakeRoutes = (results: Array<RoutesSnapshot | Error>) => queued<Parameters<RoutesData['snapshot']>[0], RoutesSnapshot>(results);
