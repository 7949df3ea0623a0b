// Live charging: active sessions (with cost so far and V2G direction) and a station board (connectors by status,
// 24 h utilisation, stale heartbeats), in ONE query per refresh. An area (--near/--radius) uses the GiST index.
import type {Sql} from 'postgres';
import {connectorStatuses, type ConnectorStatus, type ChargingSessionRow, type StationBoardRow, type ChargingSummary, type ChargingSnapshot} from '../../model/live-data.js';
export {connectorStatuses, type ConnectorStatus, type ChargingSessionRow, type StationBoardRow, type ChargingSummary, type ChargingSnapshot};

/** A station whose last heartbeat is older than this is reported stale. */
export const staleHeartbeatSeconds = 600;

export type ChargingFilter = {
	/** Only vehicles of this fleet (sessions). */
	fleetId?: string | null;
	/** Stations with at least one connector in this status (board). */
	connectorStatus?: ConnectorStatus | null;
	near?: {latitude: number; longitude: number; radiusKm: number} | null;
	sessionLimit?: number;
	stationLimit?: number;
};

type Json = Record<string, unknown>;

function toDate(value: unknown): Date | null {
	if (value === null || value === undefined) return null;
	return new Date(String(value));
}

function clamp(limit: number | undefined, fallback: number): number {
	if (limit === undefined || !Number.isFinite(limit)) return fallback;
	return Math.min(1000, Math.max(1, Math.floor(limit)));
}

/**
 * Active sessions (oldest first) and the station board (nearest first with --near, otherwise what needs
 * attention first: stale heartbeat, faulted and offline connectors, busiest). Organization scope: RLS.
 */
export async function liveCharging(sql: Sql, filter: ChargingFilter = {}): Promise<ChargingSnapshot> {
	const sessionLimit = clamp(filter.sessionLimit, 100);
	const stationLimit = clamp(filter.stationLimit, 50);
	// Limits as sub-selects, not bare parameters: with a bare one PostgreSQL plans each call with the value (the plan
	// for 50 stations looks cheaper than the cached generic one) and never reuses the cached plan (~7 ms of planning
	// per refresh, medium seed); so each call's plan looks like the cached one and that is reused (as in live.ts).
	const stationCap = sql`(select ${stationLimit}::int)`;
	const sessionCap = sql`(select ${sessionLimit}::int)`;
	const near = filter.near;
	const point = near ? sql`st_setsrid(st_makepoint(${near.longitude}::float8, ${near.latitude}::float8), 4326)::geography` : sql`null::geography`;
	const radiusM = near ? near.radiusKm * 1000 : 0;
	// In an area every station filter goes through the GiST index (st_dwithin); without one, no station filter.
	const stationInArea = (alias: string) => (near ? sql`st_dwithin(${sql(alias)}.location, ${point}, ${radiusM}::float8)` : sql`true`);
	// The counts of connectors that are not available, and the stations the board lists for them (over connectors `c`).
	const notAvailableStats = sql`
		(count(*) filter (where c.status = 'occupied'))::int as occupied,
		(count(*) filter (where c.status = 'reserved'))::int as reserved,
		(count(*) filter (where c.status = 'faulted'))::int as faulted,
		(count(*) filter (where c.status = 'offline'))::int as offline,
		array_agg(c.station_id) filter (where c.status in ('faulted', 'offline')) as bad_stations,
		array_agg(c.station_id) filter (where c.status = 'occupied') as busy_stations`;
	const fleet = filter.fleetId ? sql`and v.fleet_id = ${filter.fleetId}::uuid` : sql``;
	const stale = (alias: string) => sql`(${sql(alias)}.last_heartbeat_at is null or ${sql(alias)}.last_heartbeat_at < now() - make_interval(secs => ${staleHeartbeatSeconds}))`;
	const withStatus = filter.connectorStatus
		? sql`exists (select 1 from charging_connectors c2 where c2.station_id = st.id and c2.status = ${filter.connectorStatus})`
		: sql`true`;
	// Which stations the board considers. In an area: the nearest ones (KNN on the GiST index). Otherwise a
	// bounded set of those that need a look: oldest heartbeats, most faulted/offline connectors, busy ones.
	const candidates = near
		? sql`
			select n.id from (
				-- KNN: the GiST index hands out stations nearest first and stops after the limit
				select st.id, st.location from charging_stations st
				where st.status <> 'decommissioned' and ${withStatus}
				order by st.location <-> ${point}
				limit ${stationCap}
			) n
			where ${stationInArea('n')}`
		: sql`
			(select st.id from charging_stations st
			 where st.status <> 'decommissioned' and ${stale('st')}
			 order by st.last_heartbeat_at nulls first limit ${stationCap})
			union
			(select b.station_id from connector_stats k, unnest(k.bad_stations) as b(station_id)
			 group by b.station_id order by count(*) desc limit ${stationCap})
			union
			(select u.station_id from connector_stats k, unnest(k.busy_stations[1:${stationLimit}]) as u(station_id))
			${filter.connectorStatus ? sql`union (select c.station_id from charging_connectors c where c.status = ${filter.connectorStatus} limit ${stationCap})` : sql``}`;
	// json_agg does not keep a CTE's order: the order is given on the board's columns.
	const boardOrder = near
		? sql`order by b.distance_m, b.id`
		: sql`order by b.stale desc, b.faulted + b.offline desc, b.occupied desc, b.name collate "C", b.id`;
	const [row] = await sql<{at: Date; summary: Json; sessions: Json[]; stations: Json[]}[]>`
		with area as materialized (
			-- charging_stations_within: the GiST index under row-level security too (st_dwithin alone is not leakproof)
			select st.id, st.status, st.last_heartbeat_at from charging_stations st
			where ${near ? sql`st.id in (select w.station_id from charging_stations_within(${near.longitude}::float8, ${near.latitude}::float8, ${radiusM}::float8) w)` : sql`false`}
		),
		-- Connector counts by status, and the stations with faulted/offline or busy connectors for the board. In an
		-- area: one pass over the area's connectors (station_id index). Otherwise only the connectors that are not
		-- available are read (a few percent, from the partial index charging_connectors_not_available), and the
		-- available ones are the rest of an index-only count (large seed: 35 -> ~9 ms).
		connector_stats as materialized (
			${near ? sql`
			select (count(*) filter (where c.status = 'available'))::int as available, ${notAvailableStats}
			from area join charging_connectors c on c.station_id = area.id` : sql`
			select (select count(*) from charging_connectors)::int - n.not_available as available,
			       n.occupied, n.reserved, n.faulted, n.offline, n.bad_stations, n.busy_stations
			from (
				select count(*)::int as not_available, ${notAvailableStats}
				from charging_connectors c
				where c.status <> 'available'
			) n`}
		),
		station_stats as materialized (
			select count(*)::int as stations, (count(*) filter (where ${stale('st')}))::int as stale
			from ${near ? sql`area st` : sql`charging_stations st`}
			where st.status <> 'decommissioned'
		),
		board as materialized (
			select st.id, st.name, st.operator_name, st.organization_id, st.status, st.last_heartbeat_at, ${stale('st')} as stale,
			       k.connectors, k.available, k.occupied, k.reserved, k.faulted, k.offline,
			       ${near ? sql`st_distance(st.location, ${point})` : sql`null::float8`} as distance_m,
			       st_y(st.location::geometry) as latitude, st_x(st.location::geometry) as longitude
			from charging_stations st
			cross join lateral (
				select count(*)::int as connectors,
				       (count(*) filter (where c.status = 'available'))::int as available,
				       (count(*) filter (where c.status = 'occupied'))::int as occupied,
				       (count(*) filter (where c.status = 'reserved'))::int as reserved,
				       (count(*) filter (where c.status = 'faulted'))::int as faulted,
				       (count(*) filter (where c.status = 'offline'))::int as offline
				from charging_connectors c where c.station_id = st.id
			) k
			where st.id in (${candidates}) and ${withStatus}
			order by ${near ? sql`st.location <-> ${point}, st.id` : sql`${stale('st')} desc, k.faulted + k.offline desc, k.occupied desc, st.name collate "C", st.id`}
			limit ${stationCap}
		),
		-- sessions in progress (partial index), then their stations by primary key: never a probe per area connector
		active_all as materialized (
			select cs.id, cs.started_at, cs.is_v2g, cs.connector_id
			from charging_sessions cs
			join vehicles v on v.id = cs.vehicle_id and v.organization_id = cs.organization_id
			where cs.status = 'active' ${fleet}
		),
		active as materialized (
			select a.id, a.started_at, a.is_v2g
			from active_all a
			-- a scalar subquery stays per row (two primary-key probes); as a join the planner, misled by the area's
			-- row estimate, may compare every session with every connector of the area
			${near ? sql`where st_dwithin((select st.location from charging_connectors c join charging_stations st on st.id = c.station_id where c.id = a.connector_id), ${point}, ${radiusM}::float8)` : sql``}
		)
		select now() as at,
		       json_build_object(
		         'activeSessions', (select count(*) from active),
		         'v2gSessions', (select count(*) from active where is_v2g),
		         'stations', (select stations from station_stats),
		         'staleStations', (select stale from station_stats),
		         'connectors', (select json_build_object('available', available, 'occupied', occupied, 'reserved', reserved, 'faulted', faulted, 'offline', offline) from connector_stats)
		       ) as summary,
		       (select coalesce(json_agg(json_build_object(
		          'sessionId', s.session_id, 'vehicleId', s.vehicle_id, 'vin', s.vin, 'plate', s.plate,
		          'stationId', s.station_id, 'stationName', s.station_name, 'connectorNumber', s.connector_number,
		          'connectorType', s.connector_type, 'startedAt', s.started_at, 'elapsedSeconds', s.elapsed_seconds,
		          'powerKw', s.current_power_kw, 'energyKwh', s.energy_kwh, 'direction', s.direction, 'isV2g', s.is_v2g,
		          'startSocPct', s.start_soc_pct, 'socPct', s.soc_pct, 'targetSocPct', s.target_soc_pct,
		          'costSoFar', round((s.energy_kwh * c.price_per_kwh + s.elapsed_seconds / 60 * c.price_per_minute)::numeric, 2),
		          'currency', c.currency, 'lastMeterAt', s.last_meter_at)
		          order by s.started_at, s.session_id), '[]'::json)
		        from active_charging_sessions s
		        left join charging_connectors c on c.id = s.connector_id
		        where s.session_id in (select id from active order by started_at, id limit ${sessionCap})) as sessions,
		       (select coalesce(json_agg(json_build_object(
		          'stationId', b.id, 'name', b.name, 'operatorName', b.operator_name, 'organizationId', b.organization_id,
		          'status', b.status, 'connectors', b.connectors, 'available', b.available, 'occupied', b.occupied,
		          'reserved', b.reserved, 'faulted', b.faulted, 'offline', b.offline,
		          'utilisation24h', least(1, coalesce(u.busy_seconds, 0) / (86400.0 * greatest(b.connectors, 1))),
		          'lastHeartbeatAt', b.last_heartbeat_at, 'heartbeatStale', b.stale,
		          'distanceM', b.distance_m, 'latitude', b.latitude, 'longitude', b.longitude) ${boardOrder}), '[]'::json)
		        from board b
		        -- Busy connector-seconds of the last 24 h over connector-seconds; sessions are found through
		        -- (connector_id, started_at) and assumed to last less than a day. Grouped by station for the board's
		        -- stations (not a lateral aggregate per station, which Citus cannot distribute).
		        left join (
		          select c.station_id,
		                 sum(greatest(0, date_part('epoch', least(coalesce(cs.ended_at, now()), now())
		                                                  - greatest(cs.started_at, now() - interval '24 hours')))) as busy_seconds
		          from charging_connectors c
		          join charging_sessions cs on cs.connector_id = c.id
		          where c.station_id = any (array(select board.id from board))
		            and cs.started_at > now() - interval '48 hours'
		            and (cs.ended_at is null or cs.ended_at > now() - interval '24 hours')
		            and cs.status in ('active', 'completed')
		          group by c.station_id
		        ) u on u.station_id = b.id) as stations`;
	if (!row) throw new Error('live charging query returned nothing');
	const summary = row.summary as ChargingSummary;
	const sessions = row.sessions.map((s): ChargingSessionRow => ({
		...(s as Omit<ChargingSessionRow, 'startedAt' | 'lastMeterAt'>),
		startedAt: toDate(s['startedAt'])!,
		lastMeterAt: toDate(s['lastMeterAt']),
	}));
	const stations = row.stations.map((s): StationBoardRow => ({
		...(s as Omit<StationBoardRow, 'lastHeartbeatAt'>),
		lastHeartbeatAt: toDate(s['lastHeartbeatAt']),
	}));
	return {
		at: row.at,
		summary,
		sessions,
		stations,
	};
}
