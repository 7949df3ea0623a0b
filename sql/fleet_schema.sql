-- evfleet fleets and vehicles: fleets, vehicles, monthly-partitioned telematics history, live state per vehicle, active_vehicles_status.
-- Needs: schema.sql (organizations, users, set_updated_at, tenant RLS helpers, create_monthly_partitions, evfleet_apply_grants).

-- Fleets (a depot and its vehicles)
create table if not exists fleets (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  name text not null,
  description text,
  depot_address text,
  depot_location geography(Point, 4326),
  timezone text not null default 'UTC',
  manager_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint fleets_pkey primary key (id, organization_id),
  constraint fleets_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint fleets_manager_fk foreign key (organization_id, manager_id) references users (organization_id, id),
  constraint fleets_organization_id_id_unique unique (organization_id, id),
  constraint fleets_name_unique unique (organization_id, name),
  constraint fleets_name_not_blank check (btrim(name) <> ''),
  constraint fleets_timezone_valid check (evfleet_is_valid_timezone(timezone))
);
create index if not exists fleets_depot_location_gist on fleets using gist (depot_location);
create index if not exists fleets_manager_id on fleets (manager_id) where manager_id is not null;
create or replace trigger fleets_set_updated_at before update on fleets
  for each row execute function set_updated_at();

-- Vehicles with their EV attributes
create table if not exists vehicles (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  fleet_id uuid not null,
  vin text not null,
  plate text,
  make text not null,
  model text not null,
  model_year smallint,
  battery_capacity_kwh double precision not null,
  usable_capacity_kwh double precision,
  max_ac_charge_kw double precision,
  max_dc_charge_kw double precision,
  connector_types text[] not null default '{}',
  v2g_capable boolean not null default false,
  odometer_km double precision not null default 0,
  status text not null default 'active',
  commissioned_on date,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vehicles_pkey primary key (id, organization_id),
  -- deleting an organization deletes its vehicles (and their fleets, in the same statement); deleting a fleet that
  -- still has vehicles is refused (no action: checked at the end of the statement, after the cascades)
  constraint vehicles_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint vehicles_fleet_fk foreign key (organization_id, fleet_id) references fleets (organization_id, id),
  constraint vehicles_organization_id_id_unique unique (organization_id, id),
  constraint vehicles_vin_unique unique (vin),
  -- ISO 3779: 17 characters, digits and capitals without I, O and Q
  constraint vehicles_vin_format check (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  constraint vehicles_plate_unique unique (organization_id, plate),
  constraint vehicles_model_year_range check (model_year between 1990 and 2100),
  constraint vehicles_battery_capacity_range check (battery_capacity_kwh > 0 and battery_capacity_kwh <= 1500),
  constraint vehicles_usable_capacity_range check (usable_capacity_kwh > 0 and usable_capacity_kwh <= battery_capacity_kwh),
  constraint vehicles_max_ac_charge_range check (max_ac_charge_kw > 0 and max_ac_charge_kw <= 50),
  constraint vehicles_max_dc_charge_range check (max_dc_charge_kw > 0 and max_dc_charge_kw <= 1500),
  constraint vehicles_connector_types_valid check (connector_types <@ array['CCS1', 'CCS2', 'CHAdeMO', 'Type1', 'Type2', 'GB/T', 'NACS', 'MCS']),
  constraint vehicles_odometer_range check (odometer_km >= 0),
  constraint vehicles_status_valid check (status in ('active', 'charging', 'idle', 'maintenance', 'offline', 'retired')),
  constraint vehicles_metadata_object check (jsonb_typeof(metadata) = 'object')
);
create index if not exists vehicles_fleet_id on vehicles (fleet_id);
create index if not exists vehicles_plate on vehicles (plate);
-- Browse: the status filter and the keyset sort by status (status, id). Status changes are rare, so the
-- non-HOT updates it causes on vehicles cost little.
create index if not exists vehicles_status on vehicles (status, id);
create or replace trigger vehicles_set_updated_at before update on vehicles
  for each row execute function set_updated_at();

-- Telematics history: monthly partitions on recorded_at, kept lean so ingest stays fast
-- Indexes: the primary key (vehicle_id, recorded_at, organization_id) serves "latest N rows of one vehicle" as a
-- backward scan (organization_id last: in the key for a distribution by organization, after the columns lookups
-- use), BRIN on recorded_at serves time-range scans; no GiST on history locations (the live state has one).
-- The foreign key to the vehicle (its organization included) deletes a vehicle's history with it; on insert the
-- live-state trigger below checks vehicle and organization once per statement (saying which row was wrong), in place
-- of the key's check per row (see evfleet_telematics_reference_check_by_statement).
create table if not exists vehicle_telematics (
  vehicle_id uuid not null,
  organization_id uuid not null,
  recorded_at timestamptz not null,
  soc_pct real,
  soh_pct real,
  speed_kmh real,
  heading_deg real,
  location geography(Point, 4326),
  odometer_km double precision,
  pack_voltage_v real,
  pack_current_a real,
  pack_temp_c real,
  power_kw real,
  extra jsonb,
  constraint vehicle_telematics_pkey primary key (vehicle_id, recorded_at, organization_id),
  constraint vehicle_telematics_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id) on delete cascade,
  constraint vehicle_telematics_soc_range check (soc_pct between 0 and 100),
  constraint vehicle_telematics_soh_range check (soh_pct between 0 and 100),
  constraint vehicle_telematics_speed_range check (speed_kmh between 0 and 300),
  constraint vehicle_telematics_heading_range check (heading_deg between 0 and 360),
  constraint vehicle_telematics_odometer_range check (odometer_km between 0 and 5000000),
  constraint vehicle_telematics_pack_voltage_range check (pack_voltage_v between 0 and 1500),
  constraint vehicle_telematics_pack_current_range check (pack_current_a between -3000 and 3000),
  constraint vehicle_telematics_pack_temp_range check (pack_temp_c between -60 and 100),
  constraint vehicle_telematics_power_range check (power_kw between -1500 and 1500)
) partition by range (recorded_at);
create index if not exists vehicle_telematics_recorded_at_brin on vehicle_telematics using brin (recorded_at);
create table if not exists vehicle_telematics_default partition of vehicle_telematics default;
-- existing databases: the key with organization_id, the foreign key (history of deleted vehicles goes first)
do $$
declare
  orphans bigint;
begin
  if not exists (select 1 from pg_constraint where conrelid = 'vehicle_telematics'::regclass and conname = 'vehicle_telematics_vehicle_fk') then
    delete from vehicle_telematics t where not exists (select 1 from vehicles v where v.id = t.vehicle_id and v.organization_id = t.organization_id);
    get diagnostics orphans = row_count;
    if orphans > 0 then
      raise notice 'deleted % telematics row(s) of vehicles that no longer exist', orphans;
    end if;
  end if;
end
$$;
select evfleet_ensure_primary_key('vehicle_telematics', array['vehicle_id', 'recorded_at', 'organization_id']);
select evfleet_ensure_foreign_key('vehicle_telematics', 'vehicle_telematics_vehicle_fk',
  'foreign key (organization_id, vehicle_id) references vehicles (organization_id, id) on delete cascade');

-- Live state: one row per vehicle, the latest telematics row; "where is every vehicle now" never reads history
create table if not exists vehicle_live_state (
  vehicle_id uuid not null,
  organization_id uuid not null,
  recorded_at timestamptz not null,
  received_at timestamptz not null default now(),
  soc_pct real,
  soh_pct real,
  speed_kmh real,
  heading_deg real,
  location geography(Point, 4326),
  odometer_km double precision,
  pack_voltage_v real,
  pack_current_a real,
  pack_temp_c real,
  power_kw real,
  constraint vehicle_live_state_pkey primary key (vehicle_id, organization_id),
  constraint vehicle_live_state_vehicle_fk foreign key (organization_id, vehicle_id) references vehicles (organization_id, id) on delete cascade
) with (fillfactor = 50);
-- Only the primary key and the GiST: every index here gets a new entry on each live update of a moving vehicle
-- (no HOT when an indexed column changes). No organization_id index: tenants reach live rows through vehicles
-- (active_vehicles_status). No index on soc_pct / recorded_at either: they change on every report, so such an
-- index would make every update non-HOT, and the browse sorts on them go through a left join from vehicles
-- that cannot use it anyway.
create index if not exists vehicle_live_state_location_gist on vehicle_live_state using gist (location);
select evfleet_ensure_primary_key('vehicle_live_state', array['vehicle_id', 'organization_id']);
-- Every telematics statement updates up to one row per vehicle here. Half-empty pages keep the new version on
-- the same page, so the update is HOT (no index entries) whenever the location is unchanged (parked, charging),
-- and page pruning reclaims the old versions without VACUUM. The table is small and churns its whole content
-- every few seconds: vacuum it after 1% dead rows instead of 20%. Measured with 100 one-row-per-vehicle COPY
-- batches for 10 000 vehicles (1.6 MB to start): parked vehicles left it at 99 MB with the defaults, 7.5 MB
-- with these settings (97% of updates HOT); moving vehicles at 114-118 MB vs 28 MB.
-- (ALTER TABLE, not only WITH above, so that an existing database gets them too; pages written before keep
-- their old fill until rewritten.)
alter table vehicle_live_state set (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500,
  autovacuum_analyze_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 0);

-- One statement-level trigger with a transition table keeps the live state: a batch INSERT or a COPY costs one
-- pass over its rows for each vehicle's newest time, one probe per vehicle checking that it exists in that
-- organization and locking it as the foreign key's check would (that check per row is off where this trigger runs,
-- see below), one pass to fetch those newest rows, and one update of each vehicle's live row. An older row never
-- overwrites a newer state; concurrent writers of one vehicle serialize on its live row (the update re-checks
-- the time on the newest version), and a vehicle's first row inserts it.
-- Plans: PL/pgSQL keeps a statement's plan, and the planner sized it for the row count of the call that planned
-- it (PostgreSQL fixes a transition table's row count when the statement is first parsed). A plan made for one
-- row (nested loops) ran past a 60 s timeout on a COPY of 100 000 rows in the same session. So the statement runs
-- twice in the function's text: as itself for up to 64 rows (its plan kept: ~0.2 ms for one row), and through
-- EXECUTE above that, planned for the batch at hand (~0.3 ms of planning, nothing next to the batch). The DO block
-- writes both from one text. No merge joins: the planner knows how many rows came but nothing of their values,
-- and picked merge joins that sort the whole batch (~50 ms per 100 000 rows). No JIT: ~20 ms a statement.
do $do$
declare
  live_state_sql constant text := $sql$
  with newest as materialized (
    select vehicle_id, organization_id, max(recorded_at) as recorded_at from new_rows group by vehicle_id, organization_id
  ), referenced as materialized (
    -- the foreign key's check, once per vehicle instead of once per row: the vehicle exists in that organization,
    -- and is locked as the key's check locks it (FOR KEY SHARE until commit: a concurrent delete of the vehicle waits
    -- and then cascades to these rows; a vehicle deleted first is not found here)
    select v.id, v.organization_id
    from newest k join vehicles v on v.id = k.vehicle_id and v.organization_id = k.organization_id
    for key share of v
  ), fresh as materialized (
    select n.vehicle_id, n.organization_id, n.recorded_at, n.soc_pct, n.soh_pct, n.speed_kmh, n.heading_deg, n.location,
           n.odometer_km, n.pack_voltage_v, n.pack_current_a, n.pack_temp_c, n.power_kw
    from new_rows n
    join newest k on k.vehicle_id = n.vehicle_id and k.recorded_at = n.recorded_at
    join referenced r on r.id = k.vehicle_id and r.organization_id = k.organization_id
  ), updated as (
    update vehicle_live_state l set
      recorded_at = f.recorded_at, received_at = now(), soc_pct = f.soc_pct, soh_pct = f.soh_pct, speed_kmh = f.speed_kmh,
      heading_deg = f.heading_deg, location = f.location, odometer_km = f.odometer_km, pack_voltage_v = f.pack_voltage_v,
      pack_current_a = f.pack_current_a, pack_temp_c = f.pack_temp_c, power_kw = f.power_kw
    from fresh f
    where l.vehicle_id = f.vehicle_id and f.recorded_at > l.recorded_at
  ), inserted as (
    -- vehicles without a live row yet (all sub-statements see the state before this one: disjoint from updated)
    insert into vehicle_live_state as l (vehicle_id, organization_id, recorded_at, received_at, soc_pct, soh_pct, speed_kmh,
                                         heading_deg, location, odometer_km, pack_voltage_v, pack_current_a, pack_temp_c, power_kw)
    select f.vehicle_id, f.organization_id, f.recorded_at, now(), f.soc_pct, f.soh_pct, f.speed_kmh,
           f.heading_deg, f.location, f.odometer_km, f.pack_voltage_v, f.pack_current_a, f.pack_temp_c, f.power_kw
    from fresh f
    where not exists (select 1 from vehicle_live_state s where s.vehicle_id = f.vehicle_id)
    on conflict (vehicle_id, organization_id) do update set
      recorded_at = excluded.recorded_at, received_at = excluded.received_at, soc_pct = excluded.soc_pct,
      soh_pct = excluded.soh_pct, speed_kmh = excluded.speed_kmh, heading_deg = excluded.heading_deg,
      location = excluded.location, odometer_km = excluded.odometer_km, pack_voltage_v = excluded.pack_voltage_v,
      pack_current_a = excluded.pack_current_a, pack_temp_c = excluded.pack_temp_c, power_kw = excluded.power_kw
    where excluded.recorded_at > l.recorded_at
  )
  -- a vehicle unknown in its organization: only looked for when one is missing (each vehicle of newest is found at
  -- most once), so that a good batch never runs the anti-join, which the session's generic plan may make a nested
  -- loop over both CTEs (10 000 vehicles: 6.8 s of a 100 000-row COPY on the large bench data)
  select k.vehicle_id, k.organization_id from newest k
  where (select count(*) from referenced) < (select count(*) from newest)
    and not exists (select 1 from referenced r where r.id = k.vehicle_id and r.organization_id = k.organization_id) limit 1$sql$;
begin
  execute format($fn$
create or replace function vehicle_telematics_after_insert() returns trigger
language plpgsql security definer set search_path = pg_catalog, public, pg_temp set enable_mergejoin = off set jit = off as $body$
declare
  bad record;
begin
  perform 1 from new_rows offset 64 limit 1;
  if found then
    execute %L into bad;
  else
%s
    into bad;
  end if;
  if bad.vehicle_id is not null then
    raise exception 'vehicle_telematics: no vehicle %% in organization %%', bad.vehicle_id, bad.organization_id
      using errcode = 'foreign_key_violation', table = 'vehicle_telematics',
            hint = 'insert the vehicle first; organization_id must be the vehicle''s organization';
  end if;
  return null;
end
$body$
$fn$, live_state_sql, live_state_sql);
end
$do$;
create or replace trigger vehicle_telematics_live_state after insert on vehicle_telematics
  referencing new table as new_rows
  for each statement execute function vehicle_telematics_after_insert();
-- ... and the same trigger on every partition (create_monthly_partitions copies it onto new ones): a COPY
-- straight into a month's partition fires it there, and keeps COPY's multi-row inserts, which PostgreSQL 15
-- turns off for a partitioned table whose statement trigger has a transition table.
select evfleet_copy_statement_triggers('vehicle_telematics', i.inhrelid::regclass)
from pg_inherits i where i.inhparent = 'vehicle_telematics'::regclass;

-- The foreign key's per-row check on insert, where the statement trigger above makes it (once per vehicle, with the
-- same lock). The key's own check looks each row's vehicle up as its own query at the end of the statement: measured
-- on a COPY of 20 000 rows (1 000 vehicles) straight into a month's partition, it was a third of the server's time
-- for the whole COPY (bench/README.md, "Ingest"). So on each partition that has the statement trigger, the key's
-- insert-check trigger is disabled; everything else of the key stays PostgreSQL's own: deleting a vehicle cascades to
-- its history (with its serialization checks), changing a referenced key is refused, an UPDATE of a row's vehicle or
-- organization is checked. A partition without the statement trigger (made by hand, not by create_monthly_partitions)
-- keeps the per-row check, and so does a database whose owner is not a superuser (PostgreSQL lets only superusers
-- disable a constraint's trigger): slower, never unchecked. create_monthly_partitions calls this for new partitions.
create or replace function evfleet_telematics_reference_check_by_statement(part regclass) returns boolean
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  t record;
begin
  if not exists (select 1 from pg_trigger where tgrelid = part and tgname = 'vehicle_telematics_live_state' and tgenabled <> 'D') then
    return false;
  end if;
  if not exists (select 1 from pg_roles where rolname = current_user and rolsuper) then
    return false;
  end if;
  for t in
    select tg.tgname from pg_trigger tg join pg_constraint c on c.oid = tg.tgconstraint
    where tg.tgrelid = part and c.conname = 'vehicle_telematics_vehicle_fk'
      and tg.tgfoid = 'pg_catalog."RI_FKey_check_ins"'::regproc and tg.tgenabled <> 'D'
  loop
    execute format('alter table %s disable trigger %I', part, t.tgname);
  end loop;
  return true;
end
$$;
revoke execute on function evfleet_telematics_reference_check_by_statement(regclass) from public;
select evfleet_telematics_reference_check_by_statement(i.inhrelid::regclass)
from pg_inherits i where i.inhparent = 'vehicle_telematics'::regclass;

-- Live view of every vehicle in service: vehicles + live state, never history
create or replace view active_vehicles_status with (security_invoker = true) as
select
  v.id,
  v.organization_id,
  o.name as organization_name,
  v.fleet_id,
  f.name as fleet_name,
  v.vin,
  v.plate,
  v.make,
  v.model,
  v.status,
  v.v2g_capable,
  v.battery_capacity_kwh,
  s.recorded_at as last_seen_at,
  date_part('epoch', now() - s.recorded_at) as seconds_since_report,
  connectivity_status(date_part('epoch', now() - s.recorded_at)) as connectivity,
  s.soc_pct,
  s.soh_pct,
  s.speed_kmh,
  s.heading_deg,
  s.power_kw,
  s.pack_temp_c,
  s.odometer_km,
  s.location,
  st_x(s.location::geometry) as longitude,
  st_y(s.location::geometry) as latitude
from vehicles v
join fleets f on f.id = v.fleet_id
join organizations o on o.id = v.organization_id
left join vehicle_live_state s on s.vehicle_id = v.id
where v.status <> 'retired';

-- tenant keys include organization_id (id first: lookups by id stay one index probe)
select evfleet_ensure_primary_key('fleets', array['id', 'organization_id']);
select evfleet_ensure_primary_key('vehicles', array['id', 'organization_id']);
select evfleet_ensure_foreign_key('vehicles', 'vehicles_organization_fk', 'foreign key (organization_id) references organizations (id) on delete cascade');

-- Row-level security on this file's tenant tables
select evfleet_enable_tenant_rls('fleets');
select evfleet_enable_tenant_rls('vehicles');
select evfleet_enable_tenant_rls('vehicle_telematics');
select evfleet_enable_tenant_rls('vehicle_live_state');
select evfleet_copy_tenant_rls('vehicle_telematics', 'vehicle_telematics_default');

-- Partitions for the current month and three ahead
select count(*) as partitions_created from create_monthly_partitions('vehicle_telematics');

select evfleet_apply_grants();
