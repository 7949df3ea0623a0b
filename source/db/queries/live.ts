// Live vehicles: counts by status and connectivity plus one page of vehicles sorted by what needs attention,
// in ONE query from vehicles + vehicle_live_state (never telematics history).
import type {Sql} from 'postgres';
import {connectivityThresholdSeconds, type Connectivity, type VehicleStatus as AnyVehicleStatus} from './vehicles.js';

export type {Connectivity};
/** The statuses of vehicles in service: the live views leave retired vehicles out. */
export type VehicleStatus = Exclude<AnyVehicleStatus, 'retired'>;

/** Below this state of charge a vehicle needs attention. */
export const lowSocPct = 20;
/** At or above this pack temperature a vehicle needs attention (a thermal fault in the making). */
export const hotPackC = 55;

/** Why a vehicle is near the top of the list, most urgent first; null when nothing is wrong. 'offline' and
 * 'stale' are for vehicles in service (active, charging, idle): silence of one in maintenance is expected. */
export type Attention = 'offline' | 'stale' | 'low-soc' | 'hot-pack' | 'maintenance' | null;

export type LiveVehicleRow = {
	id: string;
	vin: string;
	plate: string | null;
	make: string;
	model: string;
	fleetId: string;
	fleetName: string;
	organizationId: string;
	status: string;
	connectivity: Connectivity;
	attention: Attention;
	lastSeenAt: Date | null;
	socPct: number | null;
	speedKmh: number | null;
	powerKw: number | null;
	packTempC: number | null;
	headingDeg: number | null;
	latitude: number | null;
	longitude: number | null;
};

export type LiveVehicleCounts = {
	/** Vehicles in scope (org, fleet), not retired, before the status and connectivity filters. */
	vehicles: number;
	byStatus: Record<VehicleStatus, number>;
	byConnectivity: Record<Connectivity, number>;
	/** Vehicles matching every filter (the list shows the first `limit` of them). */
	matching: number;
};

export type LiveVehiclesSnapshot = {
	counts: LiveVehicleCounts;
	rows: LiveVehicleRow[];
	/** Server time of the snapshot: ages are computed from it. */
	at: Date;
};

export type LiveVehiclesFilter = {
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
 * then stale; low SoC; hot pack; in maintenance; then the rest), lowest SoC first, then VIN. The organization scope comes from row-level
 * security on the connection (--org).
 */
export async function liveVehicles(sql: Sql, filter: LiveVehiclesFilter = {}): Promise<LiveVehiclesSnapshot> {
	const limit = clampLiveLimit(filter.limit);
	const fleet = filter.fleetId ? sql`and v.fleet_id = ${filter.fleetId}::uuid` : sql``;
	const status = filter.status ? sql`b.status = ${filter.status}` : sql`true`;
	const connectivity = filter.connectivity ? sql`b.connectivity = ${filter.connectivity}` : sql`true`;
	const fetched = await sql<Fetched[]>`
		with since as (
			-- connectivity_status()'s thresholds as two instants, computed once: comparing each vehicle's last report
			-- with them costs far less than a function and a float per vehicle (10 000 vehicles: 16 → 12 ms).
			select now() - make_interval(secs => ${connectivityThresholdSeconds.online}) as online_after,
			       now() - make_interval(secs => ${connectivityThresholdSeconds.stale}) as stale_after
		),
		base as materialized (
			select b.*,
			       -- Silence matters for vehicles in service; one in maintenance or parked offline is expected to be quiet.
			       case
			         when b.connectivity = 'offline' and b.status in ('active', 'charging', 'idle') then 0
			         when b.connectivity = 'stale' and b.status in ('active', 'charging', 'idle') then 1
			         when b.soc_pct < ${lowSocPct} then 2
			         when b.pack_temp_c >= ${hotPackC} then 3
			         when b.status = 'maintenance' then 4
			         else 5
			       end as rank
			from (
				select v.id, v.vin, v.status, s.soc_pct, s.pack_temp_c,
				       case when s.recorded_at >= since.online_after then 'online'
				            when s.recorded_at >= since.stale_after then 'stale'
				            else 'offline' end as connectivity
				from since
				cross join vehicles v
				left join vehicle_live_state s on s.vehicle_id = v.id
				where v.status <> 'retired' ${fleet}
			) b
		),
		counts as (
			select count(*)::int as total,
			       (count(*) filter (where ${status} and ${connectivity}))::int as matching,
			       (count(*) filter (where b.status = 'active'))::int as status_active,
			       (count(*) filter (where b.status = 'charging'))::int as status_charging,
			       (count(*) filter (where b.status = 'idle'))::int as status_idle,
			       (count(*) filter (where b.status = 'maintenance'))::int as status_maintenance,
			       (count(*) filter (where b.status = 'offline'))::int as status_offline,
			       (count(*) filter (where b.connectivity = 'online'))::int as online,
			       (count(*) filter (where b.connectivity = 'stale'))::int as stale,
			       (count(*) filter (where b.connectivity = 'offline'))::int as offline
			from base b
		),
		page as (
			select b.id, b.rank
			from base b
			where ${status} and ${connectivity}
			order by b.rank, b.soc_pct asc nulls first, b.vin collate "C"
			limit ${limit}
		)
		select counts.*, now() as snapshot_at, p.*
		from counts
		left join lateral (
			select v.id, v.vin, v.plate, v.make, v.model, v.fleet_id, f.name as fleet_name, v.organization_id, v.status,
			       connectivity_status(date_part('epoch', now() - s.recorded_at)) as connectivity,
			       case page.rank when 0 then 'offline' when 1 then 'stale' when 2 then 'low-soc' when 3 then 'hot-pack'
			                      when 4 then 'maintenance' end as attention,
			       s.recorded_at as last_seen_at, s.soc_pct, s.speed_kmh, s.power_kw, s.pack_temp_c, s.heading_deg,
			       st_y(s.location::geometry) as latitude, st_x(s.location::geometry) as longitude,
			       page.rank, s.soc_pct as sort_soc
			from page
			join vehicles v on v.id = page.id
			join fleets f on f.id = v.fleet_id
			left join vehicle_live_state s on s.vehicle_id = v.id
		) p on true
		order by p.rank, p.sort_soc asc nulls first, p.vin collate "C"`;
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
