-- evfleet routes: routes, waypoints (optional charging stops), assignments to vehicles and drivers, progress, optimization history, active_routes_status.
-- Needs: schema.sql, fleet_schema.sql and charging_schema.sql (users, vehicles, charging_stations, charging_sessions, tenant RLS helpers).

-- Routes (a plan, reusable across assignments)
create table if not exists routes (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  fleet_id uuid,
  name text not null,
  description text,
  planned_distance_km double precision,
  planned_duration_min double precision,
  planned_energy_kwh double precision,
  status text not null default 'draft',
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint routes_pkey primary key (id, organization_id),
  constraint routes_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint routes_fleet_fk foreign key (organization_id, fleet_id) references fleets (organization_id, id),
  constraint routes_created_by_fk foreign key (organization_id, created_by) references users (organization_id, id),
  constraint routes_organization_id_id_unique unique (organization_id, id),
  constraint routes_name_not_blank check (btrim(name) <> ''),
  constraint routes_planned_distance_range check (planned_distance_km >= 0),
  constraint routes_planned_duration_range check (planned_duration_min >= 0),
  constraint routes_planned_energy_range check (planned_energy_kwh >= 0),
  constraint routes_status_valid check (status in ('draft', 'planned', 'active', 'completed', 'archived'))
);
create index if not exists routes_organization_status on routes (organization_id, status);
create index if not exists routes_fleet_id on routes (fleet_id) where fleet_id is not null;
create index if not exists routes_created_by on routes (created_by) where created_by is not null;
create or replace trigger routes_set_updated_at before update on routes
  for each row execute function set_updated_at();

-- Waypoints of a route, in sequence; a waypoint may be a planned charging stop
create table if not exists route_waypoints (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  route_id uuid not null,
  sequence integer not null,
  name text,
  location geography(Point, 4326) not null,
  planned_arrival_at timestamptz,
  planned_dwell_min double precision not null default 0,
  charging_station_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint route_waypoints_pkey primary key (id, organization_id),
  constraint route_waypoints_route_fk foreign key (organization_id, route_id) references routes (organization_id, id) on delete cascade,
  constraint route_waypoints_charging_station_fk foreign key (charging_station_id) references charging_stations (id) on delete set null,
  constraint route_waypoints_organization_id_id_unique unique (organization_id, id),
  constraint route_waypoints_sequence_unique unique (route_id, sequence, organization_id),
  constraint route_waypoints_sequence_positive check (sequence > 0),
  constraint route_waypoints_planned_dwell_range check (planned_dwell_min >= 0)
);
create index if not exists route_waypoints_location_gist on route_waypoints using gist (location);
create index if not exists route_waypoints_charging_station_id on route_waypoints (charging_station_id) where charging_station_id is not null;
create or replace trigger route_waypoints_set_updated_at before update on route_waypoints
  for each row execute function set_updated_at();
create or replace trigger route_waypoints_station_reference before insert or update of charging_station_id, organization_id on route_waypoints
  for each row execute function evfleet_check_station_reference();

-- A route driven by one vehicle (and driver) at a time
create table if not exists route_assignments (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  route_id uuid not null,
  vehicle_id uuid not null,
  driver_id uuid,
  planned_start_at timestamptz not null,
  planned_end_at timestamptz,
  actual_start_at timestamptz,
  actual_end_at timestamptz,
  status text not null default 'scheduled',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint route_assignments_pkey primary key (id, organization_id),
  constraint route_assignments_route_fk foreign key (organization_id, route_id) references routes (organization_id, id) on delete cascade,
  constraint route_assignments_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id),
  constraint route_assignments_driver_fk foreign key (organization_id, driver_id) references users (organization_id, id),
  constraint route_assignments_organization_id_id_unique unique (organization_id, id),
  constraint route_assignments_status_valid check (status in ('scheduled', 'in_progress', 'completed', 'cancelled')),
  constraint route_assignments_planned_order check (planned_end_at is null or planned_end_at >= planned_start_at),
  constraint route_assignments_actual_order check (actual_end_at is null or actual_end_at >= actual_start_at),
  constraint route_assignments_started_when_in_progress check (status <> 'in_progress' or actual_start_at is not null)
);
create index if not exists route_assignments_in_progress on route_assignments (organization_id)
  include (route_id, vehicle_id, driver_id, actual_start_at) where status = 'in_progress';
create index if not exists route_assignments_route_id on route_assignments (route_id);
create index if not exists route_assignments_vehicle_planned on route_assignments (vehicle_id, planned_start_at desc);
create index if not exists route_assignments_driver_id on route_assignments (driver_id) where driver_id is not null;
create or replace trigger route_assignments_set_updated_at before update on route_assignments
  for each row execute function set_updated_at();

-- Progress of an assignment: one row per waypoint reached
create table if not exists route_progress (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  assignment_id uuid not null,
  waypoint_id uuid not null,
  arrived_at timestamptz not null,
  departed_at timestamptz,
  soc_on_arrival_pct real,
  soc_on_departure_pct real,
  charging_session_id uuid,
  notes text,
  created_at timestamptz not null default now(),
  constraint route_progress_pkey primary key (id, organization_id),
  constraint route_progress_assignment_fk foreign key (organization_id, assignment_id) references route_assignments (organization_id, id) on delete cascade,
  constraint route_progress_waypoint_fk foreign key (organization_id, waypoint_id) references route_waypoints (organization_id, id) on delete cascade,
  constraint route_progress_charging_session_fk foreign key (organization_id, charging_session_id) references charging_sessions (organization_id, id),
  constraint route_progress_waypoint_unique unique (assignment_id, waypoint_id, organization_id),
  constraint route_progress_time_order check (departed_at is null or departed_at >= arrived_at),
  constraint route_progress_soc_on_arrival_range check (soc_on_arrival_pct between 0 and 100),
  constraint route_progress_soc_on_departure_range check (soc_on_departure_pct between 0 and 100)
);
create index if not exists route_progress_waypoint_id on route_progress (waypoint_id);
create index if not exists route_progress_assignment_id on route_progress (assignment_id);
create index if not exists route_progress_charging_session_id on route_progress (charging_session_id) where charging_session_id is not null;

-- What each optimization run changed
create table if not exists route_optimization_history (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  route_id uuid not null,
  algorithm text not null,
  input jsonb not null default '{}',
  output jsonb not null default '{}',
  distance_saved_km double precision,
  energy_saved_kwh double precision,
  duration_ms integer,
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint route_optimization_history_pkey primary key (id, organization_id),
  constraint route_optimization_history_route_fk foreign key (organization_id, route_id) references routes (organization_id, id) on delete cascade,
  constraint route_optimization_history_created_by_fk foreign key (organization_id, created_by) references users (organization_id, id),
  constraint route_optimization_history_algorithm_not_blank check (btrim(algorithm) <> ''),
  constraint route_optimization_history_duration_range check (duration_ms >= 0)
);
create index if not exists route_optimization_history_route_created on route_optimization_history (route_id, created_at desc);
create index if not exists route_optimization_history_created_by on route_optimization_history (created_by) where created_by is not null;

-- Assignments in progress: waypoints done / total, next waypoint, ETA drift
-- eta_drift_seconds > 0 means late: the lateness at the last reached waypoint (arrived - planned), or, when the
-- next waypoint's planned arrival has already passed, how long ago that was, whichever is larger.
create or replace view active_routes_status with (security_invoker = true) as
select
  a.id as assignment_id,
  a.organization_id,
  a.route_id,
  r.name as route_name,
  a.vehicle_id,
  v.vin,
  v.plate,
  a.driver_id,
  u.full_name as driver_name,
  a.status,
  a.planned_start_at,
  a.actual_start_at,
  a.planned_end_at,
  wp.total as waypoints_total,
  coalesce(done.count, 0) as waypoints_done,
  nxt.id as next_waypoint_id,
  nxt.sequence as next_waypoint_sequence,
  nxt.name as next_waypoint_name,
  nxt.planned_arrival_at as next_planned_arrival_at,
  st_x(nxt.location::geometry) as next_longitude,
  st_y(nxt.location::geometry) as next_latitude,
  done.last_arrived_at,
  greatest(
    done.last_lateness_seconds,
    extract(epoch from now() - nxt.planned_arrival_at)
  )::double precision as eta_drift_seconds
from route_assignments a
join routes r on r.id = a.route_id
join vehicles v on v.id = a.vehicle_id
left join users u on u.id = a.driver_id
cross join lateral (
  select count(*)::integer as total from route_waypoints w where w.route_id = a.route_id
) wp
left join lateral (
  select count(*)::integer as count,
         max(p.arrived_at) as last_arrived_at,
         (array_agg(extract(epoch from p.arrived_at - w.planned_arrival_at) order by w.sequence desc))[1] as last_lateness_seconds
  from route_progress p
  join route_waypoints w on w.id = p.waypoint_id
  where p.assignment_id = a.id
) done on true
left join lateral (
  select w.id, w.sequence, w.name, w.planned_arrival_at, w.location
  from route_waypoints w
  where w.route_id = a.route_id
    and not exists (select 1 from route_progress p where p.assignment_id = a.id and p.waypoint_id = w.id)
  order by w.sequence
  limit 1
) nxt on true
where a.status = 'in_progress';

-- tenant keys include organization_id (id first: lookups by id stay one index probe)
select evfleet_ensure_primary_key('routes', array['id', 'organization_id']);
select evfleet_ensure_primary_key('route_waypoints', array['id', 'organization_id']);
select evfleet_ensure_primary_key('route_assignments', array['id', 'organization_id']);
select evfleet_ensure_primary_key('route_progress', array['id', 'organization_id']);
select evfleet_ensure_primary_key('route_optimization_history', array['id', 'organization_id']);
select evfleet_ensure_unique('route_waypoints', 'route_waypoints_sequence_unique', array['route_id', 'sequence', 'organization_id']);
select evfleet_ensure_unique('route_progress', 'route_progress_waypoint_unique', array['assignment_id', 'waypoint_id', 'organization_id']);

-- Row-level security on this file's tenant tables
select evfleet_enable_tenant_rls('routes');
select evfleet_enable_tenant_rls('route_waypoints');
select evfleet_enable_tenant_rls('route_assignments');
select evfleet_enable_tenant_rls('route_progress');
select evfleet_enable_tenant_rls('route_optimization_history');

select evfleet_apply_grants();
