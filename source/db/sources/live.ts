// The live views' data sources: each snapshot is ONE query (see queries/live.ts, live-charging.ts, routes.ts),
// plus, on a streaming replica, how far it is behind its primary. The organization scope is the handle's (--org).
import type {Sql} from '../connection.js';
import {liveVehicles} from '../queries/live.js';
import {liveCharging} from '../queries/live-charging.js';
import {liveRoutes} from '../queries/routes.js';
import type {ChargingData, LiveVehiclesData, RoutesData} from '../../model/live-data.js';

/**
 * On a replica: milliseconds since the last replayed transaction (pg_last_xact_replay_timestamp), 0 when it has
 * replayed all it received; null when unknown. Nothing on a primary (asked once, then never again).
 */
export function replicationLag(sql: Sql): () => Promise<{replicaLagMs?: number | null}> {
	let primary = false;
	return async () => {
		if (primary) return {};
		const [row] = await sql<{replica: boolean; lagMs: number | null}[]>`
			select pg_is_in_recovery() as replica,
			       case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
			            else (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 end as lag_ms`;
		if (!row?.replica) {
			primary = true;
			return {};
		}
		return {replicaLagMs: row.lagMs};
	};
}

function withLag<R, S extends object>(sql: Sql, load: (request: R) => Promise<S>): {snapshot: (request: R) => Promise<S & {replicaLagMs?: number | null}>} {
	const lag = replicationLag(sql);
	return {
		async snapshot(request) {
			const [snapshot, behind] = await Promise.all([load(request), lag()]);
			return {...snapshot, ...behind};
		},
	};
}

/**
 * The live vehicles page. `organizationId`: the organization the handle is scoped to (--org), named in the query's
 * filters too: the same rows as row-level security alone, but on Citus the page then goes to the one shard of
 * that tenant instead of every shard.
 */
export function liveVehiclesSource(sql: Sql, scope: {organizationId?: string | null} = {}): LiveVehiclesData {
	return withLag(sql, request => liveVehicles(sql, {...request, organizationId: scope.organizationId ?? null}));
}

export function chargingSource(sql: Sql): ChargingData {
	return withLag(sql, request => liveCharging(sql, request));
}

export function routesSource(sql: Sql): RoutesData {
	return withLag(sql, request => liveRoutes(sql, request));
}
