-- evfleet battery and energy: battery health reports, monthly-partitioned energy consumption, V2G transactions, analytics materialized views and their refresh functions.
-- Needs: schema.sql, fleet_schema.sql and charging_schema.sql (vehicles, charging_sessions, matview_refresh_log, tenant RLS helpers, create_monthly_partitions).

-- Battery health reports (diagnostics per vehicle)
create table if not exists battery_health_reports (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  vehicle_id uuid not null,
  reported_at timestamptz not null,
  soh_pct real not null,
  capacity_measured_kwh double precision,
  cycle_count integer,
  internal_resistance_mohm real,
  cell_voltage_min_v real,
  cell_voltage_max_v real,
  cell_voltage_spread_mv real,
  temp_min_c real,
  temp_max_c real,
  temp_avg_c real,
  source text not null default 'bms',
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint battery_health_reports_pkey primary key (id, organization_id),
  constraint battery_health_reports_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id) on delete cascade,
  constraint battery_health_reports_vehicle_time_unique unique (vehicle_id, reported_at, organization_id),
  constraint battery_health_reports_soh_range check (soh_pct between 0 and 100),
  constraint battery_health_reports_capacity_range check (capacity_measured_kwh > 0 and capacity_measured_kwh <= 1500),
  constraint battery_health_reports_cycle_count_range check (cycle_count >= 0),
  constraint battery_health_reports_internal_resistance_range check (internal_resistance_mohm >= 0),
  constraint battery_health_reports_cell_voltage_range check (cell_voltage_min_v between 0 and 10 and cell_voltage_max_v between 0 and 10 and cell_voltage_min_v <= cell_voltage_max_v),
  constraint battery_health_reports_cell_spread_range check (cell_voltage_spread_mv >= 0),
  constraint battery_health_reports_temp_range check (temp_min_c between -60 and 100 and temp_max_c between -60 and 100 and temp_avg_c between -60 and 100),
  constraint battery_health_reports_temp_order check (temp_min_c <= temp_max_c),
  constraint battery_health_reports_source_valid check (source in ('bms', 'workshop', 'telematics', 'estimate')),
  constraint battery_health_reports_details_object check (jsonb_typeof(details) = 'object')
);
create index if not exists battery_health_reports_organization_id on battery_health_reports (organization_id);

-- Energy consumption per vehicle and period (trip or interval), monthly partitions on period_start
create table if not exists energy_consumption_records (
  vehicle_id uuid not null,
  organization_id uuid not null,
  period_start timestamptz not null,
  period_end timestamptz not null,
  distance_km double precision not null default 0,
  energy_consumed_kwh double precision not null default 0,
  energy_regenerated_kwh double precision not null default 0,
  ambient_temp_c real,
  avg_speed_kmh real,
  route_assignment_id uuid,
  weather jsonb,
  constraint energy_consumption_records_pkey primary key (vehicle_id, period_start, organization_id),
  constraint energy_consumption_records_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id) on delete cascade,
  constraint energy_consumption_records_route_assignment_fk foreign key (organization_id, route_assignment_id)
    references route_assignments (organization_id, id) on delete set null (route_assignment_id),
  constraint energy_consumption_records_period_order check (period_end > period_start),
  constraint energy_consumption_records_distance_range check (distance_km between 0 and 5000),
  constraint energy_consumption_records_consumed_range check (energy_consumed_kwh between 0 and 5000),
  constraint energy_consumption_records_regenerated_range check (energy_regenerated_kwh between 0 and 5000),
  constraint energy_consumption_records_ambient_temp_range check (ambient_temp_c between -60 and 60),
  constraint energy_consumption_records_avg_speed_range check (avg_speed_kmh between 0 and 300),
  constraint energy_consumption_records_weather_object check (jsonb_typeof(weather) = 'object')
) partition by range (period_start);
create index if not exists energy_consumption_records_period_start_brin on energy_consumption_records using brin (period_start);
create table if not exists energy_consumption_records_default partition of energy_consumption_records default;
create index if not exists energy_consumption_records_route_assignment_id on energy_consumption_records (route_assignment_id)
  where route_assignment_id is not null;
-- existing databases: the key with organization_id; an assignment id that names no assignment of the same
-- organization (there was no foreign key) is cleared before the key is added
do $$
declare
  cleared bigint;
begin
  if not exists (select 1 from pg_constraint where conrelid = 'energy_consumption_records'::regclass and conname = 'energy_consumption_records_route_assignment_fk') then
    update energy_consumption_records e set route_assignment_id = null
    where e.route_assignment_id is not null
      and not exists (select 1 from route_assignments a where a.id = e.route_assignment_id and a.organization_id = e.organization_id);
    get diagnostics cleared = row_count;
    if cleared > 0 then
      raise notice 'cleared route_assignment_id of % energy record(s): no such assignment in their organization', cleared;
    end if;
  end if;
end
$$;
select evfleet_ensure_primary_key('energy_consumption_records', array['vehicle_id', 'period_start', 'organization_id']);
select evfleet_ensure_foreign_key('energy_consumption_records', 'energy_consumption_records_route_assignment_fk',
  'foreign key (organization_id, route_assignment_id) references route_assignments (organization_id, id) on delete set null (route_assignment_id)');

-- Vehicle-to-grid energy transactions (settled later with the grid operator)
create table if not exists v2g_energy_transactions (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  vehicle_id uuid not null,
  charging_session_id uuid,
  direction text not null,
  energy_kwh double precision not null,
  price_per_kwh numeric(10, 4) not null,
  amount numeric(12, 2) generated always as (round(energy_kwh::numeric * price_per_kwh, 2)) stored,
  currency text not null default 'EUR',
  grid_operator text not null,
  started_at timestamptz not null,
  ended_at timestamptz,
  settled boolean not null default false,
  settled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint v2g_energy_transactions_pkey primary key (id, organization_id),
  constraint v2g_energy_transactions_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint v2g_energy_transactions_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id),
  constraint v2g_energy_transactions_session_fk foreign key (organization_id, charging_session_id) references charging_sessions (organization_id, id),
  constraint v2g_energy_transactions_direction_valid check (direction in ('to_grid', 'from_grid')),
  constraint v2g_energy_transactions_energy_range check (energy_kwh > 0 and energy_kwh <= 5000),
  constraint v2g_energy_transactions_price_range check (price_per_kwh >= 0),
  constraint v2g_energy_transactions_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint v2g_energy_transactions_time_order check (ended_at is null or ended_at >= started_at),
  constraint v2g_energy_transactions_settled_at check (settled = (settled_at is not null))
);
create index if not exists v2g_energy_transactions_vehicle_started on v2g_energy_transactions (vehicle_id, started_at desc);
create index if not exists v2g_energy_transactions_unsettled on v2g_energy_transactions (organization_id, started_at)
  where not settled;
create index if not exists v2g_energy_transactions_session_id on v2g_energy_transactions (charging_session_id) where charging_session_id is not null;
create index if not exists v2g_energy_transactions_organization_id on v2g_energy_transactions (organization_id);
select evfleet_ensure_foreign_key('v2g_energy_transactions', 'v2g_energy_transactions_organization_fk',
  'foreign key (organization_id) references organizations (id) on delete cascade');
create or replace trigger v2g_energy_transactions_set_updated_at before update on v2g_energy_transactions
  for each row execute function set_updated_at();

-- Battery health trends per vehicle per UTC month (created with data: readable at once, refreshed concurrently after)
-- The materialized views join vehicles on its whole key (id, organization_id): on Citus that is a co-located join
-- the workers run shard by shard (a join on id alone is refused there).
-- capacity_fade_pct compares the month's measured capacity with the vehicle's nominal capacity.
create materialized view if not exists battery_health_trends as
select
  r.organization_id,
  v.fleet_id,
  r.vehicle_id,
  date_trunc('month', r.reported_at at time zone 'UTC')::date as month,
  count(*)::integer as report_count,
  avg(r.soh_pct)::double precision as avg_soh_pct,
  min(r.soh_pct)::double precision as min_soh_pct,
  max(r.soh_pct)::double precision as max_soh_pct,
  avg(r.capacity_measured_kwh) as avg_capacity_kwh,
  (100 * (1 - avg(r.capacity_measured_kwh) / v.battery_capacity_kwh)) as capacity_fade_pct,
  max(r.cycle_count) as max_cycle_count,
  (max(r.cycle_count) - min(r.cycle_count)) as cycles_in_month,
  avg(r.internal_resistance_mohm)::double precision as avg_internal_resistance_mohm,
  max(r.temp_max_c)::double precision as max_temp_c,
  max(r.reported_at) as last_reported_at
from battery_health_reports r
join vehicles v on v.id = r.vehicle_id and v.organization_id = r.organization_id
group by r.organization_id, v.fleet_id, r.vehicle_id, v.battery_capacity_kwh, date_trunc('month', r.reported_at at time zone 'UTC')::date
with data;
create unique index if not exists battery_health_trends_vehicle_month on battery_health_trends (vehicle_id, month);
create index if not exists battery_health_trends_organization_month on battery_health_trends (organization_id, month);

-- Energy efficiency per ISO week (UTC): one row per vehicle (scope 'vehicle') and one per fleet (scope 'fleet')
-- subject_id is the vehicle id or the fleet id; wh_per_km is net of regeneration; regen_share = regenerated / consumed.
create materialized view if not exists energy_efficiency_metrics as
-- One pass over the records per vehicle and week; the fleet rows add up the vehicle rows (no GROUPING SETS: Citus
-- cannot run them in a distributed query). The average temperature is carried as a sum and a count to be exact at
-- both levels.
with per_vehicle as (
  select
    e.organization_id,
    v.fleet_id,
    e.vehicle_id,
    date_trunc('week', e.period_start at time zone 'UTC')::date as week,
    count(*)::integer as record_count,
    sum(e.distance_km) as distance_km,
    sum(e.energy_consumed_kwh) as energy_consumed_kwh,
    sum(e.energy_regenerated_kwh) as energy_regenerated_kwh,
    sum(e.ambient_temp_c::double precision) as ambient_sum,
    count(e.ambient_temp_c) as ambient_count
  from energy_consumption_records e
  join vehicles v on v.id = e.vehicle_id and v.organization_id = e.organization_id
  group by e.organization_id, v.fleet_id, e.vehicle_id, date_trunc('week', e.period_start at time zone 'UTC')::date
), both_levels as (
  select organization_id, fleet_id, vehicle_id, 'vehicle'::text as scope, vehicle_id as subject_id, week,
         record_count, distance_km, energy_consumed_kwh, energy_regenerated_kwh, ambient_sum, ambient_count
  from per_vehicle
  union all
  select organization_id, fleet_id, null::uuid, 'fleet'::text, fleet_id, week,
         sum(record_count)::integer, sum(distance_km), sum(energy_consumed_kwh), sum(energy_regenerated_kwh),
         sum(ambient_sum), sum(ambient_count)::bigint
  from per_vehicle
  group by organization_id, fleet_id, week
)
select
  organization_id,
  fleet_id,
  vehicle_id,
  scope,
  subject_id,
  week,
  record_count,
  distance_km,
  energy_consumed_kwh,
  energy_regenerated_kwh,
  1000 * (energy_consumed_kwh - energy_regenerated_kwh) / nullif(distance_km, 0) as wh_per_km,
  energy_regenerated_kwh / nullif(energy_consumed_kwh, 0) as regen_share,
  ambient_sum / nullif(ambient_count, 0) as avg_ambient_temp_c
from both_levels
with data;
create unique index if not exists energy_efficiency_metrics_scope_subject_week on energy_efficiency_metrics (scope, subject_id, week);
create index if not exists energy_efficiency_metrics_organization_week on energy_efficiency_metrics (organization_id, week);

-- Tenant-scoped access to the materialized views (they cannot have RLS; readers get these views instead)
-- Admins get every row; others a single indexed equality on their organization.
create or replace view battery_health_trends_scoped with (security_barrier = true) as
select * from battery_health_trends where evfleet_is_admin()
union all
select * from battery_health_trends where not evfleet_is_admin() and organization_id = (select s.organization_id from evfleet_tenant_scope s);

create or replace view energy_efficiency_metrics_scoped with (security_barrier = true) as
select * from energy_efficiency_metrics where evfleet_is_admin()
union all
select * from energy_efficiency_metrics where not evfleet_is_admin() and organization_id = (select s.organization_id from evfleet_tenant_scope s);

-- Refresh: concurrently once populated (readers are not blocked), plain the first time; each refresh is logged
create or replace function evfleet_refresh_matview(view_name regclass) returns matview_refresh_log
language plpgsql security definer set search_path = pg_catalog, public, pg_temp as $$
declare
  started timestamptz := clock_timestamp();
  populated boolean;
  entry matview_refresh_log;
begin
  if view_name is null or view_name not in (to_regclass('public.battery_health_trends'), to_regclass('public.energy_efficiency_metrics')) then
    raise exception '% is not one of evfleet''s materialized views', view_name using errcode = 'insufficient_privilege';
  end if;
  select relispopulated into populated from pg_class where oid = view_name and relkind = 'm';
  if not found then
    raise exception '% is not a materialized view', view_name;
  end if;
  if populated then
    execute format('refresh materialized view concurrently %s', view_name);
  else
    execute format('refresh materialized view %s', view_name);
  end if;
  insert into matview_refresh_log (view_name, started_at, finished_at, concurrent)
  values (view_name::text, started, clock_timestamp(), populated)
  returning * into entry;
  return entry;
end
$$;

create or replace function refresh_battery_health_trends() returns matview_refresh_log
language sql security definer set search_path = pg_catalog, public, pg_temp as $$
  select * from public.evfleet_refresh_matview('battery_health_trends')
$$;

create or replace function refresh_energy_efficiency_metrics() returns matview_refresh_log
language sql security definer set search_path = pg_catalog, public, pg_temp as $$
  select * from public.evfleet_refresh_matview('energy_efficiency_metrics')
$$;

-- tenant keys include organization_id (id first: lookups by id stay one index probe)
select evfleet_ensure_primary_key('battery_health_reports', array['id', 'organization_id']);
select evfleet_ensure_primary_key('v2g_energy_transactions', array['id', 'organization_id']);
select evfleet_ensure_unique('battery_health_reports', 'battery_health_reports_vehicle_time_unique', array['vehicle_id', 'reported_at', 'organization_id']);

-- Row-level security on this file's tenant tables
select evfleet_enable_tenant_rls('battery_health_reports');
select evfleet_enable_tenant_rls('energy_consumption_records');
select evfleet_enable_tenant_rls('v2g_energy_transactions');
select evfleet_copy_tenant_rls('energy_consumption_records', 'energy_consumption_records_default');

-- Partitions for the current month and three ahead
select count(*) as partitions_created from create_monthly_partitions('energy_consumption_records');

-- The recommended maintenance schedule, in one place: the pg_cron jobs below are installed from it, and
-- `evfleet maint schedule` compares, installs (--apply) or prints as crontab lines the same rows.
-- Partitions: 3 months ahead, checked hourly as pg_partman's maintenance runs (a no-op while they exist, so a
-- failed run is retried within the hour, long before a month is missing). battery_health_trends (monthly SoH):
-- daily. energy_efficiency_metrics (what on-call dashboards read): hourly.
create or replace function evfleet_maintenance_schedule()
returns table (jobname text, schedule text, command text, purpose text)
language sql immutable as $$
  values
    ('evfleet-create-partitions', '7 * * * *',
     'select create_monthly_partitions(t, 3) from unnest(array[''vehicle_telematics'', ''charging_session_metrics'', ''energy_consumption_records'']::regclass[]) t',
     'hourly: keeps 3 months of partitions ahead (does nothing while they exist)'),
    ('evfleet-refresh-battery-health-trends', '15 3 * * *', 'select refresh_battery_health_trends()', 'daily'),
    ('evfleet-refresh-energy-efficiency-metrics', '5 * * * *', 'select refresh_energy_efficiency_metrics()', 'hourly')
$$;

-- Scheduled maintenance, only where pg_cron is installed in this database (jobs are upserted by name)
do $$
declare
  job record;
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    for job in select * from evfleet_maintenance_schedule() loop
      perform cron.schedule(job.jobname, job.schedule, job.command);
    end loop;
  end if;
end
$$;

select evfleet_apply_grants();
