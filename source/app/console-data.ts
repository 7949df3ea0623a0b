// The console's data sources (interfaces in source/screens/ and source/app/views.tsx) implemented with the
// query modules. One read-only pool; every call is one or a few indexed queries.
import type {Sql} from 'postgres';
import type {Page} from '../model/page.js';
import type {ConnectionHealth, ConsoleData} from './views.js';
import type {VehicleDetail as ScreenVehicleDetail} from '../model/data-sources.js';
import {findFleet, listFleets} from '../db/queries/fleets.js';
import {NotFoundError, UsageError} from '../model/errors.js';
import {completionSource} from '../db/queries/completion.js';
import {createBatteryData} from '../db/sources/battery.js';
import type {ConnectionTarget} from '../db/connection.js';
import {createMaintenanceData} from '../db/maintenance/data.js';
import {chargingSource, liveVehiclesSource, routesSource} from '../db/sources/live.js';
import {listOrganizations} from '../db/queries/organizations.js';
import {listTelematics, telematicsCursorAt} from '../db/queries/telematics.js';
import {listUsers} from '../db/queries/users.js';
import {
	connectivities,
	findVehicle,
	getCurrentChargingSession,
	getCurrentRouteAssignment,
	getLatestBatteryReport,
	getVehicleIdentity,
	getVehicleLiveState,
	nearestConnectorsForVehicle,
	suggestVehicles,
	listVehicles,
	vehicleStatuses,
	type Connectivity,
	type VehicleStatus,
} from '../db/queries/vehicles.js';

function toScreenPage<Row, Out>(page: Page<Row>, map: (row: Row) => Out): Page<Out> {
	return {...page, rows: page.rows.map(map)};
}

/** Errors that mean the server is gone (postgres.js codes, socket errors, admin shutdown), not one failed query. */
export function isConnectionError(error: unknown): boolean {
	const code = (error as {code?: string} | null)?.code;
	return ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code ?? '');
}

export function createConnectionHealth(sql: Sql): ConnectionHealth {
	return {
		async ping() {
			await sql`select 1`;
		},
		isConnectionError,
	};
}

/** `:vehicles <fleet name>`: the one fleet of that name in scope, or a message saying why not. */
async function fleetIdByName(sql: Sql, name: string): Promise<string> {
	const found = await findFleet(sql, name);
	if (found.length === 0) throw new NotFoundError(`no fleet named "${name}"`);
	if (found.length > 1) throw new UsageError(`"${name}" names ${found.length} fleets — scope with :org <slug> first`);
	return found[0]!.id;
}

/**
 * The console's data, all through one read-only (and, with --org, scoped) pool. With the target, the
 * maintenance view too: it reads through the pool and runs each action on its own read-write connection.
 */
export function createConsoleData(sql: Sql, target?: ConnectionTarget, options: {readOnly?: boolean; primary?: Sql; organizationId?: string} = {}): ConsoleData {
	return {
		connection: createConnectionHealth(sql),
		// `primary`: with a replica serving `sql`, maintenance reads the server it acts on.
		...(target ? {maintenance: createMaintenanceData(target, options.primary ?? sql, {readOnly: options.readOnly})} : {}),
		battery: createBatteryData(sql),
		completion: completionSource(sql),
		// The organization `sql` is scoped to (--org): the live page names it, so Citus sends it to one shard.
		live: liveVehiclesSource(sql, {organizationId: options.organizationId ?? null}),
		charging: chargingSource(sql),
		routes: routesSource(sql),
		orgs: {
			async list(request) {
				const page = await listOrganizations(sql, request);
				return toScreenPage(page, o => ({id: o.id, name: o.name, slug: o.slug, plan: o.plan, active: o.isActive, fleets: o.fleets, vehicles: o.vehicles, online: o.onlineNow, users: o.users}));
			},
		},
		fleets: {
			async list(request) {
				const page = await listFleets(sql, {...request, organizationId: request.organizationId ?? null});
				return toScreenPage(page, f => ({
					id: f.id,
					name: f.name,
					organizationId: f.organizationId,
					organizationName: f.organizationName,
					depot: f.depotAddress,
					vehicles: f.vehicles,
					byStatus: f.vehiclesByStatus,
					avgSoc: f.avgSocPct,
					onlineShare: f.onlineShare,
				}));
			},
		},
		users: {
			async list(request) {
				const page = await listUsers(sql, {...request, organizationId: request.organizationId ?? null});
				return toScreenPage(page, u => ({id: u.id, organizationName: u.organizationName, fullName: u.fullName, email: u.email, roles: u.roles, status: u.status, lastLoginAt: u.lastLoginAt}));
			},
		},
		vehicles: {
			statuses: vehicleStatuses,
			connectivities,
			async list(request) {
				const fleetId = request.fleetName === undefined ? request.fleetId : await fleetIdByName(sql, request.fleetName);
				const page = await listVehicles(sql, {
					...request,
					organizationId: request.organizationId ?? null,
					fleetId: fleetId ?? null,
					status: (request.status as VehicleStatus | undefined) ?? null,
					connectivity: (request.connectivity as Connectivity | undefined) ?? null,
				});
				return toScreenPage(page, v => ({
					id: v.id,
					vin: v.vin,
					plate: v.plate,
					make: v.make,
					model: v.model,
					status: v.status,
					soc: v.socPct,
					connectivity: v.connectivity,
					lastSeenAt: v.lastSeenAt,
					latitude: v.latitude,
					longitude: v.longitude,
					fleetId: v.fleetId,
					fleetName: v.fleetName,
					organizationName: v.organizationName,
				}));
			},
		},
		vehicle: {
			async find(ref) {
				const found = await findVehicle(sql, ref);
				if (!found) return undefined;
				const [identity, state] = await Promise.all([getVehicleIdentity(sql, found.id), getVehicleLiveState(sql, found.id)]);
				if (!identity) return undefined;
				const detail: ScreenVehicleDetail = {
					id: identity.id,
					vin: identity.vin,
					plate: identity.plate,
					make: identity.make,
					model: identity.model,
					modelYear: identity.modelYear,
					status: identity.status,
					batteryCapacityKwh: identity.batteryCapacityKwh,
					usableCapacityKwh: identity.usableCapacityKwh,
					maxAcChargeKw: identity.maxAcChargeKw,
					maxDcChargeKw: identity.maxDcChargeKw,
					connectorTypes: identity.connectorTypes,
					v2gCapable: identity.v2gCapable,
					odometerKm: state?.odometerKm ?? identity.odometerKm,
					organizationName: identity.organizationName,
					fleetId: identity.fleetId,
					fleetName: identity.fleetName,
					depot: identity.depotAddress,
					lastSeenAt: state?.recordedAt ?? null,
					connectivity: state?.connectivity ?? 'offline',
					soc: state?.socPct ?? null,
					soh: state?.sohPct ?? null,
					speedKmh: state?.speedKmh ?? null,
					headingDeg: state?.headingDeg ?? null,
					powerKw: state?.powerKw ?? null,
					packTempC: state?.packTempC ?? null,
					latitude: state?.latitude ?? null,
					longitude: state?.longitude ?? null,
					depotDistanceM: state?.depotDistanceM ?? null,
					depotBearingDeg: state?.depotBearingDeg ?? null,
				};
				return detail;
			},
			async suggest(ref) {
				const matches = await suggestVehicles(sql, ref, 5);
				return matches.map(m => (m.plate ? `${m.vin} (${m.plate})` : m.vin));
			},
			async telematics(vehicleId, request) {
				// Paging on goes by the server's own cursor (microseconds); only the `t` jump starts from a Date.
				const after = request.after ?? (request.before ? telematicsCursorAt(vehicleId, request.before) : null);
				const page = await listTelematics(sql, {vehicleId, after, limit: request.limit});
				const points = toScreenPage(page, t => ({recordedAt: t.recordedAt, soc: t.socPct, speedKmh: t.speedKmh, powerKw: t.powerKw, packTempC: t.packTempC, latitude: t.latitude, longitude: t.longitude, odometerKm: t.odometerKm, secondsToNewer: t.secondsToNewer}));
				return {...points, total: null};
			},
			async charging(vehicleId) {
				const session = await getCurrentChargingSession(sql, vehicleId);
				if (!session) return null;
				return {
					stationName: session.stationName ?? 'unknown station',
					connector: session.connectorType ? `#${session.connectorNumber ?? '?'} ${session.connectorType}` : null,
					startedAt: session.startedAt,
					energyKwh: session.energyKwh,
					powerKw: session.powerKw,
					socStart: session.startSocPct,
				};
			},
			async route(vehicleId) {
				const assignment = await getCurrentRouteAssignment(sql, vehicleId);
				if (!assignment) return null;
				return {
					name: assignment.routeName,
					status: assignment.status,
					progressPct: assignment.waypoints > 0 ? (assignment.waypointsReached / assignment.waypoints) * 100 : null,
					eta: assignment.plannedEndAt,
				};
			},
			async battery(vehicleId) {
				const report = await getLatestBatteryReport(sql, vehicleId);
				if (!report) return null;
				return {reportedAt: report.reportedAt, soh: report.sohPct, capacityKwh: report.capacityMeasuredKwh, cycleCount: report.cycleCount, note: null};
			},
			async nearestConnectors(vehicleId, limit) {
				const rows = await nearestConnectorsForVehicle(sql, vehicleId, {limit});
				return rows.map(c => ({stationName: c.stationName, connector: c.connectorType, powerKw: c.maxPowerKw, distanceM: c.distanceM, status: 'available'}));
			},
		},
	};
}
