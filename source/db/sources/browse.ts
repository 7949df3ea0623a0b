// The browse screens' data sources (model/data-sources.ts) implemented with the query modules, which return
// model rows as they are. One read-only pool; every call is one or a few indexed queries.
import type {Sql} from '../connection.js';
import {findFleet, listFleets} from '../queries/fleets.js';
import {listOrganizations} from '../queries/organizations.js';
import {listTelematics} from '../queries/telematics.js';
import {listUsers} from '../queries/users.js';
import {connectivities, findVehicle, getVehicleDetail, listVehicles, suggestVehicles, vehicleStatuses, type Connectivity, type VehicleStatus} from '../queries/vehicles.js';
import {NotFoundError, UsageError} from '../../model/errors.js';
import type {ConnectionHealth, FleetsData, OrganizationsData, UsersData, VehicleInspectorData, VehiclesData} from '../../model/data-sources.js';

/** Errors that mean the server is gone (postgres.js codes, socket errors, admin shutdown), not one failed query. */
export function isConnectionError(error: unknown): boolean {
	const code = (error as {code?: string} | null)?.code;
	return ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code ?? '');
}

export function connectionHealth(sql: Sql): ConnectionHealth {
	return {
		async ping() {
			await sql`select 1`;
		},
		isConnectionError,
	};
}

export function organizationsSource(sql: Sql): OrganizationsData {
	return {list: request => listOrganizations(sql, request)};
}

export function fleetsSource(sql: Sql): FleetsData {
	return {list: request => listFleets(sql, {...request, organizationId: request.organizationId ?? null})};
}

export function usersSource(sql: Sql): UsersData {
	return {list: request => listUsers(sql, {...request, organizationId: request.organizationId ?? null})};
}

/** `:vehicles <fleet name>`: the one fleet of that name in scope, or a message saying why not. */
async function fleetIdByName(sql: Sql, name: string): Promise<string> {
	const found = await findFleet(sql, name);
	if (found.length === 0) throw new NotFoundError(`no fleet named "${name}"`);
	if (found.length > 1) throw new UsageError(`"${name}" names ${found.length} fleets — scope with :org <slug> first`);
	return found[0]!.id;
}

export function vehiclesSource(sql: Sql): VehiclesData {
	return {
		statuses: vehicleStatuses,
		connectivities,
		async list(request) {
			const fleetId = request.fleetName === undefined ? request.fleetId : await fleetIdByName(sql, request.fleetName);
			return listVehicles(sql, {
				...request,
				organizationId: request.organizationId ?? null,
				fleetId: fleetId ?? null,
				status: (request.status as VehicleStatus | undefined) ?? null,
				connectivity: (request.connectivity as Connectivity | undefined) ?? null,
			});
		},
	};
}

/** The inspector: the same composition of one vehicle as `evfleet vehicle` (getVehicleDetail), and its history. */
export function vehicleInspectorSource(sql: Sql, options: {connectors?: number} = {connectors: 3}): VehicleInspectorData {
	return {
		async find(ref) {
			const found = await findVehicle(sql, ref);
			return found ? getVehicleDetail(sql, found.id, {connectors: options.connectors}) : undefined;
		},
		async suggest(ref) {
			const matches = await suggestVehicles(sql, ref, 5);
			return matches.map(m => (m.plate ? `${m.vin} (${m.plate})` : m.vin));
		},
		async telematics(vehicleId, request) {
			// Paging goes by the server's own cursor (microseconds); only the `t` jump bound is a Date.
			return listTelematics(sql, {vehicleId, after: request.after, previous: request.previous, last: request.last, before: request.before, limit: request.limit});
		},
	};
}
