// The live views' data sources: each snapshot is ONE query (see queries/live.ts, live-charging.ts, routes.ts).
// The organization scope is the pool's (row-level security, --org).
import type {Sql} from '../connection.js';
import {liveVehicles} from '../queries/live.js';
import {liveCharging} from '../queries/live-charging.js';
import {liveRoutes} from '../queries/routes.js';
import type {ChargingData, LiveVehiclesData, RoutesData} from '../../model/live-data.js';

export function liveVehiclesSource(sql: Sql): LiveVehiclesData {
	return {snapshot: request => liveVehicles(sql, request)};
}

export function chargingSource(sql: Sql): ChargingData {
	return {snapshot: request => liveCharging(sql, request)};
}

export function routesSource(sql: Sql): RoutesData {
	return {snapshot: request => liveRoutes(sql, request)};
}
