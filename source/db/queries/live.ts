// Live vehicles: counts by status and connectivity plus one page of vehicles sorted by what needs attention,
// in ONE query from vehicles + vehicle_live_state (never telematics history).
import type {PendingQuery, Row, Sql} from 'postgres';
import {connectivityThresholdSeconds, type Connectivity} from './vehicles.js';
import {lowSocPct, hotPackC, type VehicleStatus, type Attention, type LiveVehicleRow, type LiveVehicleCounts, type LiveVehiclesSnapshot} from '../../model/live-data.js';
export {lowSocPct, hotPackC, type VehicleStatus, type Attention, type LiveVehicleRow, type LiveVehicleCounts, type LiveVehiclesSnapshot};

export type {Connectivity};

export type LiveVehiclesFilter = {
	/**
	 * The organization the connection is scoped to, named in every table's filter as well: row-level security gives
	 * the same rows without it, but on Citus only an organization_id the planner can see routes the page to the one
	 * shard that holds the tenant (otherwise every shard is asked).
	 */
	organizationId?: string | null;
	fleetId?: string | null;
	status?: VehicleStatus | null;
	connectivity?: Connectivity | null;
	/** Rows in the page (the counts always cover every vehicle in scope). */
	limit?: number;
};

type Fetched = Omit<LiveVehicleRow, 'id'> & {
	id: string | null;
	snapshotAt: Date;
	total: number;
	matching: number;
	statusActive: number;
	statusCharging: number;
	statusIdle: number;
	statusMaintenance: number;
	statusOffline: number;
	online: number;
	stale: number;
	offline: number;
};

export function clampLiveLimit(limit: number | undefined): number {
	if (limit === undefined || !Number.isFinite(limit)) return 100;
	return Math.min(1000, Math.max(1, Math.floor(limit)));
}

/**
 * Counts over every vehicle in scope and the `limit` vehicles that need attention first (in service but offline,
 * then stale; low SoC; hot pack; in maintenance; then the rest), lowest SoC first, then by id. The organization
 * scope comes from row-level security on the connection (--org).
 *
 * One statement, shaped so that the whole fleet is read as little as possible (10 000 vehicles, same data,
 * interleaved: median 17.7 -> 10.3 ms):
 * - counts by status come from the vehicles_status index (index-only), not from a join;
 * - connectivity counts and the page read vehicle_live_state once each, without joining every vehicle: without a
 *   fleet or status filter, only the vehicles out of service (maintenance, offline, retired: few, from the same
 *   index) are looked up, in a small hash; every other live row belongs to a vehicle in service;
 * - connectivity is compared with two instants computed once, counted as small ints and pivoted over a handful of
 *   groups; the offline count is what is left of the vehicles in scope;
 * - vehicles that never reported (no live row) are looked for only when the counts say there are some;
 * - when the vehicles in service that are offline (or offline and stale) fill the page by themselves, the page's
 *   sort is offered only the live rows reported before that instant (254 of 10 000 offline: 8.7 -> 6.2 ms; when
 *   everyone reports, or nearly everyone is offline, it cannot cut and costs ~0.5-0.8 ms of extra counting);
 * - ties within a rank and SoC are broken by id (a VIN would need every vehicle row);
 * - the page's 100 rows get their details by primary key.
 */
export async function liveVehicles(sql: Sql, filter: LiveVehiclesFilter = {}): Promise<LiveVehiclesSnapshot> {
	const limit = clampLiveLimit(filter.limit);
	const {online, stale} = connectivityThresholdSeconds;
	const status = filter.status ?? null;
	const connectivity = filter.connectivity ?? null;
	const inOrg = (alias: string) => (filter.organizationId ? sql`and ${sql(alias)}.organization_id = ${filter.organizationId}::uuid` : sql``);
	const fleet = filter.fleetId ? sql`and v.fleet_id = ${filter.fleetId}::uuid ${inOrg('v')}` : inOrg('v');
	// With a fleet or status filter every vehicle in scope is joined (its status decides the counts' match);
	// without, only the vehicles out of service are, and a live row without one is a vehicle in service.
	const joinAll = Boolean(filter.fleetId) || status !== null;
	const known = joinAll
		? sql`select v.id, v.organization_id, v.status from vehicles v where v.status <> 'retired' ${fleet}`
		: sql`select v.id, v.organization_id, v.status from vehicles v where v.status in ('maintenance', 'offline', 'retired') ${inOrg('v')}`;
	const liveRows = joinAll
		? sql`vehicle_live_state s join known k on k.id = s.vehicle_id and k.organization_id = s.organization_id where true ${inOrg('s')}`
		: sql`vehicle_live_state s left join known k on k.id = s.vehicle_id and k.organization_id = s.organization_id where k.status is distinct from 'retired' ${inOrg('s')}`;
	const connCode = connectivity === null ? null : {online: 0, stale: 1, offline: 2}[connectivity];
	const inStatus = (alias: string) => (status ? sql`${sql(alias)}.status = ${status}` : sql`true`);
	const pageFilter = sql`${inStatus('l')} and ${connCode === null ? sql`true` : sql`l.conn = ${connCode}`}`;
	// Never-reported vehicles are offline: they match no other connectivity filter.
	const neverFilter = connectivity === null || connectivity === 'offline' ? sql`${inStatus('v')}` : sql`false`;
	// Live rows by connectivity. Without filters, every live row is counted straight from vehicle_live_state (no
	// join), less those of retired vehicles (primary-key lookups of the few retired ones).
	const conn = (alias: string) => sql`case when ${sql(alias)}.recorded_at >= since.online_after then 0 when ${sql(alias)}.recorded_at >= since.stale_after then 1 else 2 end`;
	// Live rows of some vehicles out of service by connectivity: primary-key lookups (offset 0: no scan of every
	// live row to find a few hundred).
	const outOfServiceCounts = (where: PendingQuery<Row[]>) => sql`
		select (count(*) filter (where c = 0))::int as online, (count(*) filter (where c = 1))::int as stale,
		       (count(*) filter (where c = 2))::int as offline, count(*)::int as reported
		from (select ${conn('s')} as c
		      from since cross join vehicles v
		      cross join lateral (select s.recorded_at from vehicle_live_state s where s.vehicle_id = v.id and s.organization_id = v.organization_id ${inOrg('s')} offset 0) s
		      where ${where} ${inOrg('v')}) x`;
	const reported = joinAll
		? sql`
			select coalesce(sum(n) filter (where conn = 0), 0)::int as online,
			       coalesce(sum(n) filter (where conn = 1), 0)::int as stale,
			       coalesce(sum(n), 0)::int as reported,
			       coalesce(sum(n) filter (where conn = 0 and ${inStatus('g')}), 0)::int as online_in_status,
			       coalesce(sum(n) filter (where conn = 1 and ${inStatus('g')}), 0)::int as stale_in_status,
			       null::int as offline_in_service, null::int as stale_in_service, null::int as reported_in_service
			from (select l.status, l.conn, count(*)::int as n from live l group by l.status, l.conn) g`
		: sql`
			with a as materialized (
				select online, stale, reported, reported - online as quiet
				from (
					select (count(*) filter (where c = 0))::int as online, (count(*) filter (where c = 1))::int as stale, count(*)::int as reported
					from (select ${conn('s')} as c from since cross join vehicle_live_state s where true ${inOrg('s')}) x
				) x
			)
			select a.online - r.online as online, a.stale - r.stale as stale, a.reported - r.reported as reported,
			       a.online - r.online as online_in_status, a.stale - r.stale as stale_in_status,
			       -- live rows of vehicles in service that are offline or stale (ranks 0 and 1 of the page); known only
			       -- when enough live rows are quiet to fill the page, the only case where they are of use
			       case when a.quiet >= ${limit} then a.reported - a.online - a.stale - r.offline - q.offline end as offline_in_service,
			       case when a.quiet >= ${limit} then a.stale - r.stale - q.stale end as stale_in_service,
			       case when a.quiet >= ${limit} then a.reported - r.reported - q.reported end as reported_in_service
			from a
			cross join (${outOfServiceCounts(sql`v.status = 'retired'`)}) r
			-- "enough quiet rows" as a scalar subquery on a (once per statement), not a lateral reference to it: Citus
			-- cannot push down an aggregate whose subquery refers to a row of a CTE
			cross join (${outOfServiceCounts(sql`v.status in ('maintenance', 'offline') and (select a.quiet >= ${limit} from a)`)}) q`;
	const fetched = await sql<Fetched[]>`
		with since as materialized (
			select now() - make_interval(secs => ${online}) as online_after, now() - make_interval(secs => ${stale}) as stale_after
		),
		known as (${known}),
		live as not materialized (
			select s.vehicle_id, s.organization_id, s.recorded_at, s.soc_pct, s.pack_temp_c, k.status,
			       ${conn('s')} as conn
			from since cross join ${liveRows}
		),
		by_status as (
			select v.status, count(*)::int as n from vehicles v where v.status <> 'retired' ${fleet} group by v.status
		),
		reported as (${reported}),
		counts as (
			select b.*, c.online, c.stale, b.total - c.online - c.stale as offline, b.total - c.reported as never_reported,
			       case ${connCode}::int when 0 then c.online_in_status when 1 then c.stale_in_status
			                             when 2 then b.in_status - c.online_in_status - c.stale_in_status
			                             else b.in_status end as matching,
			       -- When the vehicles in service that are offline (rank 0: reported long ago or never) fill the page,
			       -- or those and the stale ones (rank 1) do, the page only needs live rows reported before the
			       -- matching instant: the sort below then sees those instead of every vehicle. Without filters only.
			       case when ${connCode}::int is not null then null
			            when c.offline_in_service + b.in_service - c.reported_in_service >= ${limit} then since.stale_after
			            when c.offline_in_service + b.in_service - c.reported_in_service + c.stale_in_service >= ${limit} then since.online_after
			       end as page_before
			from (
				select coalesce(sum(n), 0)::int as total,
				       coalesce(sum(n) filter (where status = 'active'), 0)::int as status_active,
				       coalesce(sum(n) filter (where status = 'charging'), 0)::int as status_charging,
				       coalesce(sum(n) filter (where status = 'idle'), 0)::int as status_idle,
				       coalesce(sum(n) filter (where status = 'maintenance'), 0)::int as status_maintenance,
				       coalesce(sum(n) filter (where status = 'offline'), 0)::int as status_offline,
				       coalesce(sum(n) filter (where ${inStatus('by_status')}), 0)::int as in_status,
				       coalesce(sum(n) filter (where status in ('active', 'charging', 'idle')), 0)::int as in_service
				from by_status
			) b, reported c, since
		),
		page as (
			select u.id, u.organization_id, u.rank, u.soc_pct
			from (
				select l.vehicle_id as id, l.organization_id, l.soc_pct,
				       -- Silence matters for vehicles in service; one in maintenance or parked offline is expected to be quiet.
				       case when l.conn = 2 and (l.status is null or l.status in ('active', 'charging', 'idle')) then 0
				            when l.conn = 1 and (l.status is null or l.status in ('active', 'charging', 'idle')) then 1
				            when l.soc_pct < ${lowSocPct} then 2
				            when l.pack_temp_c >= ${hotPackC} then 3
				            when l.status = 'maintenance' then 4
				            else 5 end as rank
				from live l
				where ${pageFilter} and l.recorded_at < coalesce((select page_before from counts), 'infinity')
				union all
				select v.id, v.organization_id, null::real, case when v.status in ('active', 'charging', 'idle') then 0 when v.status = 'maintenance' then 4 else 5 end
				-- "only when some never reported" as a filter on counts' row, not a condition on no column: Citus on
				-- PostgreSQL 15 cannot distribute a join under such a pseudo-constant condition
				from (select from counts where never_reported > 0) some_never cross join vehicles v
				where v.status <> 'retired' ${fleet} and ${neverFilter}
				  and not exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id and s.organization_id = v.organization_id ${inOrg('s')})
			) u
			order by u.rank, u.soc_pct asc nulls first, u.id
			-- A sub-select, not a bare parameter: postgres.js prepares the statement, and with the limit known only
			-- per call PostgreSQL plans every call again (~1 ms); this way the cached plan is reused.
			limit (select ${limit}::int)
		)
		select c.total, c.matching, c.status_active, c.status_charging, c.status_idle, c.status_maintenance, c.status_offline,
		       c.online, c.stale, c.offline, now() as snapshot_at, p.*
		from counts c
		left join lateral (
			select d.*, page.rank, page.soc_pct as sort_soc
			from page
			-- one primary-key lookup per row of the page: the order by (of one row) keeps the planner from flattening
			-- the lateral subquery and hashing every vehicle instead (Citus refuses offset 0 there); on Citus it is joined
			-- on organization_id on the page's own shards
			cross join lateral (
				select v.id, v.vin, v.plate, v.make, v.model, v.fleet_id, f.name as fleet_name, v.organization_id, v.status,
				       connectivity_status(date_part('epoch', now() - s.recorded_at)) as connectivity,
				       case page.rank when 0 then 'offline' when 1 then 'stale' when 2 then 'low-soc' when 3 then 'hot-pack'
				                      when 4 then 'maintenance' end as attention,
				       s.recorded_at as last_seen_at, s.soc_pct, s.speed_kmh, s.power_kw, s.pack_temp_c, s.heading_deg,
				       st_y(s.location::geometry) as latitude, st_x(s.location::geometry) as longitude
				from vehicles v
				join fleets f on f.id = v.fleet_id and f.organization_id = v.organization_id ${inOrg('f')}
				left join vehicle_live_state s on s.vehicle_id = v.id and s.organization_id = v.organization_id ${inOrg('s')}
				where v.id = page.id and v.organization_id = page.organization_id ${inOrg('v')}
				order by v.id
			) d
		) p on true
		order by p.rank, p.sort_soc asc nulls first, p.id`;
	const first = fetched[0];
	if (!first) throw new Error('live vehicles query returned no summary row');
	const rows: LiveVehicleRow[] = fetched.filter(row => row.id !== null).map(row => ({
		id: row.id!,
		vin: row.vin,
		plate: row.plate,
		make: row.make,
		model: row.model,
		fleetId: row.fleetId,
		fleetName: row.fleetName,
		organizationId: row.organizationId,
		status: row.status,
		connectivity: row.connectivity,
		attention: row.attention,
		lastSeenAt: row.lastSeenAt,
		socPct: row.socPct,
		speedKmh: row.speedKmh,
		powerKw: row.powerKw,
		packTempC: row.packTempC,
		headingDeg: row.headingDeg,
		latitude: row.latitude,
		longitude: row.longitude,
	}));
	return {
		at: first.snapshotAt,
		counts: {
			vehicles: first.total,
			matching: first.matching,
			byStatus: {
				active: first.statusActive,
				charging: first.statusCharging,
				idle: first.statusIdle,
				maintenance: first.statusMaintenance,
				offline: first.statusOffline,
			},
			byConnectivity: {online: first.online, stale: first.stale, offline: first.offline},
		},
		rows,
	};
}
