// The one place where the db implementations are wired into the screens' data sources (ConsoleData).
import type {Sql} from 'postgres';
import type {ConsoleData} from './views.js';
import {completionSource} from '../db/queries/completion.js';
import type {ConnectionTarget} from '../db/connection.js';
import {createMaintenanceData} from '../db/maintenance/data.js';
import {createBatteryData} from '../db/sources/battery.js';
import {connectionHealth, fleetsSource, organizationsSource, usersSource, vehicleInspectorSource, vehiclesSource} from '../db/sources/browse.js';
import {chargingSource, liveVehiclesSource, routesSource} from '../db/sources/live.js';

/**
 * The console's data, all through one read-only (and, with --org, scoped) pool. With the target, the
 * maintenance view too: it reads through the pool and runs each action on its own read-write connection.
 */
export function createConsoleData(sql: Sql, target?: ConnectionTarget, options: {readOnly?: boolean; primary?: Sql; organizationId?: string} = {}): ConsoleData {
	return {
		connection: connectionHealth(sql),
		// `primary`: with a replica serving `sql`, maintenance reads the server it acts on.
		...(target ? {maintenance: createMaintenanceData(target, options.primary ?? sql, {readOnly: options.readOnly})} : {}),
		battery: createBatteryData(sql),
		completion: completionSource(sql),
		// The organization `sql` is scoped to (--org): the live page names it, so Citus sends it to one shard.
		live: liveVehiclesSource(sql, {organizationId: options.organizationId ?? null}),
		charging: chargingSource(sql),
		routes: routesSource(sql),
		orgs: organizationsSource(sql),
		fleets: fleetsSource(sql),
		users: usersSource(sql),
		vehicles: vehiclesSource(sql),
		vehicle: vehicleInspectorSource(sql),
	};
}
