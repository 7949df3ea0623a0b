// Contradictions a person would see in the demo's console at once: each query counts rows where two tables tell
// different stories about one vehicle at `at` (the seed's anchor, or now() after the simulator ran). All should be 0.
import type {Sql} from '../../source/db/connection.js';

const contradictionQueries: Record<string, string> = {
	// a route running while its vehicle is plugged in at its own depot
	inProgressWhileDepotCharging: `
		select count(*) from route_assignments a
		where a.status = 'in_progress' and exists (
		  select 1 from charging_sessions s join charging_connectors c on c.id = s.connector_id join charging_stations st on st.id = c.station_id
		  where s.vehicle_id = a.vehicle_id and s.status = 'active' and st.organization_id is not null)`,
	// in progress but not running: not started yet, already ended, or every waypoint reached
	inProgressNotRunning: `
		select count(*) from route_assignments a
		where a.status = 'in_progress' and (a.actual_start_at > $1 or a.actual_end_at is not null
		  or (select count(*) from route_progress p where p.assignment_id = a.id) >= (select count(*) from route_waypoints w where w.route_id = a.route_id))`,
	// in progress while its vehicle has stood still for 90 minutes and more (home for the night: the longest stop is an hour)
	inProgressWhileParkedForLong: `
		select count(*) from route_assignments a
		join vehicle_live_state l on l.vehicle_id = a.vehicle_id
		where a.status = 'in_progress' and exists (
		  select 1 from vehicle_telematics t
		  where t.vehicle_id = a.vehicle_id and t.recorded_at >= a.actual_start_at and t.recorded_at <= l.recorded_at - interval '90 minutes'
		    and t.odometer_km = l.odometer_km and t.speed_kmh = 0 and l.speed_kmh = 0)`,
	// completed: ended by now, every waypoint reached, all within its start and end
	completedNotDone: `
		select count(*) from route_assignments a
		where a.status = 'completed' and (a.actual_end_at is null or a.actual_end_at > $1 or a.actual_start_at is null
		  or (select count(*) from route_progress p where p.assignment_id = a.id) <> (select count(*) from route_waypoints w where w.route_id = a.route_id)
		  or exists (select 1 from route_progress p where p.assignment_id = a.id and (p.arrived_at < a.actual_start_at or p.arrived_at > a.actual_end_at)))`,
	// scheduled: in the future, not started, no waypoint reached
	scheduledButStarted: `
		select count(*) from route_assignments a
		where a.status = 'scheduled' and (a.planned_start_at <= $1 or a.actual_start_at is not null
		  or exists (select 1 from route_progress p where p.assignment_id = a.id))`,
	progressInTheFuture: `select count(*) from route_progress where arrived_at > $1 or departed_at > $1`,
	// a route vehicle driving (speed > 0) at a time none of its assignments covers, since its first one started
	drivingOffRoute: `
		select count(*) from vehicle_telematics t
		where t.speed_kmh > 0 and t.recorded_at <= $1
		  and t.recorded_at >= (select min(a.actual_start_at) from route_assignments a where a.vehicle_id = t.vehicle_id)
		  and not exists (select 1 from route_assignments a where a.vehicle_id = t.vehicle_id and a.status in ('in_progress', 'completed')
		                  and t.recorded_at between a.actual_start_at and coalesce(a.actual_end_at, $1))`,
	// reports while the vehicle stops at a waypoint (between arrival and departure) that drive or are away from it
	reportsAwayFromWaypointStop: `
		select count(*) from route_progress p
		join route_assignments a on a.id = p.assignment_id
		join route_waypoints w on w.id = p.waypoint_id
		join vehicle_telematics t on t.vehicle_id = a.vehicle_id and t.recorded_at > p.arrived_at and t.recorded_at < coalesce(p.departed_at, $1)
		where t.speed_kmh > 0 or st_distance(t.location, w.location) > 50`,
	// a route vehicle that did not move during a completed assignment
	completedWithoutDriving: `
		select count(*) from route_assignments a
		where a.status = 'completed' and not exists (
		  select 1 from vehicle_telematics t where t.vehicle_id = a.vehicle_id and t.speed_kmh > 0 and t.recorded_at between a.actual_start_at and a.actual_end_at)`,
	// an open charging session for a vehicle whose newest report says it drives
	chargingWhileDriving: `
		select count(*) from charging_sessions s join vehicle_live_state l on l.vehicle_id = s.vehicle_id
		where s.status = 'active' and l.speed_kmh > 0
		  -- a report made while the session ran: the tick a vehicle rolls onto the connector reports its last metres,
		  -- and the session starts after that report
		  and l.recorded_at >= s.started_at`,
	// the newest report (of a vehicle that reported in the last 10 minutes) and the sessions disagree about charging
	reportsChargingWithoutSession: `
		select count(*) from vehicle_live_state l
		where l.recorded_at > $1::timestamptz - interval '10 minutes' and l.power_kw < 0
		  and not exists (select 1 from charging_sessions s where s.vehicle_id = l.vehicle_id and s.status = 'active')`,
	sessionWithoutChargingReport: `
		select count(*) from charging_sessions s join vehicle_live_state l on l.vehicle_id = s.vehicle_id
		where s.status = 'active' and l.recorded_at > s.started_at and l.recorded_at > $1::timestamptz - interval '10 minutes' and l.power_kw >= 0
		  and not (s.is_v2g and l.recorded_at < s.started_at + interval '1 hour')`,
	vehicleStatusVersusSessions: `
		select count(*) from vehicles v
		where (v.status = 'charging') <> exists (select 1 from charging_sessions s where s.vehicle_id = v.id and s.status = 'active')
		  and v.status not in ('retired', 'maintenance')`,
	// consecutive reports (at most 30 minutes apart) of a driving vehicle whose SoC rose
	socRisingWhileDriving: `
		select count(*) from (
		  select speed_kmh, soc_pct, recorded_at, lag(speed_kmh) over w as prev_speed, lag(soc_pct) over w as prev_soc, lag(recorded_at) over w as prev_at
		  from vehicle_telematics window w as (partition by vehicle_id order by recorded_at)) t
		where t.speed_kmh > 0 and t.prev_speed > 0 and t.soc_pct > t.prev_soc + 0.05 and t.recorded_at - t.prev_at <= interval '30 minutes'`,
	// reports inside a session's time that do not charge, and charging reports outside every session (the session window)
	chargingReportOutsideSession: `
		select count(*) from vehicle_telematics t
		where t.power_kw < 0 and t.recorded_at >= (select min(started_at) from charging_sessions) and t.recorded_at <= $1
		  and not exists (select 1 from charging_sessions s where s.vehicle_id = t.vehicle_id and t.recorded_at between s.started_at and coalesce(s.ended_at, $1))`,
	sessionReportNotCharging: `
		select count(*) from vehicle_telematics t join charging_sessions s on s.vehicle_id = t.vehicle_id
		where t.recorded_at > s.started_at and t.recorded_at < coalesce(s.ended_at, $1) and t.power_kw >= 0
		  and not (s.is_v2g and t.recorded_at < s.started_at + interval '1 hour')`,
};

/** Each kind of contradiction and how many rows show it at `at`. */
export async function countContradictions(sql: Sql, at: Date): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const [name, query] of Object.entries(contradictionQueries)) {
		const [row] = (await sql.unsafe(`select (${query})::int as n`, [at] as never[])) as unknown as [{n: number}];
		counts[name] = row.n;
	}
	return counts;
}
