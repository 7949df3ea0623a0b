-- evfleet charging: stations, connectors, sessions (V2G aware), monthly-partitioned session meter values, active_charging_sessions, nearest-connector search.
-- Needs: schema.sql and fleet_schema.sql (organizations, vehicles, tenant RLS helpers, create_monthly_partitions).

-- Charging stations: owned by an organization, or public (organization_id null, run by operator_name)
create table if not exists charging_stations (
  id uuid not null default gen_random_uuid(),
  organization_id uuid,
  operator_name text,
  name text not null,
  address text,
  city text,
  country_code text,
  location geography(Point, 4326) not null,
  status text not null default 'active',
  operating_hours jsonb not null default '{}',
  amenities jsonb not null default '{}',
  last_heartbeat_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint charging_stations_pkey primary key (id),
  constraint charging_stations_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint charging_stations_name_not_blank check (btrim(name) <> ''),
  constraint charging_stations_owner_known check (organization_id is not null or operator_name is not null),
  constraint charging_stations_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  constraint charging_stations_status_valid check (status in ('active', 'maintenance', 'offline', 'decommissioned')),
  constraint charging_stations_operating_hours_object check (jsonb_typeof(operating_hours) = 'object'),
  constraint charging_stations_amenities_object check (jsonb_typeof(amenities) = 'object')
);
create index if not exists charging_stations_location_gist on charging_stations using gist (location);
create index if not exists charging_stations_organization_id on charging_stations (organization_id);
-- Live charging: the stalest heartbeats first (order by last_heartbeat_at nulls first limit N, a range scan
-- instead of reading every station), and the station / stale counts as an index-only scan of this narrow
-- index instead of the wide heap (large seed, 50 000 stations: 1 589 -> 138 buffers). Costs HOT on heartbeat
-- updates (an indexed column changes): one more index entry per heartbeat.
create index if not exists charging_stations_heartbeat on charging_stations (last_heartbeat_at nulls first)
  where status <> 'decommissioned';
create or replace trigger charging_stations_set_updated_at before update on charging_stations
  for each row execute function set_updated_at();

-- Connectors of a station (organization_id follows the station; set by trigger)
create table if not exists charging_connectors (
  id uuid not null default gen_random_uuid(),
  station_id uuid not null,
  organization_id uuid,
  connector_number integer not null,
  connector_type text not null,
  current_type text not null default 'DC',
  max_power_kw double precision not null,
  price_per_kwh numeric(10, 4) not null default 0,
  price_per_minute numeric(10, 4) not null default 0,
  currency text not null default 'EUR',
  supports_v2g boolean not null default false,
  status text not null default 'available',
  status_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint charging_connectors_pkey primary key (id),
  constraint charging_connectors_station_fk foreign key (station_id) references charging_stations (id) on delete cascade,
  constraint charging_connectors_number_unique unique (station_id, connector_number),
  constraint charging_connectors_number_positive check (connector_number > 0),
  constraint charging_connectors_type_valid check (connector_type in ('CCS1', 'CCS2', 'CHAdeMO', 'Type1', 'Type2', 'GB/T', 'NACS', 'MCS')),
  constraint charging_connectors_current_type_valid check (current_type in ('AC', 'DC')),
  constraint charging_connectors_max_power_range check (max_power_kw > 0 and max_power_kw <= 3750),
  constraint charging_connectors_price_per_kwh_range check (price_per_kwh >= 0),
  constraint charging_connectors_price_per_minute_range check (price_per_minute >= 0),
  constraint charging_connectors_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint charging_connectors_status_valid check (status in ('available', 'occupied', 'reserved', 'faulted', 'offline'))
);
-- Hot path of the nearest-connector search: available connectors of one station, index-only.
create index if not exists charging_connectors_available on charging_connectors (station_id, connector_type)
  include (connector_number, max_power_kw, price_per_kwh, price_per_minute, currency) where status = 'available';
create index if not exists charging_connectors_organization_id on charging_connectors (organization_id);
-- Connector counts by status: per station (the live board, "stations with a connector in status X") and over
-- all connectors, index-only instead of the heap (large seed: 2 841 -> 466 buffers). Status is already in
-- charging_connectors_available's predicate, so status changes were not HOT before either.
create index if not exists charging_connectors_station_status on charging_connectors (station_id, status);
-- The connectors that are not available (a few percent): counted and listed from this small index instead of
-- aggregating every connector (large seed: 9 758 entries, 41 buffers, 1.7 ms vs ~25-35 ms over all 153 647).
-- liveCharging's connector_stats reads it, and counts the available ones as the rest of all connectors.
create index if not exists charging_connectors_not_available on charging_connectors (status, station_id)
  where status <> 'available';
create or replace trigger charging_connectors_set_updated_at before update on charging_connectors
  for each row execute function set_updated_at();

create or replace function charging_connectors_before_write() returns trigger
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
begin
  if tg_op = 'INSERT' or new.station_id is distinct from old.station_id then
    select s.organization_id into new.organization_id from charging_stations s where s.id = new.station_id;
    if not found then
      raise exception 'charging_connectors: no charging station % visible to this session', new.station_id
        using errcode = 'foreign_key_violation', table = 'charging_connectors';
    end if;
  end if;
  if tg_op = 'UPDATE' and new.status is distinct from old.status then
    new.status_changed_at := now();
  end if;
  return new;
end
$$;
create or replace trigger charging_connectors_before_write before insert or update on charging_connectors
  for each row execute function charging_connectors_before_write();

-- A station that changes hands takes its connectors along; it may not become private to one organization while
-- another organization's sessions or route waypoints use it (they would then point into a foreign tenant).
create or replace function charging_stations_after_owner_change() returns trigger
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
begin
  if new.organization_id is not null and (
       exists (select 1 from charging_sessions cs join charging_connectors c on c.id = cs.connector_id
               where c.station_id = new.id and cs.organization_id <> new.organization_id)
       or exists (select 1 from route_waypoints w where w.charging_station_id = new.id and w.organization_id <> new.organization_id)) then
    raise exception 'charging station % is used by another organization''s sessions or routes: it cannot become private to %', new.id, new.organization_id
      using errcode = 'foreign_key_violation', table = 'charging_stations';
  end if;
  update charging_connectors set organization_id = new.organization_id where station_id = new.id;
  return null;
end
$$;

-- The public-or-same-organization rule for rows that name a station or connector (sessions, route waypoints):
-- public stations (organization_id null) are shared, another organization's private one is not. The lookup runs
-- under the writer's row-level security, so a station it cannot see is refused like a foreign one.
create or replace function evfleet_check_station_reference() returns trigger
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  owner uuid;
  ref uuid;
begin
  -- On Citus the trigger fires on a shard, named charging_sessions_<shard id>.
  if tg_table_name ~ '^charging_sessions(_[0-9]+)?$' then
    ref := new.connector_id;
    select c.organization_id into owner from charging_connectors c where c.id = ref;
  else
    ref := new.charging_station_id;
    if ref is null then
      return new;
    end if;
    select s.organization_id into owner from charging_stations s where s.id = ref;
  end if;
  if not found or (owner is not null and owner is distinct from new.organization_id) then
    raise exception '%: % is another organization''s private charging station (or not visible to this session)', tg_table_name, ref
      using errcode = 'foreign_key_violation', table = tg_table_name,
            hint = 'use a public station or one of organization ' || new.organization_id;
  end if;
  return new;
end
$$;

-- Charging sessions: a vehicle on a connector; never two at once on one connector, nor for one vehicle
create table if not exists charging_sessions (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  vehicle_id uuid not null,
  connector_id uuid not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  energy_kwh double precision not null default 0,
  energy_to_grid_kwh double precision not null default 0,
  cost numeric(12, 2),
  currency text not null default 'EUR',
  start_soc_pct real,
  end_soc_pct real,
  target_soc_pct real,
  is_v2g boolean not null default false,
  status text not null default 'active',
  stop_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint charging_sessions_pkey primary key (id, organization_id),
  constraint charging_sessions_organization_id_id_unique unique (organization_id, id),
  constraint charging_sessions_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint charging_sessions_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id),
  constraint charging_sessions_connector_fk foreign key (connector_id) references charging_connectors (id),
  constraint charging_sessions_status_valid check (status in ('pending', 'active', 'completed', 'failed', 'cancelled')),
  constraint charging_sessions_time_order check (ended_at is null or ended_at >= started_at),
  constraint charging_sessions_active_not_ended check (status not in ('pending', 'active') or ended_at is null),
  constraint charging_sessions_completed_ended check (status <> 'completed' or ended_at is not null),
  constraint charging_sessions_energy_range check (energy_kwh >= 0 and energy_to_grid_kwh >= 0),
  constraint charging_sessions_v2g_energy check (is_v2g or energy_to_grid_kwh = 0),
  constraint charging_sessions_cost_range check (cost >= 0),
  constraint charging_sessions_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint charging_sessions_start_soc_range check (start_soc_pct between 0 and 100),
  constraint charging_sessions_end_soc_range check (end_soc_pct between 0 and 100),
  constraint charging_sessions_target_soc_range check (target_soc_pct between 0 and 100),
  -- an open session (ended_at null) occupies its connector and vehicle until it ends
  constraint charging_sessions_connector_no_overlap exclude using gist (connector_id with =, tstzrange(started_at, ended_at) with &&)
    where (status in ('pending', 'active', 'completed')),
  constraint charging_sessions_vehicle_no_overlap exclude using gist (vehicle_id with =, tstzrange(started_at, ended_at) with &&)
    where (status in ('pending', 'active', 'completed'))
);
create index if not exists charging_sessions_active on charging_sessions (organization_id, started_at)
  include (vehicle_id, connector_id) where status = 'active';
create index if not exists charging_sessions_vehicle_started on charging_sessions (vehicle_id, started_at desc);
create index if not exists charging_sessions_connector_started on charging_sessions (connector_id, started_at desc);
create or replace trigger charging_sessions_set_updated_at before update on charging_sessions
  for each row execute function set_updated_at();
create or replace trigger charging_sessions_station_reference before insert or update of connector_id, organization_id on charging_sessions
  for each row execute function evfleet_check_station_reference();
create or replace trigger charging_stations_owner_change after update of organization_id on charging_stations
  for each row when (new.organization_id is distinct from old.organization_id) execute function charging_stations_after_owner_change();
select evfleet_ensure_foreign_key('charging_sessions', 'charging_sessions_organization_fk',
  'foreign key (organization_id) references organizations (id) on delete cascade');

-- Meter values of sessions, monthly partitions on recorded_at (power and energy are magnitudes; direction says which way)
create table if not exists charging_session_metrics (
  session_id uuid not null,
  organization_id uuid not null,
  recorded_at timestamptz not null,
  direction text not null default 'from_grid',
  power_kw double precision,
  energy_kwh double precision,
  soc_pct real,
  voltage_v real,
  current_a real,
  temperature_c real,
  constraint charging_session_metrics_pkey primary key (session_id, recorded_at, organization_id),
  constraint charging_session_metrics_session_fk foreign key (organization_id, session_id)
    references charging_sessions (organization_id, id) on delete cascade,
  constraint charging_session_metrics_direction_valid check (direction in ('from_grid', 'to_grid')),
  constraint charging_session_metrics_power_range check (power_kw between 0 and 3750),
  constraint charging_session_metrics_energy_range check (energy_kwh >= 0),
  constraint charging_session_metrics_soc_range check (soc_pct between 0 and 100),
  constraint charging_session_metrics_voltage_range check (voltage_v between 0 and 1500),
  constraint charging_session_metrics_current_range check (current_a between 0 and 3000),
  constraint charging_session_metrics_temperature_range check (temperature_c between -60 and 150)
) partition by range (recorded_at);
create index if not exists charging_session_metrics_recorded_at_brin on charging_session_metrics using brin (recorded_at);
create table if not exists charging_session_metrics_default partition of charging_session_metrics default;

-- Sessions in progress with their latest meter value (partial index on active sessions, one PK probe each)
create or replace view active_charging_sessions with (security_invoker = true) as
select
  cs.id as session_id,
  cs.organization_id,
  cs.vehicle_id,
  v.vin,
  v.plate,
  v.fleet_id,
  c.station_id,
  st.name as station_name,
  cs.connector_id,
  c.connector_number,
  c.connector_type,
  cs.started_at,
  date_part('epoch', now() - cs.started_at) as elapsed_seconds,
  coalesce(m.energy_kwh, cs.energy_kwh) as energy_kwh,
  coalesce(m.power_kw, 0) as current_power_kw,
  coalesce(m.direction, 'from_grid') as direction,
  coalesce(m.soc_pct, cs.start_soc_pct) as soc_pct,
  cs.start_soc_pct,
  cs.target_soc_pct,
  cs.is_v2g,
  m.recorded_at as last_meter_at
from charging_sessions cs
-- joined on organization_id too (the composite keys say it is the same): on Citus that keeps each join on one shard
join vehicles v on v.id = cs.vehicle_id and v.organization_id = cs.organization_id
left join charging_connectors c on c.id = cs.connector_id
left join charging_stations st on st.id = c.station_id
left join lateral (
  select m.recorded_at, m.direction, m.power_kw, m.energy_kwh, m.soc_pct
  from charging_session_metrics m
  where m.session_id = cs.id and m.organization_id = cs.organization_id and m.recorded_at >= cs.started_at
  order by m.recorded_at desc
  limit 1
) m on true
where cs.status = 'active';

-- Availability per station (connectors total and available)
create or replace view charging_station_availability with (security_invoker = true) as
select
  s.id as station_id,
  s.organization_id,
  s.operator_name,
  s.name,
  s.status,
  s.location,
  st_x(s.location::geometry) as longitude,
  st_y(s.location::geometry) as latitude,
  s.last_heartbeat_at,
  count(c.id)::integer as connectors_total,
  (count(c.id) filter (where c.status = 'available'))::integer as connectors_available,
  max(c.max_power_kw) filter (where c.status = 'available') as max_available_power_kw
from charging_stations s
left join charging_connectors c on c.station_id = s.id
group by s.id;

-- Nearest available connectors of type of_type (null: any) within radius_km of a point, nearest first
-- The inner query walks charging_stations_location_gist in distance order (KNN <->) and stops after max_results
-- stations that have a matching connector; only their connectors are then sorted. The radius is applied to those
-- nearest stations afterwards, which gives the same answer (a station inside the radius is nearer than any outside):
-- as an ST_DWithin filter inside the walk, PostGIS estimates it at a handful of stations in a city of thousands,
-- and the planner then scanned and sorted every station (50 000 stations in one region: p95 285-425 ms, median
-- 0.3-0.5 ms; walk without it: p95 0.9-1.1 ms, the same rows). The planner also underestimates how early a KNN scan
-- stops and would otherwise pick a bitmap scan of every station plus a sort, hence enable_bitmapscan = off; and
-- JIT (on above a cost this query reaches with a bad estimate) compiled for ~285 ms to save nothing: jit = off.
-- The walk is the right plan whatever the point, type or radius, so plpgsql's cached generic plan is used from the
-- first call (plan_cache_mode): otherwise it planned every call afresh (200 points, server side: median 0.35 ms
-- planned per call, 0.14-0.16 ms with the generic plan; p95 0.42 -> 0.18-0.21 ms).
-- Distances are on the sphere (the metric of <->; within 0.5% of the spheroid). RLS applies (security invoker).
create or replace function nearest_available_connectors(
  lon double precision, lat double precision, of_type text default null,
  radius_km double precision default 50, max_results integer default 5)
returns table (station_id uuid, station_name text, station_organization_id uuid, operator_name text,
               connector_id uuid, connector_number integer, connector_type text, max_power_kw double precision,
               price_per_kwh numeric, price_per_minute numeric, currency text,
               distance_m double precision, longitude double precision, latitude double precision)
language plpgsql stable set enable_bitmapscan = off set jit = off set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
declare
  origin geography := st_setsrid(st_makepoint(lon, lat), 4326)::geography;
  wanted text := of_type;
begin
  -- A type no available connector has would make the walk visit every station (200-400 ms among 50 000) to
  -- find nothing; one pass over the available connectors' index says so first (it stops at the first match).
  if wanted is not null and not exists (
    select 1 from charging_connectors k where k.status = 'available' and k.connector_type = wanted) then
    return;
  end if;
  return query
  select s.id, s.name, s.organization_id, s.operator_name,
         c.id, c.connector_number, c.connector_type, c.max_power_kw,
         c.price_per_kwh, c.price_per_minute, c.currency,
         s.distance_m, st_x(s.location::geometry), st_y(s.location::geometry)
  from (
    select st.id, st.name, st.organization_id, st.operator_name, st.location, st.location <-> origin as distance_m
    from charging_stations st
    where st.status = 'active'
      and exists (
        select 1 from charging_connectors k
        where k.station_id = st.id and k.status = 'available' and (wanted is null or k.connector_type = wanted))
    order by st.location <-> origin
    limit max_results
  ) s
  join charging_connectors c on c.station_id = s.id and c.status = 'available' and (wanted is null or c.connector_type = wanted)
  where s.distance_m <= radius_km * 1000
  order by s.distance_m, c.connector_number
  limit max_results;
end
$$;

-- tenant keys include organization_id (stations and connectors are shared: keyed by id alone)
select evfleet_ensure_primary_key('charging_sessions', array['id', 'organization_id']);
select evfleet_ensure_primary_key('charging_session_metrics', array['session_id', 'recorded_at', 'organization_id']);
-- Stations within radius_m metres of a point (spheroid, as ST_DWithin), with the GiST index for every session.
-- ST_DWithin and && are not LEAKPROOF, so under row-level security the planner applies the policy first and cannot
-- use charging_stations_location_gist for them: a tenant's "within 2 km" read every station (KNN <-> is unaffected).
-- This function runs as its owner, so the index is used, and applies the tenant rule itself, as the policies do:
-- public stations, the organization evfleet_tenant_scope gives the calling login (its bindings, its choice), every
-- station for an evfleet_admin login. It returns ids and distances only: join them with charging_stations, whose
-- policies then apply as usual (the console does).
create or replace function charging_stations_within(lon double precision, lat double precision, radius_m double precision)
returns table (station_id uuid, distance_m double precision)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp rows 10
set plan_cache_mode = force_generic_plan as $$
-- rows 10: a radius search finds a few stations; with the default guess of 100 the planner joins the result back to
-- charging_stations by hashing every station the caller may see (a sequential scan growing with the table) instead
-- of one primary-key probe per station found
-- plpgsql keeps the statement's plan for the session (a SQL function re-plans on every call: ~10 ms of PostGIS
-- planning, more than the search); the index scan is the right plan for any point and radius: generic from the start
declare
  origin geography := st_setsrid(st_makepoint(lon, lat), 4326)::geography;
  -- the caller's scope, looked up once per call (not once per station the index returns); read from the view with a
  -- plan kept for the session (evfleet_current_org(), a SQL function, would be parsed and planned on every call)
  org uuid := (select s.organization_id from public.evfleet_tenant_scope s);
  admin boolean := pg_has_role(session_user, 'evfleet_admin', 'usage');
begin
  if radius_m is null or radius_m < 0 or radius_m > 20000000 then
    raise exception 'radius must be between 0 and 20 000 000 m, got %', radius_m using errcode = 'invalid_parameter_value';
  end if;
  return query
  select s.id, st_distance(s.location, origin)
  from charging_stations s
  where st_dwithin(s.location, origin, radius_m)
    and (s.organization_id is null or s.organization_id = org or admin);
end
$$;

-- Row-level security on this file's tenant tables (public stations and their connectors are readable by every tenant)
select evfleet_enable_tenant_rls('charging_stations', shared_when_null => true);
select evfleet_enable_tenant_rls('charging_connectors', shared_when_null => true);
select evfleet_enable_tenant_rls('charging_sessions');
select evfleet_enable_tenant_rls('charging_session_metrics');
select evfleet_copy_tenant_rls('charging_session_metrics', 'charging_session_metrics_default');

-- Partitions for the current month and three ahead
select count(*) as partitions_created from create_monthly_partitions('charging_session_metrics');

select evfleet_apply_grants();
