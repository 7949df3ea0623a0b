-- evfleet core: extensions, database roles, tenant (RLS) helpers, audit tables, organizations, users, roles and permissions, partition and grant helpers.
-- Needs: PostgreSQL 15+ with PostGIS 3 available; run as a superuser or the schema owner. Load first; fleet, charging, routes and energy files follow.

-- Extensions: required ones always, optional ones only when the server can load them
create extension if not exists "uuid-ossp";
create extension if not exists postgis;
create extension if not exists btree_gist;

do $$
declare
  -- NULL when this role may not read it (managed servers): then just try, and tolerate failure.
  preload text := (select setting from pg_settings where name = 'shared_preload_libraries');
begin
  -- timescaledb and pg_cron only work when preloaded (pg_cron only in cron.database_name); nothing in evfleet depends on them.
  if exists (select 1 from pg_available_extensions where name = 'timescaledb')
     and (preload is null or preload ~ '\mtimescaledb\M') then
    begin
      create extension if not exists timescaledb;
    exception when others then
      raise notice 'timescaledb is available but could not be created: %', sqlerrm;
    end;
  end if;
  if exists (select 1 from pg_available_extensions where name = 'pg_cron')
     and (preload is null or preload ~ '\mpg_cron\M') then
    begin
      create extension if not exists pg_cron;
    exception when others then
      raise notice 'pg_cron is available but could not be created here: %', sqlerrm;
    end;
  end if;
end
$$;

-- Database roles (cluster-wide, NOLOGIN): reader < writer (tenant data), reader < operator (maintenance) < admin.
-- Logins are granted one of them; which organizations a login sees is organization_logins (below), not the role.
do $$
declare
  r text;
begin
  foreach r in array array['evfleet_reader', 'evfleet_writer', 'evfleet_operator', 'evfleet_admin'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin', r);
      exception when duplicate_object or unique_violation then
        null; -- another database created it at the same moment
      end;
    end if;
  end loop;
  if not pg_has_role('evfleet_operator', 'evfleet_reader', 'member') then
    grant evfleet_reader to evfleet_operator;
  end if;
  -- the tenant writer: reads like a reader, writes its own organization's fleet data (grants in evfleet_apply_grants)
  if not pg_has_role('evfleet_writer', 'evfleet_reader', 'member') then
    grant evfleet_reader to evfleet_writer;
  end if;
  if not pg_has_role('evfleet_admin', 'evfleet_operator', 'member') then
    grant evfleet_operator to evfleet_admin;
  end if;
  -- A non-superuser owner is subject to FORCE ROW LEVEL SECURITY too: make it see every tenant
  -- (materialized view refreshes and security-definer maintenance run as the owner).
  if not (select rolsuper from pg_roles where rolname = current_user)
     and not pg_has_role(current_user, 'evfleet_admin', 'member') then
    begin
      execute format('grant evfleet_admin to %I', current_user);
    exception when insufficient_privilege then
      raise warning 'grant evfleet_admin to % yourself (needs CREATEROLE): refreshes and maintenance would otherwise see no tenant rows', current_user;
    end;
  end if;
end
$$;

-- Nobody but the schema's owner creates objects in public (PostgreSQL 15's default, asserted for older upgrades):
-- evfleet's functions resolve PostGIS and their own objects there, so a caller's object must never stand in.
do $$
begin
  revoke create on schema public from public;
exception when insufficient_privilege then
  raise warning 'could not revoke CREATE on schema public from PUBLIC: do it as the schema owner';
end
$$;

-- Shared trigger function: every table with updated_at keeps it current through this one
create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Tenant helpers used by every row-level security policy
-- True for roles meant to see every organization (members of evfleet_admin; superusers).
create or replace function evfleet_is_admin() returns boolean
language sql stable parallel safe as $$
  select pg_has_role(current_user, 'evfleet_admin', 'usage')
$$;

-- Time zone names are checked against the server's tz database (immutable enough for a check constraint).
create or replace function evfleet_is_valid_timezone(tz text) returns boolean
language plpgsql immutable parallel safe as $$
begin
  perform now() at time zone tz;
  return true;
exception when others then
  return false;
end
$$;

-- Vehicle connectivity from the age of its last report: the thresholds live here and only here.
create or replace function connectivity_status(seconds_since_report double precision) returns text
language sql immutable parallel safe as $$
  select case
    when seconds_since_report is null then 'offline'
    when seconds_since_report <= 300 then 'online'   -- 5 minutes
    when seconds_since_report <= 3600 then 'stale'   -- 1 hour
    else 'offline'
  end
$$;

-- Audit of maintenance actions (written by the console; not tenant data, no RLS)
create table if not exists maintenance_log (
  id bigint generated always as identity,
  db_user text not null default current_user,
  os_user text,
  client_host text,
  action text not null,
  target text,
  sql text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text,
  error text,
  constraint maintenance_log_pkey primary key (id),
  constraint maintenance_log_outcome_valid check (outcome in ('done', 'failed', 'cancelled', 'refused', 'dry_run')),
  constraint maintenance_log_finished_after_start check (finished_at is null or finished_at >= started_at)
);
create index if not exists maintenance_log_started_at on maintenance_log (started_at desc);
-- What the server knows beside what the client claims: os_user and client_host come from the client (claimed),
-- server_user (session_user) and server_client_addr (inet_client_addr(); null over a Unix socket) from the server,
-- set by the trigger below whatever the writer sends, and never changed afterwards.
alter table maintenance_log add column if not exists server_user text;
alter table maintenance_log add column if not exists server_client_addr inet;
comment on column maintenance_log.os_user is 'claimed by the client (its OS user); see server_user';
comment on column maintenance_log.client_host is 'claimed by the client (its host name); see server_client_addr';
comment on column maintenance_log.server_user is 'session_user of the writing session, set by the server';
comment on column maintenance_log.server_client_addr is 'inet_client_addr() of the writing session, set by the server (null: Unix socket)';

create or replace function maintenance_log_server_view() returns trigger
language plpgsql set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    new.server_user := session_user;
    new.server_client_addr := inet_client_addr();
  else
    new.server_user := old.server_user;
    new.server_client_addr := old.server_client_addr;
    new.db_user := old.db_user;
  end if;
  return new;
end
$$;
create or replace trigger maintenance_log_server_view before insert or update on maintenance_log
  for each row execute function maintenance_log_server_view();

-- A refused maintenance attempt by a role that may not write maintenance_log (evfleet_reader), so that it is
-- audited too: one 'refused' row under the caller's role (its SET ROLE, else its login), nothing else.
-- The caller chooses every text it passes (client_os_user and client_hostname are stored as claimed); the trigger
-- on maintenance_log stores the server's view (session_user, inet_client_addr()) beside them.
-- SECURITY DEFINER as the schema owner (the owner of maintenance_log); search_path holds only pg_catalog
-- (pg_temp last), so a caller's temporary objects cannot stand in for the table or for a function.
create or replace function evfleet_log_refusal(attempted_action text, attempted_target text, attempted_sql text,
                                               refusal text, client_os_user text, client_hostname text)
returns bigint
language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into public.maintenance_log (db_user, os_user, client_host, action, target, sql, finished_at, outcome, error)
  values (coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user),
          left(client_os_user, 200), left(client_hostname, 200), left(attempted_action, 100), left(attempted_target, 1000),
          left(attempted_sql, 10000), now(), 'refused', left(refusal, 2000))
  returning id
$$;

-- One row per materialized view refresh (written by the refresh_* functions)
create table if not exists matview_refresh_log (
  id bigint generated always as identity,
  view_name text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration interval generated always as (finished_at - started_at) stored,
  concurrent boolean not null,
  refreshed_by text not null default session_user,
  constraint matview_refresh_log_pkey primary key (id),
  constraint matview_refresh_log_finished_after_start check (finished_at >= started_at)
);
create index if not exists matview_refresh_log_view_started on matview_refresh_log (view_name, started_at desc);

-- Organizations (tenants)
create table if not exists organizations (
  id uuid not null default gen_random_uuid(),
  name text not null,
  slug text not null,
  subscription_plan text not null default 'starter',
  contact_email text,
  contact_phone text,
  settings jsonb not null default '{}',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_pkey primary key (id),
  constraint organizations_slug_unique unique (slug),
  constraint organizations_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63),
  constraint organizations_name_not_blank check (btrim(name) <> ''),
  constraint organizations_subscription_plan_valid check (subscription_plan in ('free', 'starter', 'professional', 'enterprise')),
  constraint organizations_contact_email_format check (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint organizations_contact_phone_format check (contact_phone ~ '^\+?[0-9 ()./-]{5,32}$'),
  constraint organizations_settings_object check (jsonb_typeof(settings) = 'object')
);
create or replace trigger organizations_set_updated_at before update on organizations
  for each row execute function set_updated_at();

-- Which database logins may see which organizations (written only by evfleet_admin; `evfleet org logins`).
-- A login bound to organizations sees only those, whatever it sets app.current_org_id to; with exactly one
-- binding that organization is its default. Members of evfleet_admin and superusers may choose any organization.
-- Every other login sees no tenant rows. role_name is a login (session_user), not a group role: SET ROLE neither
-- adds nor removes organizations. A binding outlives its role: drop the binding (evfleet org logins revoke)
-- before dropping the login, or a new role of the same name would inherit it.
create table if not exists organization_logins (
  role_name name not null,
  organization_id uuid not null,
  granted_at timestamptz not null default now(),
  granted_by name not null default session_user,
  constraint organization_logins_pkey primary key (organization_id, role_name),
  constraint organization_logins_organization_fk foreign key (organization_id) references organizations (id) on delete cascade
);
create index if not exists organization_logins_role_name on organization_logins (role_name);

create or replace function organization_logins_role_exists() returns trigger
language plpgsql set search_path = pg_catalog, pg_temp as $$
begin
  if not exists (select 1 from pg_roles where rolname = new.role_name and rolcanlogin) then
    raise exception 'organization_logins: no login role "%"', new.role_name
      using errcode = 'foreign_key_violation', hint = 'create the login first (CREATE ROLE ... LOGIN)';
  end if;
  return new;
end
$$;
create or replace trigger organization_logins_role_exists before insert or update of role_name on organization_logins
  for each row execute function organization_logins_role_exists();

-- The organization this statement's rows belong to, for every tenant policy: the chosen one
-- (app.current_org_id, best set transaction-locally with set_config(..., true)) when the login may see it;
-- the login's only organization when it chose none; NULL otherwise (fail closed: no tenant rows).
-- Keyed on session_user (the login): a superuser or evfleet_admin login that SET ROLE evfleet_reader to be
-- scoped (evfleet --org) keeps choosing any organization.
-- A view, not a function, so that the policies' (select ... from evfleet_tenant_scope) is planned with the statement
-- (an initplan of one index probe into organization_logins, kept in the statement's cached plan): a SQL function is
-- not inlined when it reads a table, and is parsed and planned again in every statement that calls it (~0.2-0.5 ms
-- each, 1.5-2x one vehicle's last 100 rows, bench figure tenantPredicate). The view reads organization_logins with its
-- owner's rights, so that table stays unreadable to tenants; a tenant reading the view sees only its own scope.
-- security_barrier: no caller's function is evaluated inside it. Its text is parsed once, here: a caller's
-- search_path cannot change what it calls.
create or replace view evfleet_tenant_scope with (security_barrier = true) as
select case
    when pg_has_role(session_user, 'evfleet_admin', 'usage') then s.chosen
    else (select l.organization_id from public.organization_logins l
          where l.role_name = session_user
            and (l.organization_id = s.chosen
                 or (s.chosen is null
                     and not exists (select 1 from public.organization_logins m
                                     where m.role_name = session_user and m.organization_id <> l.organization_id))))
  end as organization_id
from (select nullif(current_setting('app.current_org_id', true), '')::uuid as chosen) s;
comment on view evfleet_tenant_scope is 'the organization this session may see now (one row; NULL: none): every tenant policy reads it';

-- The same, as a function, for plpgsql (charging_stations_within) and for Citus, whose policies cannot hold a
-- subquery (sql/citus.sql). SECURITY DEFINER with a pinned search_path, as before the view: it reads only the view.
create or replace function evfleet_current_org() returns uuid
language sql stable security definer parallel safe set search_path = pg_catalog, pg_temp as $$
  select s.organization_id from public.evfleet_tenant_scope s
$$;

-- Users (people of one organization)
create table if not exists users (
  id uuid not null default gen_random_uuid(),
  organization_id uuid not null,
  email text not null,
  full_name text not null,
  phone text,
  status text not null default 'active',
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_pkey primary key (id, organization_id),
  constraint users_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
  constraint users_organization_id_id_unique unique (organization_id, id),
  constraint users_email_format check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint users_full_name_not_blank check (btrim(full_name) <> ''),
  constraint users_status_valid check (status in ('invited', 'active', 'suspended', 'deactivated'))
);
create unique index if not exists users_email_unique on users (organization_id, lower(email));
create or replace trigger users_set_updated_at before update on users
  for each row execute function set_updated_at();

-- Application roles and permissions (global reference data, same for every organization)
create table if not exists roles (
  id uuid not null default gen_random_uuid(),
  name text not null,
  description text,
  is_system boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint roles_pkey primary key (id),
  constraint roles_name_unique unique (name)
);
create or replace trigger roles_set_updated_at before update on roles
  for each row execute function set_updated_at();

create table if not exists permissions (
  id uuid not null default gen_random_uuid(),
  code text not null,
  description text,
  created_at timestamptz not null default now(),
  constraint permissions_pkey primary key (id),
  constraint permissions_code_unique unique (code),
  constraint permissions_code_format check (code ~ '^[a-z0-9_]+\.[a-z0-9_]+$')
);

create table if not exists role_permissions (
  role_id uuid not null,
  permission_id uuid not null,
  constraint role_permissions_pkey primary key (role_id, permission_id),
  constraint role_permissions_role_fk foreign key (role_id) references roles (id) on delete cascade,
  constraint role_permissions_permission_fk foreign key (permission_id) references permissions (id) on delete cascade
);
create index if not exists role_permissions_permission_id on role_permissions (permission_id);

-- Which user holds which role (tenant data: carries the user's organization)
create table if not exists user_roles (
  organization_id uuid not null,
  user_id uuid not null,
  role_id uuid not null,
  granted_at timestamptz not null default now(),
  granted_by uuid,
  constraint user_roles_pkey primary key (organization_id, user_id, role_id),
  constraint user_roles_user_fk foreign key (organization_id, user_id) references users (organization_id, id) on delete cascade,
  constraint user_roles_role_fk foreign key (role_id) references roles (id) on delete cascade,
  constraint user_roles_granted_by_fk foreign key (organization_id, granted_by) references users (organization_id, id) on delete set null (granted_by)
);
create index if not exists user_roles_organization_id on user_roles (organization_id);
create index if not exists user_roles_role_id on user_roles (role_id);

-- Default roles and permission sets (idempotent)
insert into permissions (code, description) values
  ('system.admin', 'Manage the whole platform, every organization'),
  ('organization.manage', 'Edit the organization, its plan and settings'),
  ('users.read', 'See users of the organization'),
  ('users.manage', 'Invite, edit and deactivate users, grant roles'),
  ('fleets.read', 'See fleets'),
  ('fleets.manage', 'Create and edit fleets'),
  ('vehicles.read', 'See vehicles and their live state'),
  ('vehicles.manage', 'Register, edit and retire vehicles'),
  ('telematics.read', 'See telematics history'),
  ('charging.read', 'See stations, connectors and sessions'),
  ('charging.manage', 'Manage stations and connectors'),
  ('charging.operate', 'Start and stop charging sessions'),
  ('routes.read', 'See routes and their progress'),
  ('routes.manage', 'Plan, assign and optimize routes'),
  ('routes.drive', 'Report progress on assigned routes'),
  ('energy.read', 'See battery health and energy consumption'),
  ('v2g.manage', 'Manage vehicle-to-grid transactions'),
  ('analytics.read', 'See trends and efficiency analytics'),
  ('maintenance.run', 'Run database maintenance')
on conflict (code) do nothing;

insert into roles (name, description, is_system) values
  ('SuperAdmin', 'Platform administrator: every permission', true),
  ('OrgAdmin', 'Administers one organization', true),
  ('FleetManager', 'Runs fleets, vehicles, charging and routes', true),
  ('Driver', 'Drives assigned routes and charges vehicles', true),
  ('Analyst', 'Reads everything, changes nothing', true)
on conflict (name) do nothing;

insert into role_permissions (role_id, permission_id)
select r.id, p.id
from (values
  ('SuperAdmin', '*'),
  ('OrgAdmin', 'organization.manage'), ('OrgAdmin', 'users.read'), ('OrgAdmin', 'users.manage'),
  ('OrgAdmin', 'fleets.read'), ('OrgAdmin', 'fleets.manage'), ('OrgAdmin', 'vehicles.read'), ('OrgAdmin', 'vehicles.manage'),
  ('OrgAdmin', 'telematics.read'), ('OrgAdmin', 'charging.read'), ('OrgAdmin', 'charging.manage'), ('OrgAdmin', 'charging.operate'),
  ('OrgAdmin', 'routes.read'), ('OrgAdmin', 'routes.manage'), ('OrgAdmin', 'energy.read'), ('OrgAdmin', 'v2g.manage'),
  ('OrgAdmin', 'analytics.read'),
  ('FleetManager', 'users.read'), ('FleetManager', 'fleets.read'), ('FleetManager', 'fleets.manage'),
  ('FleetManager', 'vehicles.read'), ('FleetManager', 'vehicles.manage'), ('FleetManager', 'telematics.read'),
  ('FleetManager', 'charging.read'), ('FleetManager', 'charging.operate'), ('FleetManager', 'routes.read'),
  ('FleetManager', 'routes.manage'), ('FleetManager', 'energy.read'), ('FleetManager', 'v2g.manage'),
  ('FleetManager', 'analytics.read'),
  ('Driver', 'vehicles.read'), ('Driver', 'charging.read'), ('Driver', 'charging.operate'),
  ('Driver', 'routes.read'), ('Driver', 'routes.drive'),
  ('Analyst', 'users.read'), ('Analyst', 'fleets.read'), ('Analyst', 'vehicles.read'), ('Analyst', 'telematics.read'),
  ('Analyst', 'charging.read'), ('Analyst', 'routes.read'), ('Analyst', 'energy.read'), ('Analyst', 'analytics.read')
) as grants (role_name, permission_code)
join roles r on r.name = grants.role_name
join permissions p on p.code = grants.permission_code or grants.permission_code = '*'
on conflict do nothing;

-- Row-level security: one helper so every tenant table (and each partition) gets the same policies
-- Regular roles: one indexed equality on the organization column against evfleet_tenant_scope, evaluated once per
-- statement (an initplan); NULL when the login may not see the chosen organization: fail closed.
-- evfleet_admin members: every row while no organization is chosen. shared_when_null: rows without an organization (public stations) are readable by all.
-- Re-running it brings an existing table's (and its partitions') policies to the current predicate.
create or replace function evfleet_enable_tenant_rls(tbl regclass, org_column name default 'organization_id', shared_when_null boolean default false)
returns void language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  t text := (select relname from pg_class where oid = tbl);
  predicate text := format('%I = (select s.organization_id from public.evfleet_tenant_scope s)', org_column);
  unchosen constant text := '(select nullif(current_setting(''app.current_org_id'', true), '''') is null)';
  part regclass;
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
  if not exists (select 1 from pg_policy where polrelid = tbl and polname = t || '_tenant_isolation') then
    execute format('create policy %I on %s for all to public using (%s) with check (%s)', t || '_tenant_isolation', tbl, predicate, predicate);
  else
    execute format('alter policy %I on %s using (%s) with check (%s)', t || '_tenant_isolation', tbl, predicate, predicate);
  end if;
  -- evfleet_admin members see every row until they choose an organization; then the tenant policy alone decides
  -- (evfleet_tenant_scope: an admin's choice is taken as is). So an admin login is scoped by its SET LOCAL without
  -- a role switch, which Citus could not follow (it connects to the workers as the current role: evfleet_reader
  -- cannot log in). The setting is read once per statement (an initplan).
  if not exists (select 1 from pg_policy where polrelid = tbl and polname = t || '_admin_all') then
    execute format('create policy %I on %s for all to evfleet_admin using (%s) with check (%s)', t || '_admin_all', tbl, unchosen, unchosen);
  else
    execute format('alter policy %I on %s using (%s) with check (%s)', t || '_admin_all', tbl, unchosen, unchosen);
  end if;
  if shared_when_null and not exists (select 1 from pg_policy where polrelid = tbl and polname = t || '_shared_read') then
    execute format('create policy %I on %s for select to public using (%I is null)', t || '_shared_read', tbl, org_column);
  end if;
  for part in select i.inhrelid::regclass from pg_inherits i where i.inhparent = tbl loop
    perform evfleet_copy_tenant_rls(tbl, part);
  end loop;
end
$$;

-- A partition queried directly must not leak: give it the parent's policies (the same predicates), RLS flags and grants.
create or replace function evfleet_copy_tenant_rls(parent regclass, part regclass)
returns void language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  p record;
begin
  if not (select relrowsecurity from pg_class where oid = parent) then
    return;
  end if;
  execute format('alter table %s enable row level security', part);
  execute format('alter table %s force row level security', part);
  for p in
    select pol.polname, pol.polpermissive, pol.polcmd,
           pg_get_expr(pol.polqual, pol.polrelid) as qual,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as withcheck,
           (select string_agg(case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end, ', ') from unnest(pol.polroles) r) as roles,
           q.polname is not null as present,
           q.polname is not null and (pg_get_expr(q.polqual, q.polrelid) is distinct from pg_get_expr(pol.polqual, pol.polrelid)
                                      or pg_get_expr(q.polwithcheck, q.polrelid) is distinct from pg_get_expr(pol.polwithcheck, pol.polrelid)) as differs
    from pg_policy pol
    left join pg_policy q on q.polrelid = part and q.polname = pol.polname
    where pol.polrelid = parent
  loop
    continue when p.present and not p.differs;
    if p.differs then
      execute format('drop policy %I on %s', p.polname, part);
    end if;
    execute format('create policy %I on %s as %s for %s to %s%s%s', p.polname, part,
      case when p.polpermissive then 'permissive' else 'restrictive' end,
      case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
      p.roles,
      case when p.qual is not null then format(' using (%s)', p.qual) else '' end,
      case when p.withcheck is not null then format(' with check (%s)', p.withcheck) else '' end);
  end loop;
  execute format('grant select on %s to evfleet_reader', part);
  execute format('grant all on %s to evfleet_admin', part);
end
$$;

-- Upgrade: policies made before evfleet_tenant_scope (2026-12) read the bindings through (select evfleet_current_org()),
-- a SQL function parsed and planned again in every statement. Every such policy, the partitions' copies included, gets
-- today's predicate (the one evfleet_enable_tenant_rls writes), also on tables whose own file is not re-applied.
do $$
declare
  p record;
  before constant text := '\(\s*SELECT evfleet_current_org\(\) AS evfleet_current_org\)';
  today constant text := '(select s.organization_id from public.evfleet_tenant_scope s)';
begin
  for p in
    select pol.polname, pol.polrelid::regclass as tbl, pg_get_expr(pol.polqual, pol.polrelid) as qual,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as withcheck
    from pg_policy pol
    where coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') ~ before
  loop
    execute format('alter policy %I on %s%s%s', p.polname, p.tbl,
      case when p.qual is not null then format(' using (%s)', regexp_replace(p.qual, before, today, 'g')) else '' end,
      case when p.withcheck is not null then format(' with check (%s)', regexp_replace(p.withcheck, before, today, 'g')) else '' end);
  end loop;
end
$$;

-- Statement-level triggers are not inherited by partitions (PostgreSQL clones only row-level ones), and a
-- statement fires the statement triggers of the table it names only. Copy the parent's onto a partition under
-- the same name, so that a statement naming the partition (COPY straight into a month's partition, the fast
-- ingest path) fires them as a statement naming the parent would. Idempotent: CREATE OR REPLACE by name.
create or replace function evfleet_copy_statement_triggers(parent regclass, part regclass)
returns void language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  t record;
  -- pg_get_triggerdef names the table schema-qualified: " ON public.vehicle_telematics "
  parent_on text := (select format(' ON %I.%I ', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = parent);
  part_on text := (select format(' ON %I.%I ', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = part);
  at integer;
begin
  for t in
    select pg_get_triggerdef(tg.oid) as def
    from pg_trigger tg
    where tg.tgrelid = parent and not tg.tgisinternal and (tg.tgtype & 1) = 0 -- TRIGGER_TYPE_ROW unset: statement-level
  loop
    at := position(parent_on in t.def);
    if at = 0 then
      raise exception 'cannot copy trigger to %: unexpected definition %', part, t.def;
    end if;
    execute regexp_replace(overlay(t.def placing part_on from at for length(parent_on)), '^CREATE TRIGGER ', 'CREATE OR REPLACE TRIGGER ');
  end loop;
end
$$;

-- Upgrades of keys: the files are re-run on an existing database (evfleet db migrate --reapply-changed), and
-- CREATE TABLE IF NOT EXISTS leaves an old table's constraints as they were. These bring a constraint to its
-- definition in the file: nothing when it already matches, else dropped and added again under the same name.
create or replace function evfleet_ensure_primary_key(tbl regclass, cols name[]) returns void
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  cname name;
  present name[];
begin
  select c.conname, array(select a.attname from unnest(c.conkey) with ordinality k(n, o)
                          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o)
    into cname, present
  from pg_constraint c where c.conrelid = tbl and c.contype = 'p';
  if present = cols then
    return;
  end if;
  if cname is not null then
    execute format('alter table %s drop constraint %I', tbl, cname);
  end if;
  execute format('alter table %s add constraint %I primary key (%s)', tbl, (select relname from pg_class where oid = tbl) || '_pkey',
    (select string_agg(quote_ident(c), ', ' order by o) from unnest(cols) with ordinality u(c, o)));
end
$$;

create or replace function evfleet_ensure_unique(tbl regclass, cname name, cols name[]) returns void
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  present name[] := (select array(select a.attname from unnest(c.conkey) with ordinality k(n, o)
                                  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o)
                     from pg_constraint c where c.conrelid = tbl and c.conname = cname and c.contype = 'u');
begin
  if present = cols then
    return;
  end if;
  if present is not null then
    execute format('alter table %s drop constraint %I', tbl, cname);
  end if;
  execute format('alter table %s add constraint %I unique (%s)', tbl, cname,
    (select string_agg(quote_ident(c), ', ' order by o) from unnest(cols) with ordinality u(c, o)));
end
$$;

-- definition as pg_get_constraintdef prints it (spaces and case do not matter), e.g.
-- 'foreign key (organization_id, fleet_id) references fleets (organization_id, id)'
create or replace function evfleet_ensure_foreign_key(tbl regclass, cname name, definition text) returns void
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  present text := (select pg_get_constraintdef(c.oid) from pg_constraint c where c.conrelid = tbl and c.conname = cname);
begin
  if present is not null and lower(regexp_replace(present, '\s+', '', 'g')) = lower(regexp_replace(definition, '\s+', '', 'g')) then
    return;
  end if;
  if present is not null then
    execute format('alter table %s drop constraint %I', tbl, cname);
  end if;
  execute format('alter table %s add constraint %I %s', tbl, cname, definition);
end
$$;

-- Monthly range partitions named <table>_YYYY_MM (UTC months), plus a <table>_default partition per table
-- Rows for a month without a partition land in <table>_default (list_monthly_partitions reports it).
-- When a month's partition is created later and the default already holds rows of that month, the rows are
-- moved into the new partition in the same transaction (otherwise PostgreSQL would refuse the new partition).
-- Concurrent callers serialize on an advisory lock per parent and skip partitions that exist: idempotent.
-- It runs with its owner's rights (operators create partitions of tables they do not own), so it is restricted to evfleet's own
-- partitioned tables: moving rows out of a default partition fires the parent's triggers, so a table of the
-- caller's would run the caller's trigger with the owner's rights.
create or replace function evfleet_partitioned_tables() returns regclass[]
language sql stable set search_path = pg_catalog, pg_temp as $$
  select array_remove(array[pg_catalog.to_regclass('public.vehicle_telematics'),
                            pg_catalog.to_regclass('public.charging_session_metrics'),
                            pg_catalog.to_regclass('public.energy_consumption_records')], null)
$$;

create or replace function create_monthly_partitions(parent regclass, from_month date, months integer)
returns setof text
language plpgsql security definer set search_path = pg_catalog, public, pg_temp as $$
declare
  key_column name;
  key_type regtype;
  parent_schema name;
  parent_name name;
  default_part regclass;
  month_start date;
  part_name text;
  lower_bound text;
  upper_bound text;
  moved bigint;
  created regclass;
begin
  if months is null or months < 0 or months > 600 then
    raise exception 'months must be between 0 and 600, got %', months;
  end if;
  if parent is null or not parent = any (public.evfleet_partitioned_tables()) then
    raise exception '% is not one of evfleet''s partitioned tables', parent
      using errcode = 'insufficient_privilege',
            hint = 'create_monthly_partitions serves vehicle_telematics, charging_session_metrics and energy_consumption_records';
  end if;
  select a.attname, a.atttypid::regtype, n.nspname, c.relname, nullif(p.partdefid, 0)::regclass
    into key_column, key_type, parent_schema, parent_name, default_part
  from pg_partitioned_table p
  join pg_class c on c.oid = p.partrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
  where p.partrelid = parent and p.partstrat = 'r' and p.partnatts = 1;
  if not found then
    raise exception '% is not a table range-partitioned on one column', parent;
  end if;
  if key_type not in ('timestamp with time zone'::regtype, 'timestamp without time zone'::regtype, 'date'::regtype) then
    raise exception '% is partitioned on %.% of type %; monthly partitions need a date or timestamp column', parent, parent_name, key_column, key_type;
  end if;

  perform pg_advisory_xact_lock(hashtext('evfleet.create_monthly_partitions'), parent::oid::integer);

  for i in 0 .. months - 1 loop
    month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
    part_name := format('%s_%s', parent_name, to_char(month_start, 'YYYY_MM'));
    continue when exists (
      select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = parent and c.relname = part_name);
    if to_regclass(format('%I.%I', parent_schema, part_name)) is not null then
      raise exception 'table %.% exists but is not a partition of %', parent_schema, part_name, parent
        using hint = 'attach it with ALTER TABLE ... ATTACH PARTITION, or rename it';
    end if;
    if key_type = 'timestamp with time zone'::regtype then
      lower_bound := month_start::text || ' 00:00:00+00';
      upper_bound := (month_start + interval '1 month')::date::text || ' 00:00:00+00';
    else
      lower_bound := month_start::text;
      upper_bound := (month_start + interval '1 month')::date::text;
    end if;

    moved := 0;
    if default_part is not null then
      execute format('select count(*) from %s where %I >= %L and %I < %L', default_part, key_column, lower_bound, key_column, upper_bound)
        into moved;
      if moved > 0 then
        execute format('create temp table evfleet_moved_rows (like %s) on commit drop', parent);
        execute format('with d as (delete from %s where %I >= %L and %I < %L returning *) insert into evfleet_moved_rows select * from d',
          default_part, key_column, lower_bound, key_column, upper_bound);
      end if;
    end if;

    begin
      execute format('create table %I.%I partition of %s for values from (%L) to (%L)', parent_schema, part_name, parent, lower_bound, upper_bound);
    exception when duplicate_table then
      continue; -- created by a concurrent caller our snapshot cannot see yet (repeatable read)
    end;
    created := format('%I.%I', parent_schema, part_name)::regclass;
    perform evfleet_copy_tenant_rls(parent, created);
    perform evfleet_copy_statement_triggers(parent, created);
    -- telematics: the vehicle reference checked by the statement trigger just copied (fleet_schema.sql)
    if parent = to_regclass('public.vehicle_telematics') then
      perform public.evfleet_telematics_reference_check_by_statement(created);
    end if;

    if moved > 0 then
      execute format('insert into %s overriding system value select * from evfleet_moved_rows', parent);
      drop table evfleet_moved_rows;
      raise notice 'moved % row(s) of % from % into %', moved, to_char(month_start, 'YYYY-MM'), default_part, part_name;
    end if;
    return next part_name;
  end loop;
end
$$;

-- The current UTC month and months_ahead more (the usual call, e.g. from a monthly job).
create or replace function create_monthly_partitions(parent regclass, months_ahead integer default 3)
returns setof text
language sql security definer set search_path = pg_catalog, public, pg_temp as $$
  select public.create_monthly_partitions(parent, (now() at time zone 'UTC')::date, months_ahead + 1)
$$;

-- Partitions of a parent with their ranges (the one parser of the bounds create_monthly_partitions writes).
create or replace function monthly_partition_ranges(parent regclass)
returns table (part regclass, partition_name text, range_from timestamptz, range_to timestamptz, is_default boolean)
language sql stable security invoker set search_path = pg_catalog, pg_temp as $$
  select c.oid::regclass, c.relname::text, b.bounds[1]::timestamptz, b.bounds[2]::timestamptz, coalesce(pt.partdefid = c.oid, false)
  from pg_inherits i
  join pg_class c on c.oid = i.inhrelid
  left join pg_partitioned_table pt on pt.partrelid = i.inhparent
  cross join lateral (select regexp_match(pg_get_expr(c.relpartbound, c.oid), '^FOR VALUES FROM \(''([^'']*)''\) TO \(''([^'']*)''\)$') as bounds) b
  where i.inhparent = parent
  order by coalesce(pt.partdefid = c.oid, false), c.relname
$$;

-- Where a row recorded at `at` belongs: the partition whose range holds it, or the parent when none does (the
-- row then lands in the default partition through the parent). An ingest service COPYs each month's rows
-- straight into the table this names: no routing per row, COPY's multi-row inserts, and the live-state trigger
-- still fires (evfleet_copy_statement_triggers). A row outside the named partition's range is refused.
create or replace function monthly_partition_for(parent regclass, at timestamptz)
returns regclass language sql stable security invoker set search_path = pg_catalog, pg_temp as $$
  select coalesce(
    (select r.part from public.monthly_partition_ranges(parent) r where not r.is_default and at >= r.range_from and at < r.range_to limit 1),
    parent)
$$;

-- Partitions of a parent with their ranges, size and row estimate (reltuples; NULL before the first ANALYZE).
-- has_rows is exact (one-row probe, past row-level security): watch it on the default partition. It tells which
-- months hold rows of any organization, so only operators may run it (not PUBLIC, not tenant readers).
create or replace function list_monthly_partitions(parent regclass)
returns table (partition_name text, range_from timestamptz, range_to timestamptz, is_default boolean,
               row_estimate bigint, total_bytes bigint, has_rows boolean)
language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp as $$
declare
  p record;
begin
  if parent is null or not parent = any (public.evfleet_partitioned_tables()) then
    raise exception '% is not one of evfleet''s partitioned tables', parent using errcode = 'insufficient_privilege';
  end if;
  for p in
    select r.part, r.partition_name, r.range_from, r.range_to, r.is_default, c.reltuples
    from public.monthly_partition_ranges(parent) r join pg_class c on c.oid = r.part
  loop
    partition_name := p.partition_name;
    is_default := p.is_default;
    range_from := p.range_from;
    range_to := p.range_to;
    row_estimate := case when p.reltuples < 0 then null else p.reltuples::bigint end;
    total_bytes := pg_total_relation_size(p.part);
    execute format('select exists (select 1 from %s)', p.part) into has_rows;
    return next;
  end loop;
end
$$;

-- Privileges for the database roles, in one place; every schema file calls this at its end
-- reader: SELECT on every table and view (RLS still applies), except the raw materialized views (read them through
--         the *_scoped views) and organization_logins; EXECUTE on read functions.
-- writer: reader + INSERT/UPDATE/DELETE on its organization's fleet data (RLS: only rows of its organization).
-- operator: reader + the maintenance functions + writing maintenance_log.
-- admin: everything, and RLS policies let it see every organization.
-- Functions that run with their owner's rights: never PUBLIC; each is granted to the one role that needs it (definer below), and a
-- definer function missing from that list fails the load, so a new one cannot slip through with PUBLIC's EXECUTE.
create or replace function evfleet_apply_grants() returns void
language plpgsql set search_path = pg_catalog, public, pg_temp as $$
declare
  r record;
  definer_grants jsonb := jsonb_build_object(
    'evfleet_current_org', 'evfleet_reader',          -- evfleet_tenant_scope as a function (plpgsql, Citus policies)
    'charging_stations_within', 'evfleet_reader',     -- the leak-proof radius search
    'evfleet_log_refusal', 'evfleet_reader',          -- audits refusals of roles that may not write maintenance_log
    'create_monthly_partitions', 'evfleet_operator',
    'list_monthly_partitions', 'evfleet_operator',
    'refresh_battery_health_trends', 'evfleet_operator',
    'refresh_energy_efficiency_metrics', 'evfleet_operator',
    'evfleet_refresh_matview', 'evfleet_admin',       -- internal: through the two refresh_* functions
    'vehicle_telematics_after_insert', 'evfleet_admin' -- a trigger: never called directly
  );
  internal text[] := array['evfleet_enable_tenant_rls', 'evfleet_copy_tenant_rls', 'evfleet_copy_statement_triggers', 'evfleet_apply_grants',
                           'evfleet_ensure_foreign_key', 'evfleet_ensure_primary_key', 'evfleet_ensure_unique'];
  -- the tenant's fleet data: what evfleet_writer may change (row-level security keeps it to its organization)
  writable text[] := array['fleets', 'vehicles', 'vehicle_telematics', 'charging_stations', 'charging_connectors', 'charging_sessions',
                           'charging_session_metrics', 'routes', 'route_waypoints', 'route_assignments', 'route_progress',
                           'route_optimization_history', 'battery_health_reports', 'energy_consumption_records', 'v2g_energy_transactions'];
  private text[] := array['organization_logins'];
begin
  grant usage on schema public to evfleet_reader, evfleet_writer, evfleet_operator, evfleet_admin;
  for r in
    select c.oid::regclass as rel, c.relkind, c.relname, c.relispartition,
           (select p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent where i.inhrelid = c.oid) as parent_name
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
      and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  loop
    execute format('grant all on %s to evfleet_admin', r.rel);
    if r.relkind = 'm' or r.relname = any (private) then
      execute format('revoke all on %s from public, evfleet_reader, evfleet_writer, evfleet_operator', r.rel);
    else
      execute format('grant select on %s to evfleet_reader', r.rel);
    end if;
    if r.relname = any (writable) or (r.relispartition and r.parent_name = any (writable)) then
      execute format('grant insert, update, delete on %s to evfleet_writer', r.rel);
    end if;
  end loop;
  grant insert, update on maintenance_log to evfleet_operator;
  for r in
    select p.oid::regprocedure as fn, p.proname, p.prosecdef, p.prorettype = 'trigger'::regtype as is_trigger
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('grant execute on function %s to evfleet_admin', r.fn);
    if r.prosecdef then
      if not definer_grants ? r.proname then
        raise exception 'owner''s-rights (definer) function % has no grant in evfleet_apply_grants', r.fn
          using hint = 'add it to definer_grants with the one role that needs it';
      end if;
      execute format('revoke execute on function %s from public', r.fn);
      execute format('grant execute on function %s to %I', r.fn, definer_grants ->> r.proname);
    elsif r.proname = any (internal) or r.is_trigger then
      execute format('revoke execute on function %s from public', r.fn);
    else
      execute format('grant execute on function %s to evfleet_reader', r.fn);
    end if;
  end loop;
  -- Statistics of every organization: PostGIS's extent and histogram readers, and the planner statistics views
  -- (histograms and most common values of every column a reader may SELECT, other tenants' values included).
  -- Operators and admins keep them. Needs the owner of the extension / a superuser; otherwise say so.
  for r in
    select p.oid::regprocedure as fn from pg_proc p
    where p.pronamespace = (select extnamespace from pg_extension where extname = 'postgis')
      and p.proname in ('st_estimatedextent', '_postgis_stats', '_postgis_selectivity', '_postgis_join_selectivity', '_postgis_index_extent')
  loop
    begin
      execute format('revoke execute on function %s from public', r.fn);
      execute format('grant execute on function %s to evfleet_operator', r.fn);
    exception when insufficient_privilege then
      raise warning 'could not revoke % from PUBLIC (needs the owner of postgis): tenants can read every organization''s extents', r.fn;
    end;
  end loop;
  begin
    revoke select on pg_catalog.pg_stats, pg_catalog.pg_stats_ext, pg_catalog.pg_stats_ext_exprs from public;
    grant select on pg_catalog.pg_stats, pg_catalog.pg_stats_ext, pg_catalog.pg_stats_ext_exprs to evfleet_operator;
  exception when insufficient_privilege then
    raise warning 'could not revoke SELECT on pg_stats from PUBLIC (needs a superuser): tenants can read every organization''s column statistics';
  end;
end
$$;

-- Keys of existing databases (fresh ones get them from CREATE TABLE above)
-- tenant keys include organization_id (a distribution by organization needs it in every key); id first: lookups by id
-- (the old granted_by key referenced users (id) alone: replaced before users' key changes)
select evfleet_ensure_foreign_key('user_roles', 'user_roles_granted_by_fk',
  'foreign key (organization_id, granted_by) references users (organization_id, id) on delete set null (granted_by)');
select evfleet_ensure_primary_key('users', array['id', 'organization_id']);
select evfleet_ensure_primary_key('user_roles', array['organization_id', 'user_id', 'role_id']);
create index if not exists user_roles_granted_by on user_roles (granted_by) where granted_by is not null;

-- Row-level security on this file's tenant tables
select evfleet_enable_tenant_rls('organizations', 'id');
select evfleet_enable_tenant_rls('users');
select evfleet_enable_tenant_rls('user_roles');

select evfleet_apply_grants();
