-- evfleet on Citus (optional sixth file): tenant tables distributed by organization_id and co-located, shared data as reference tables.
-- Needs: the five schema files applied on a Citus 13 coordinator (PostgreSQL 15) whose workers are added; run as a superuser, on an empty or small database.

-- Refuse to run anywhere but on a Citus coordinator with workers
do $$
begin
  if not exists (select 1 from pg_extension where extname = 'citus') then
    raise exception 'citus.sql needs the citus extension in this database'
      using hint = 'create extension citus on the coordinator and every worker, add the workers (citus_add_node), then run citus.sql';
  end if;
  if not exists (select 1 from pg_dist_node where noderole = 'primary' and groupid <> 0 and isactive) then
    raise exception 'citus.sql: this coordinator has no active worker'
      using hint = 'add the workers first: select citus_add_node(''host'', port)';
  end if;
end
$$;

-- Settings for this database: the schema's triggers run on the workers' shards (each trigger only touches rows of
-- its own organization, which live in the co-located shards), and a tenant's SET LOCAL app.current_org_id reaches
-- the workers, where the row-level security policies are applied.
do $$
begin
  execute format('alter database %I set citus.enable_unsafe_triggers = on', current_database());
  execute format('alter database %I set citus.propagate_set_commands = %L', current_database(), 'local');
end
$$;
set citus.enable_unsafe_triggers = on;
set citus.propagate_set_commands = 'local';

-- The tenant policies call evfleet_current_org(), which reads organization_logins (a reference table) through the view
-- evfleet_tenant_scope. On a worker that read happens inside a query on a shard, which Citus refuses as nested
-- distributed execution unless allowed: allowed for this one function only (a read of the local copy of a reference table).
do $$
begin
  alter function evfleet_current_org() set citus.allow_nested_distributed_execution = on;
  perform run_command_on_workers('alter function public.evfleet_current_org() set citus.allow_nested_distributed_execution = on');
end
$$;

-- The tables this file distributes and the ones it replicates, in one place
create or replace function evfleet_citus_reference_tables() returns text[]
language sql immutable as $$
  -- shared by every organization: the tenants themselves, the global role catalog, and charging stations and their
  -- connectors (public stations have organization_id null and are used by every tenant)
  select array['organizations', 'roles', 'permissions', 'role_permissions', 'charging_stations', 'charging_connectors', 'organization_logins']
$$;

create or replace function evfleet_citus_tenant_tables() returns text[]
language sql immutable as $$
  -- parents before children (each foreign key's target is distributed first)
  select array['users', 'user_roles', 'fleets', 'vehicles', 'vehicle_telematics', 'vehicle_live_state',
               'charging_sessions', 'charging_session_metrics', 'routes', 'route_waypoints', 'route_assignments',
               'route_progress', 'route_optimization_history', 'battery_health_reports', 'energy_consumption_records',
               'v2g_energy_transactions']
$$;

-- The live state on Citus: one row trigger instead of the statement trigger with a transition table
-- The single-server trigger joins a statement's transition table with vehicles and upserts vehicle_live_state in one
-- data-modifying query: on a worker that is a distributed query over an ephemeral table, which Citus cannot plan. Here
-- each row checks its vehicle and upserts its live row, both by (organization_id, vehicle_id): single-shard statements
-- that the worker runs on its own co-located shards. Same rules: an older row never overwrites a newer state, and a row
-- whose vehicle is not in its organization is refused.
create or replace function vehicle_telematics_live_state_row() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if not exists (select 1 from vehicles v where v.organization_id = new.organization_id and v.id = new.vehicle_id) then
    raise exception 'vehicle_telematics: no vehicle % in organization %', new.vehicle_id, new.organization_id
      using errcode = 'foreign_key_violation', table = 'vehicle_telematics',
            hint = 'insert the vehicle first; organization_id must be the vehicle''s organization';
  end if;
  insert into vehicle_live_state as l (vehicle_id, organization_id, recorded_at, received_at, soc_pct, soh_pct, speed_kmh,
                                       heading_deg, location, odometer_km, pack_voltage_v, pack_current_a, pack_temp_c, power_kw)
  values (new.vehicle_id, new.organization_id, new.recorded_at, now(), new.soc_pct, new.soh_pct, new.speed_kmh,
          new.heading_deg, new.location, new.odometer_km, new.pack_voltage_v, new.pack_current_a, new.pack_temp_c, new.power_kw)
  on conflict (vehicle_id, organization_id) do update set
    recorded_at = excluded.recorded_at, received_at = excluded.received_at, soc_pct = excluded.soc_pct,
    soh_pct = excluded.soh_pct, speed_kmh = excluded.speed_kmh, heading_deg = excluded.heading_deg,
    location = excluded.location, odometer_km = excluded.odometer_km, pack_voltage_v = excluded.pack_voltage_v,
    pack_current_a = excluded.pack_current_a, pack_temp_c = excluded.pack_temp_c, power_kw = excluded.power_kw
  where excluded.recorded_at > l.recorded_at;
  return null;
end
$$;
revoke execute on function vehicle_telematics_live_state_row() from public;

do $$
declare
  p record;
begin
  -- the statement trigger on the parent and its copies on the partitions (evfleet_copy_statement_triggers)
  for p in
    select tg.tgrelid::regclass as tbl from pg_trigger tg
    where tg.tgname = 'vehicle_telematics_live_state' and (tg.tgtype & 1) = 0
  loop
    execute format('drop trigger vehicle_telematics_live_state on %s', p.tbl);
  end loop;
  -- a row trigger on the parent: PostgreSQL clones it onto every partition, present and future
  if not exists (select 1 from pg_trigger where tgrelid = 'vehicle_telematics'::regclass and tgname = 'vehicle_telematics_live_state_row') then
    create trigger vehicle_telematics_live_state_row after insert on vehicle_telematics
      for each row execute function vehicle_telematics_live_state_row();
  end if;
end
$$;

-- Policies without subqueries: Citus refuses a subquery in a policy of a distributed table, and the schema's
-- tenant predicate is organization_id = (select s.organization_id from evfleet_tenant_scope s) (an initplan: once per
-- statement on one server; before 2026-12: (select evfleet_current_org())). Here it becomes
-- organization_id = any (array[evfleet_current_org()]) (which reads that view), a stable function the workers
-- evaluate, once per index scan when the index on organization_id is used. Not "= evfleet_current_org()": the
-- planner treats an equality with a stable expression as a constant that every joined organization_id equals, and
-- for an outer join on organization_id (vehicles left join vehicle_live_state) it then leaves a constant-true join
-- clause behind, a pseudo-constant qual with which Citus on PostgreSQL 15 and 16 refuses the join ("Distributed
-- queries with outer joins and pseudoconstant quals are not supported"): every tenant's list with a left join failed.
-- "= any (array[...])" is the same test (null: no rows) that the planner does not propagate through joins.
-- (Re-running evfleet_enable_tenant_rls() would put the subquery back: on Citus, run this file again after it.)
do $$
declare
  p record;
  -- the right-hand side as pg_get_expr prints it: today's subquery, the earlier one, and "= evfleet_current_org()"
  -- (what this file wrote before)
  rhs constant text := '= (\(\s*SELECT (s\.organization_id\s+FROM evfleet_tenant_scope s|evfleet_current_org\(\) AS evfleet_current_org)\)|evfleet_current_org\(\))';
  wanted constant text := '= ANY (ARRAY[evfleet_current_org()])';
begin
  for p in
    select pol.polname, pol.polrelid::regclass as tbl, pg_get_expr(pol.polqual, pol.polrelid) as qual,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as withcheck
    from pg_policy pol
    where coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') ~ rhs
  loop
    execute format('alter policy %I on %s%s%s', p.polname, p.tbl,
      case when p.qual is not null then format(' using (%s)', regexp_replace(p.qual, rhs, wanted, 'g')) else '' end,
      case when p.withcheck is not null then format(' with check (%s)', regexp_replace(p.withcheck, rhs, wanted, 'g')) else '' end);
  end loop;
end
$$;

-- The admins' policy the same way: "no organization chosen", read without a subquery (the workers evaluate it), and
-- as a function call: Citus fails on the expression itself when it copies a policy to a partition it distributes
-- ("unrecognized node type" for NULLIF ... IS NULL). A SQL function the planner inlines: no per-call cost.
create or replace function evfleet_no_org_chosen() returns boolean
language sql stable parallel safe as $fn$
  -- names qualified, no SET search_path (that would stop the inlining): a caller's search_path changes nothing here
  select coalesce(pg_catalog.current_setting('app.current_org_id', true), '') operator(pg_catalog.=) ''
$fn$;

do $$
declare
  p record;
  unchosen constant text := 'evfleet_no_org_chosen()';
begin
  for p in
    select pol.polname, pol.polrelid::regclass as tbl
    from pg_policy pol
    where pol.polname like '%\_admin\_all' and pg_get_expr(pol.polqual, pol.polrelid) ~* '^\(?\s*SELECT'
  loop
    execute format('alter policy %I on %s using (%s) with check (%s)', p.polname, p.tbl, unchosen, unchosen);
  end loop;
end
$$;

-- One pass, in one transaction:
-- 1. foreign keys of the tables to distribute are dropped and kept (Citus would otherwise turn every local table
--    that references a new reference table into a "Citus local table", which fails for partitioned tables);
-- 2. Citus enforces uniqueness and exclusion only within a shard, so every primary key, unique and exclusion
--    constraint of a tenant table must contain organization_id: where one does not, it gets organization_id appended
--    (last, so the index still serves lookups by its leading columns; exclusion: organization_id with =, first);
-- 3. reference tables: a copy on every node, so that every shard joins them locally;
-- 4. tenant tables: hash-distributed by organization_id, all in one co-location group (a tenant's rows of every
--    table live on one node: joins and foreign keys within a tenant stay on one shard); partitioned tables take
--    their partitions along, and partitions created later (create_monthly_partitions) are distributed by Citus;
-- 5. the foreign keys come back; one between tenant tables without organization_id is made composite
--    ((organization_id, col) -> (organization_id, id)), as Citus requires.
-- Steps 2 and 5 change nothing on a schema whose keys already contain organization_id.
do $$
declare
  tenant text[] := evfleet_citus_tenant_tables();
  t text;
  c record;
  fk record;
  fks text[] := '{}';
  def text;
begin
  for fk in
    select con.conname, con.conrelid::regclass as tbl, con.confrelid::regclass as ref, con.confdeltype, con.confupdtype,
           pg_get_constraintdef(con.oid) as def, con.confrelid::regclass::text = any (tenant) as to_tenant,
           (select array_agg(a.attname order by k.i) from unnest(con.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n) as cols,
           (select array_agg(a.attname order by k.i) from unnest(con.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n) as refcols
    from pg_constraint con
    where con.contype = 'f' and con.conparentid = 0 and con.conrelid::regclass::text = any (tenant || evfleet_citus_reference_tables())
  loop
    def := fk.def;
    if fk.to_tenant and (not 'organization_id' = any (fk.cols) or fk.confdeltype in ('n', 'd')) then
      -- Citus refuses ON DELETE SET NULL / SET DEFAULT on a key that contains the distribution column (even
      -- SET NULL (col)): such a reference becomes NO ACTION, so the referencing rows must be cleared first.
      def := format('FOREIGN KEY (organization_id, %s) REFERENCES %s(organization_id, %s)%s%s',
        array_to_string(array_remove(fk.cols, 'organization_id'), ', '), fk.ref, array_to_string(array_remove(fk.refcols, 'organization_id'), ', '),
        case fk.confdeltype when 'c' then ' ON DELETE CASCADE' when 'r' then ' ON DELETE RESTRICT' else '' end,
        case fk.confupdtype when 'c' then ' ON UPDATE CASCADE' when 'r' then ' ON UPDATE RESTRICT' else '' end);
      raise notice 'citus.sql: % on % becomes %', fk.conname, fk.tbl, def;
    end if;
    fks := fks || format('alter table %s add constraint %I %s', fk.tbl, fk.conname, def);
    execute format('alter table %s drop constraint %I', fk.tbl, fk.conname);
  end loop;

  for c in
    select con.conname, con.conrelid::regclass as tbl, con.contype, pg_get_constraintdef(con.oid) as def
    from pg_constraint con
    where con.contype in ('p', 'u', 'x') and con.conparentid = 0
      and con.conrelid::regclass::text = any (tenant)
      and not exists (select 1 from unnest(con.conkey) k(n) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n
                      where a.attname = 'organization_id')
    order by con.conrelid::regclass::text, con.contype = 'p' desc, con.conname
  loop
    if c.contype = 'x' then
      def := regexp_replace(c.def, '^EXCLUDE USING (\w+) \(', 'EXCLUDE USING \1 (organization_id WITH =, ');
    else
      def := regexp_replace(c.def, '\)$', ', organization_id)');
    end if;
    raise notice 'citus.sql: % on % becomes %', c.conname, c.tbl, def;
    execute format('alter table %s drop constraint %I', c.tbl, c.conname);
    execute format('alter table %s add constraint %I %s', c.tbl, c.conname, def);
  end loop;

  foreach t in array evfleet_citus_reference_tables() loop
    if to_regclass(t) is not null and not exists (select 1 from pg_dist_partition where logicalrelid = t::regclass) then
      perform create_reference_table(t);
    end if;
  end loop;

  foreach t in array tenant loop
    if not exists (select 1 from pg_dist_partition where logicalrelid = t::regclass) then
      perform create_distributed_table(t, 'organization_id', colocate_with => case when t = tenant[1] then 'default' else tenant[1] end);
    end if;
  end loop;

  foreach def in array fks loop
    execute def;
  end loop;
end
$$;
