// Live routes: assignments in progress (active_routes_status) with the vehicle's live position and charge, the
// distance to the next waypoint, and whether the charge left covers the rest of the route. ONE query per refresh.
// Distances are on the sphere (st_distance(..., false)): close enough for an estimate, and much cheaper.
import type {Sql} from 'postgres';
import {citusRefusal} from '../citus.js';
import {type RouteRow, type RoutesSummary, type RoutesSnapshot} from '../../model/live-data.js';
export {type RouteRow, type RoutesSummary, type RoutesSnapshot};

/** Energy use assumed when a route has no planned energy: kWh per straight-line km (roads are ~1.3× longer). */
export const fallbackKwhPerLineKm = 0.25;
/** Charge kept in reserve: an assignment "cannot finish" when it needs more than the usable energy above this. */
export const reserveSocPct = 5;

export type RoutesFilter = {
	fleetId?: string | null;
	limit?: number;
};

/** Late when the drift is over this many seconds. */
export const lateAfterSeconds = 300;

type Fetched = Omit<RouteRow, 'assignmentId'> & {
	assignmentId: string | null;
	at: Date;
	inProgress: number;
	late: number;
	cannotFinishCount: number;
};

/**
 * Assignments in progress, those that cannot finish first, then the latest. The energy needed is the route's
 * planned energy times the share of its straight-line length still ahead (vehicle → next waypoint → … → the
 * next planned charging stop, or the end).
 */
export async function liveRoutes(sql: Sql, filter: RoutesFilter = {}): Promise<RoutesSnapshot> {
	const limit = Math.min(1000, Math.max(1, Math.floor(filter.limit ?? 100)));
	const fleet = filter.fleetId ? sql`and v.fleet_id = ${filter.fleetId}::uuid` : sql``;
	let fetched: Fetched[];
	try {
		fetched = await sql<Fetched[]>`
		with assignments as materialized (
			select r.assignment_id, r.route_id, r.route_name, r.vehicle_id, r.vin, r.plate, r.driver_id, r.driver_name,
			       r.actual_start_at, r.planned_end_at, r.waypoints_done, r.waypoints_total,
			       r.next_waypoint_sequence, r.next_waypoint_name, r.next_planned_arrival_at, r.eta_drift_seconds,
			       s.soc_pct, s.recorded_at as last_seen_at,
			       st_distance(s.location, st_setsrid(st_makepoint(r.next_longitude, r.next_latitude), 4326)::geography, false) as next_distance_m,
			       s.soc_pct is not null and coalesce(v.usable_capacity_kwh, v.battery_capacity_kwh) > 0 as has_charge,
			       greatest(0, (s.soc_pct - ${reserveSocPct}) / 100.0 * coalesce(v.usable_capacity_kwh, v.battery_capacity_kwh)) as available_kwh,
			       energy.needed_kwh, energy.charge_stop
			from active_routes_status r
			join vehicles v on v.id = r.vehicle_id
			left join vehicle_live_state s on s.vehicle_id = r.vehicle_id
			left join lateral (
				-- legs of the route: straight lines between consecutive waypoints; the part ahead starts at the vehicle
				select sum(leg.ahead_km) filter (where stop.sequence is null or leg.sequence <= stop.sequence) as ahead_km,
				       sum(leg.km) as total_km,
				       min(stop.sequence) as charge_stop,
				       case
				         when sum(leg.ahead_km) filter (where stop.sequence is null or leg.sequence <= stop.sequence) is null then null
				         when rt.planned_energy_kwh > 0 and sum(leg.km) > 0
				           then rt.planned_energy_kwh * sum(leg.ahead_km) filter (where stop.sequence is null or leg.sequence <= stop.sequence) / sum(leg.km)
				         else ${fallbackKwhPerLineKm} * sum(leg.ahead_km) filter (where stop.sequence is null or leg.sequence <= stop.sequence)
				       end as needed_kwh
				from routes rt
				cross join lateral (
					select w.sequence,
					       -- the whole leg, waypoint to waypoint (the route's length)
					       st_distance(lag(w.location) over (order by w.sequence), w.location, false) / 1000.0 as km,
					       -- what is left of it: from the vehicle for the leg it is on, whole legs after that
					       case
					         when w.sequence < r.next_waypoint_sequence then null
					         when w.sequence = r.next_waypoint_sequence and s.location is not null then st_distance(s.location, w.location, false) / 1000.0
					         else st_distance(lag(w.location) over (order by w.sequence), w.location, false) / 1000.0
					       end as ahead_km
					from route_waypoints w
					where w.route_id = r.route_id
				) leg
				left join lateral (
					select w.sequence from route_waypoints w
					where w.route_id = r.route_id and w.charging_station_id is not null
					  and w.sequence >= r.next_waypoint_sequence
					order by w.sequence limit 1
				) stop on true
				where rt.id = r.route_id
				group by rt.planned_energy_kwh
			) energy on true
			where true ${fleet}
		),
		flagged as (
			select a.*, a.has_charge and a.needed_kwh is not null and a.needed_kwh > a.available_kwh as cannot_finish
			from assignments a
		),
		summary as (
			select count(*)::int as in_progress,
			       (count(*) filter (where eta_drift_seconds > ${lateAfterSeconds}))::int as late,
			       (count(*) filter (where cannot_finish))::int as cannot_finish_count
			from flagged
		)
		select now() as at, summary.*, p.*
		from summary
		left join lateral (
			select f.assignment_id, f.route_id, f.route_name, f.vehicle_id, f.vin, f.plate, f.driver_id, f.driver_name,
			       f.actual_start_at, f.planned_end_at, f.waypoints_done, f.waypoints_total,
			       f.next_waypoint_sequence, f.next_waypoint_name, f.next_planned_arrival_at, f.next_distance_m,
			       f.eta_drift_seconds, f.soc_pct, f.last_seen_at,
			       case when f.has_charge then f.available_kwh end as available_kwh,
			       f.needed_kwh, f.charge_stop as next_charge_stop_sequence, f.cannot_finish
			from flagged f
			order by f.cannot_finish desc, f.eta_drift_seconds desc nulls last, f.actual_start_at desc nulls last, f.assignment_id
			limit ${limit}
		) p on true
		order by p.cannot_finish desc, p.eta_drift_seconds desc nulls last, p.actual_start_at desc nulls last, p.assignment_id`;
	} catch (error) {
		// Its view and laterals join routes, waypoints and vehicles in ways Citus does not distribute.
		throw citusRefusal(error, 'The live routes view') ?? error;
	}
	const first = fetched[0];
	if (!first) throw new Error('live routes query returned no summary row');
	return {
		at: first.at,
		summary: {inProgress: first.inProgress, late: first.late, cannotFinish: first.cannotFinishCount},
		rows: fetched
			.filter(row => row.assignmentId !== null)
			.map(({at: _at, inProgress: _i, late: _l, cannotFinishCount: _c, ...row}) => ({...row, assignmentId: row.assignmentId!})),
	};
}
