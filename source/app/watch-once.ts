// `evfleet watch … --once`: one snapshot through the same data source the screen uses, printed as a table,
// tab-separated rows in a pipe, or one JSON document (--json).
import type {Sql} from 'postgres';
import {findFleet} from '../db/queries/fleets.js';
import {withBrowseSql} from '../db/scope.js';
import {chargingSource, liveVehiclesSource, routesSource} from '../db/sources/live.js';
import {NotFoundError, UsageError} from '../model/errors.js';
import {formatAge} from '../text/formats.js';
import {chooseFormat, printJson, printRows, type Column} from '../print/output.js';
import type {Area, ChargingSessionRow, Connectivity, ConnectorStatus, LiveVehicleRow, RouteRow, StationBoardRow, VehicleStatus} from '../model/live-data.js';
import type {ConnectionRequest} from '../db/connection.js';

export type WatchKind = 'vehicles' | 'charging' | 'routes';

export type OnceRequest = ConnectionRequest & {
	org?: string;
	fleet?: string;
	json: boolean;
	limit: number;
	status?: VehicleStatus;
	connectivity?: Connectivity;
	connectorStatus?: ConnectorStatus;
	near?: Area;
};

/** A fleet id from an id or a name (names may repeat across organizations: then --org is needed). */
export async function resolveFleetId(sql: Sql, fleet: string | undefined, organizationId: string | undefined): Promise<string | undefined> {
	if (!fleet) return undefined;
	const fleets = await findFleet(sql, fleet, organizationId);
	if (fleets.length === 0) throw new NotFoundError(`no fleet "${fleet}"`, 'evfleet fleets lists them (names need --org when several organizations use them)');
	if (fleets.length > 1) throw new UsageError(`fleet name "${fleet}" is used by ${fleets.length} organizations`, 'add --org, or give the fleet id');
	return fleets[0]!.id;
}

const number = (digits: number) => (value: unknown) => (typeof value === 'number' ? value.toFixed(digits) : '-');

export async function runWatchOnce(kind: WatchKind, request: OnceRequest): Promise<number> {
	const format = chooseFormat({json: request.json});
	await withBrowseSql(request, async (sql, organization) => {
		const fleetId = await resolveFleetId(sql, request.fleet, organization?.id);
		const age = (value: unknown) => (value instanceof Date ? (format === 'table' ? formatAge(value) : value.toISOString()) : '-');
		if (kind === 'vehicles') {
			const snapshot = await liveVehiclesSource(sql, {organizationId: organization?.id ?? null}).snapshot({fleetId, status: request.status, connectivity: request.connectivity, limit: request.limit});
			if (format === 'json') return printJson(snapshot);
			const columns: Array<Column<LiveVehicleRow>> = [
				{key: 'vin', header: 'VIN'},
				{key: 'plate', header: 'plate'},
				{key: 'status', header: 'status'},
				{key: 'connectivity', header: 'conn'},
				{key: 'attention', header: 'alert', format: value => (value as string | null) ?? ''},
				{key: 'socPct', header: 'SoC', align: 'right', format: number(0)},
				{key: 'speedKmh', header: 'km/h', align: 'right', format: number(0)},
				{key: 'powerKw', header: 'kW', align: 'right', format: number(1)},
				{key: 'lastSeenAt', header: 'last seen', format: age},
				{key: 'latitude', header: 'lat', align: 'right', format: number(4)},
				{key: 'longitude', header: 'lon', align: 'right', format: number(4)},
				{key: 'fleetName', header: 'fleet'},
			];
			printRows(snapshot.rows, columns, format);
			const {counts} = snapshot;
			process.stderr.write(`${counts.vehicles} vehicles (${counts.matching} match): online ${counts.byConnectivity.online}, stale ${counts.byConnectivity.stale}, offline ${counts.byConnectivity.offline}\n`);
			return;
		}
		if (kind === 'charging') {
			const snapshot = await chargingSource(sql).snapshot({fleetId, near: request.near, connectorStatus: request.connectorStatus, sessionLimit: request.limit, stationLimit: request.limit});
			if (format === 'json') return printJson(snapshot);
			const sessionColumns: Array<Column<ChargingSessionRow>> = [
				{key: 'vin', header: 'VIN'},
				{key: 'plate', header: 'plate'},
				{key: 'stationName', header: 'station'},
				{key: 'connectorNumber', header: 'conn', align: 'right'},
				{key: 'elapsedSeconds', header: 'elapsed s', align: 'right', format: number(0)},
				{key: 'powerKw', header: 'kW', align: 'right', format: number(1)},
				{key: 'energyKwh', header: 'kWh', align: 'right', format: number(1)},
				{key: 'startSocPct', header: 'SoC start', align: 'right', format: number(0)},
				{key: 'socPct', header: 'SoC now', align: 'right', format: number(0)},
				{key: 'costSoFar', header: 'cost', align: 'right', format: number(2)},
				{key: 'currency', header: 'cur'},
				{key: 'direction', header: 'direction'},
			];
			const stationColumns: Array<Column<StationBoardRow>> = [
				{key: 'name', header: 'station'},
				{key: 'connectors', header: 'connectors', align: 'right'},
				{key: 'available', header: 'free', align: 'right'},
				{key: 'occupied', header: 'busy', align: 'right'},
				{key: 'faulted', header: 'faulted', align: 'right'},
				{key: 'offline', header: 'offline', align: 'right'},
				{key: 'utilisation24h', header: 'util 24h', align: 'right', format: value => `${Math.round((value as number) * 100)}%`},
				{key: 'lastHeartbeatAt', header: 'heartbeat', format: age},
				{key: 'heartbeatStale', header: 'stale', format: value => (value ? 'stale' : '')},
				...(request.near ? [{key: 'distanceM' as const, header: 'km', align: 'right' as const, format: (value: unknown) => (typeof value === 'number' ? (value / 1000).toFixed(1) : '-')}] : []),
			];
			printRows(snapshot.sessions, sessionColumns, format);
			if (format === 'table') process.stdout.write('\n');
			printRows(snapshot.stations, stationColumns, format);
			return;
		}
		const snapshot = await routesSource(sql).snapshot({fleetId, limit: request.limit});
		if (format === 'json') return printJson(snapshot);
		const columns: Array<Column<RouteRow>> = [
			{key: 'vin', header: 'VIN'},
			{key: 'plate', header: 'plate'},
			{key: 'driverName', header: 'driver'},
			{key: 'routeName', header: 'route'},
			{key: 'waypointsDone', header: 'done', align: 'right'},
			{key: 'waypointsTotal', header: 'of', align: 'right'},
			{key: 'nextWaypointName', header: 'next'},
			{key: 'nextDistanceM', header: 'km', align: 'right', format: value => (typeof value === 'number' ? (value / 1000).toFixed(1) : '-')},
			{key: 'etaDriftSeconds', header: 'drift s', align: 'right', format: number(0)},
			{key: 'socPct', header: 'SoC', align: 'right', format: number(0)},
			{key: 'availableKwh', header: 'have kWh', align: 'right', format: number(1)},
			{key: 'neededKwh', header: 'need kWh', align: 'right', format: number(1)},
			{key: 'cannotFinish', header: 'cannot finish', format: value => (value ? 'yes' : '')},
		];
		printRows(snapshot.rows, columns, format);
	});
	return 0;
}
