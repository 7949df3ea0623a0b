// The big tables, generated inside PostgreSQL with insert … select over generate_series: stations, connectors,
// charging sessions and meter values, V2G transactions, battery reports, energy records and telematics.
// Randomness comes from hashint8extended(key, seed) (random.ts), so the data depends on --seed only, never on
// how many workers or connections ran it. Placeholders :p_name become $n parameters (see runStatement).
import {cairoTemperatures, chargingOperators, places} from './catalog.js';
import {sqlRandom as r, sqlUuid as id} from './random.js';

const means = cairoTemperatures.map(([low, high]) => (low + high) / 2);
const amplitudes = cairoTemperatures.map(([low, high]) => (high - low) / 2);

/** Air temperature in Cairo at a timestamptz expression (monthly normals, daily cosine peaking 15:00 local). */
export function sqlCairoTemperature(t: string): string {
	return `((array[${means.join(',')}]::float8[])[date_part('month', ${t})::int]
		+ (array[${amplitudes.join(',')}]::float8[])[date_part('month', ${t})::int]
		* cos(2 * pi() * ((date_part('hour', ${t}) + date_part('minute', ${t}) / 60 + 2) - 15) / 24))`;
}

/** Floating-point modulo (numeric % is exact but many times slower, and this runs per telematics row). */
function fmod(x: string, m: number): string {
	return `((${x}) - ${m} * floor((${x}) / ${m}))`;
}

/** kWh per km at a speed and an air temperature (same model as consumptionKwhPerKm in catalog.ts). */
function sqlConsumption(base: string, speed: string, temperature: string): string {
	return `(${base} * (0.88 + 0.000045 * ${speed} * ${speed} + case when ${speed} < 15 then 0.15 else 0 end)
		* case when ${temperature} >= 21 then 1 + 0.008 * (${temperature} - 21) else 1 + 0.015 * (21 - ${temperature}) end)`;
}

/** Charge power at a state of charge: full until 80 %, then tapering to 15 % at 100 %. */
function sqlTaper(soc: string): string {
	return `(case when ${soc} < 10 then 0.85 when ${soc} < 80 then 1 else greatest(0.15, 1 - (${soc} - 80) / 20 * 0.85) end)`;
}

/** State of health at a time: a 1–2 % first-year drop, then the vehicle's own linear fade, a little noise. */
function sqlSoh(v: string, t: string, noiseKey: string): string {
	const age = `greatest(0, date_part('epoch', ${t} - ${v}.commissioned_on::timestamptz) / 31557600.0)`;
	return `least(100, greatest(50, 100 - ${v}.soh_rate * ${age} - 1.5 * (1 - exp(-4 * ${age})) + (${r(noiseKey, 91)} - 0.5) * 0.4))`;
}

export const scratchTables = ['evfleet_seed_vehicles', 'evfleet_seed_fleets', 'evfleet_seed_connectors'];

export const createScratch = `
create unlogged table evfleet_seed_fleets (
  n int primary key, id uuid not null, organization_id uuid not null, name text not null, lon float8 not null, lat float8 not null,
  ac_connectors int not null, v2g_connectors int not null, grid_operator text not null);
create unlogged table evfleet_seed_vehicles (
  n int primary key, id uuid not null, organization_id uuid not null, fleet_n int not null, status text not null,
  usable_kwh float8 not null, max_ac_kw float8 not null, max_dc_kw float8 not null, kwh_per_km float8 not null, pack_voltage float8 not null,
  depot_kind text not null, depot_connector int not null, depot_window int not null, ccs_rank int,
  depot_lon float8 not null, depot_lat float8 not null, park_lon float8 not null, park_lat float8 not null,
  commissioned_on date not null, soh_rate float8 not null, daily_km float8 not null, shift_start_h float8 not null, friday_off boolean not null,
  loop_radius_deg float8 not null, loop_minutes float8 not null, phase float8 not null, last_report_at timestamptz not null,
  history_offset_min int not null, grid_operator text not null);
create unlogged table evfleet_seed_connectors (
  id uuid primary key, kind text not null, fleet_n int, k int, power_kw float8 not null, price_per_kwh numeric not null);
create index on evfleet_seed_connectors (kind, k, fleet_n);`;

const placesJson = JSON.stringify(places.map(p => ({name: p.name, lat: p.lat, lon: p.lon, area: p.area})));

/** Depot stations (one per fleet, owned by its organization) and public stations around real places. */
export const insertStations = `
with cat as (select :p_places::text::jsonb as places),
pl as (select (e->>'name') as name, (e->>'lat')::float8 as lat, (e->>'lon')::float8 as lon, e->>'area' as area, ord
       from cat, jsonb_array_elements(cat.places) with ordinality as x(e, ord)),
weighted as (
  -- Cairo places three times, the capital twice, Alexandria once: where public chargers actually are
  select pl.*, row_number() over (order by pl.ord, c) - 1 as slot
  from pl cross join generate_series(1, case pl.area when 'cairo' then 3 when 'nac' then 2 else 1 end) c),
slots as (select count(*) as total from weighted),
public_stations as (
  select s, w.name as place, w.area, w.lat, w.lon,
         :p_scatter_km::float8 * sqrt(${r('s', 1)}) as dist_km, 2 * pi() * ${r('s', 2)} as angle
  from generate_series(0, :p_public::int - 1) s
  cross join slots
  join weighted w on w.slot = floor(${r('s', 3)} * slots.total)::int)
insert into charging_stations (id, organization_id, operator_name, name, address, city, country_code, location, status,
                               operating_hours, amenities, last_heartbeat_at, created_at)
select ${id('depot-station', 'f.n')}, f.organization_id, null, f.name || ' chargers', f.name, null, 'EG',
       st_setsrid(st_makepoint(f.lon, f.lat), 4326)::geography, 'active', '{"always": true}', '{"parking": "private"}',
       :p_anchor::timestamptz - make_interval(secs => 60 * ${r('f.n', 4)}), :p_anchor::timestamptz - interval '400 days'
from evfleet_seed_fleets f
union all
select ${id('station', 'p.s')}, null, (:p_operators::text[])[1 + floor(${r('p.s', 5)} * cardinality(:p_operators::text[]))::int],
       (:p_operators::text[])[1 + floor(${r('p.s', 5)} * cardinality(:p_operators::text[]))::int] || ' ' || p.place || ' #' || (p.s + 1),
       p.place, case p.area when 'alexandria' then 'Alexandria' when 'nac' then 'New Administrative Capital' else 'Cairo' end, 'EG',
       st_setsrid(st_makepoint(p.lon + p.dist_km / (111.32 * cos(radians(p.lat))) * cos(p.angle), p.lat + p.dist_km / 111.32 * sin(p.angle)), 4326)::geography,
       case when ${r('p.s', 6)} < 0.02 then 'maintenance' when ${r('p.s', 6)} < 0.03 then 'offline' else 'active' end,
       case when ${r('p.s', 7)} < 0.7 then '{"always": true}'::jsonb else '{"mon-sun": "07:00-23:00"}'::jsonb end,
       jsonb_build_object('cafe', ${r('p.s', 8)} < 0.4, 'restroom', ${r('p.s', 8)} < 0.7, 'mall', ${r('p.s', 9)} < 0.25),
       case when ${r('p.s', 6)} < 0.03 and ${r('p.s', 6)} >= 0.02 then :p_anchor::timestamptz - make_interval(hours => 2 + floor(40 * ${r('p.s', 10)})::int)
            else :p_anchor::timestamptz - make_interval(secs => 90 * ${r('p.s', 10)}) end,
       :p_anchor::timestamptz - make_interval(days => 30 + floor(600 * ${r('p.s', 11)})::int)
from public_stations p`;

/** Depot connectors (Type2 AC for everyone, bidirectional CHAdeMO for V2G vehicles) and 1–5 public connectors per station. */
export const insertConnectors = `
with depot as (
  select f.n, ${id('depot-station', 'f.n')} as station_id, k, case when k < f.ac_connectors then 'ac' else 'v2g' end as kind,
         case when k < f.ac_connectors then k else k - f.ac_connectors end as kind_k
  from evfleet_seed_fleets f cross join generate_series(0, f.ac_connectors + f.v2g_connectors - 1) k),
public as (
  select s, ${id('station', 's')} as station_id, c, ${r('s * 16 + c', 21)} as kind_roll, ${r('s * 16 + c', 22)} as power_roll
  from generate_series(0, :p_public::int - 1) s cross join generate_series(1, 1 + floor(${r('s', 20)} * 5)::int) c),
rows as (
  select ${id('depot-connector', "d.n || '-' || d.k")} as id, d.station_id, d.k + 1 as connector_number,
         case d.kind when 'ac' then 'Type2' else 'CHAdeMO' end as connector_type,
         case d.kind when 'ac' then 'AC' else 'DC' end as current_type,
         case d.kind when 'ac' then 22 else 7.4 end::float8 as max_power_kw,
         case d.kind when 'ac' then 1.85 else 1.85 end::numeric as price_per_kwh, 0::numeric as price_per_minute,
         d.kind = 'v2g' as supports_v2g, 'available' as status, d.kind, d.n as fleet_n, d.kind_k as k
  from depot d
  union all
  select ${id('connector', "p.s || '-' || p.c")}, p.station_id, p.c,
         case when p.kind_roll < 0.55 then 'CCS2' when p.kind_roll < 0.68 then 'CHAdeMO' when p.kind_roll < 0.7 then 'GB/T' else 'Type2' end,
         case when p.kind_roll < 0.7 then 'DC' else 'AC' end,
         case when p.kind_roll < 0.55 then (array[50, 60, 120, 180])[1 + floor(p.power_roll * 4)::int]
              when p.kind_roll < 0.7 then 50 else (array[11, 22])[1 + floor(p.power_roll * 2)::int] end::float8,
         round((case when p.kind_roll < 0.7 then 3.5 + 2 * p.power_roll else 2.1 + 0.8 * p.power_roll end)::numeric, 2),
         case when p.kind_roll < 0.7 then 0.25 else 0 end::numeric,
         false,
         case when ${r('p.s * 16 + p.c', 23)} < 0.03 then 'faulted' when ${r('p.s * 16 + p.c', 23)} < 0.05 then 'offline' else 'available' end,
         case when p.kind_roll < 0.55 then 'public-ccs' else 'public' end, null::int, null::int
  from public p),
scratch as (
  insert into evfleet_seed_connectors (id, kind, fleet_n, k, power_kw, price_per_kwh)
  select id, kind, fleet_n, k, max_power_kw, price_per_kwh from rows)
insert into charging_connectors (id, station_id, connector_number, connector_type, current_type, max_power_kw, price_per_kwh,
                                 price_per_minute, currency, supports_v2g, status, status_changed_at, created_at)
select id, station_id, connector_number, connector_type, current_type, max_power_kw, price_per_kwh, price_per_minute, 'EGP',
       supports_v2g, status, :p_anchor::timestamptz - make_interval(mins => floor(3000 * ${r("hashtext(id::text)", 24)})::int),
       :p_anchor::timestamptz - interval '400 days'
from rows`;

/** Public CCS2 connectors that take daytime fast-charging sessions, numbered so each vehicle gets its own slot. */
export const rankPublicConnectors = `
update evfleet_seed_connectors c set k = ranked.k
from (select s.id, row_number() over (order by s.id) - 1 as k
      from evfleet_seed_connectors s join charging_connectors cc on cc.id = s.id
      where s.kind = 'public-ccs' and cc.status = 'available') ranked
where c.id = ranked.id`;

// A session per vehicle and night on its own depot connector and window (19:00, 23:00 or 03:00 Cairo time),
// and now and then a daytime DC fast charge on a public connector slot of its own: no overlap is possible.
const sessionPlan = `
with public_count as (select count(*) filter (where kind = 'public-ccs' and k is not null) as n from evfleet_seed_connectors),
plan as (
  select v.n, v.id as vehicle_id, v.organization_id, d, 'depot' as kind, c.id as connector_id, c.price_per_kwh,
         (date_trunc('day', :p_anchor::timestamptz) - make_interval(days => d) + interval '17 hours'
           + make_interval(hours => 4 * v.depot_window) + make_interval(mins => floor(20 * ${r('v.n * 1000 + d', 31)})::int)) as started_at,
         case when v.depot_kind = 'v2g' then least(v.max_ac_kw, c.power_kw) else least(v.max_ac_kw, c.power_kw) end as power_kw,
         15 + 40 * ${r('v.n * 1000 + d', 32)} as start_soc, case when v.depot_kind = 'v2g' then 85 else 90 end as target_soc,
         v.depot_kind = 'v2g' and ${r('v.n * 1000 + d', 33)} < 0.35 as is_v2g, v.usable_kwh, v.grid_operator,
         ${r('v.n * 1000 + d', 30)} < 0.7 as happens, v.last_report_at
  from evfleet_seed_vehicles v
  cross join generate_series(0, :p_session_days::int) d
  join evfleet_seed_connectors c on c.fleet_n = v.fleet_n and c.kind = v.depot_kind and c.k = v.depot_connector
  where v.status <> 'retired'
  union all
  select v.n, v.id, v.organization_id, d, 'public', c.id, c.price_per_kwh,
         (date_trunc('day', :p_anchor::timestamptz) - make_interval(days => d) + interval '8 hours'
           + make_interval(hours => (v.ccs_rank / pc.n)::int) + make_interval(mins => floor(10 * ${r('v.n * 1000 + d', 35)})::int)),
         least(v.max_dc_kw, c.power_kw), 10 + 25 * ${r('v.n * 1000 + d', 36)}, 80, false, v.usable_kwh, v.grid_operator,
         ${r('v.n * 1000 + d', 34)} < 0.12, v.last_report_at
  from evfleet_seed_vehicles v
  cross join public_count pc
  cross join generate_series(0, :p_session_days::int) d
  join evfleet_seed_connectors c on c.kind = 'public-ccs' and c.k = v.ccs_rank % pc.n
  where v.status = 'active' and v.ccs_rank is not null and pc.n > 0 and v.ccs_rank / pc.n < 6),
sized as (
  select p.*,
         -- hours on the plug: energy / power, DC slower past 80 % (mean taper), at most 3.6 h (0.8 h for a fast charge)
         least(case when p.kind = 'depot' then 3.6 else 0.8 end,
               (p.target_soc - p.start_soc) / 100 * p.usable_kwh / (p.power_kw * case when p.kind = 'public' then 0.85 else 1 end)
               + case when p.is_v2g then 1 else 0 end) as hours,
         case when p.is_v2g then round((2 + 8 * ${r('p.n * 1000 + p.d', 37)})::numeric, 2)::float8 else 0 end as to_grid_kwh
  from plan p where p.happens),
final as (
  select s.*, s.started_at + make_interval(secs => s.hours * 3600) as planned_end,
         least(s.target_soc, s.start_soc + (s.hours - case when s.is_v2g then 1 else 0 end) * s.power_kw
               * case when s.kind = 'public' then 0.85 else 1 end / s.usable_kwh * 100) as end_soc
  -- a vehicle that went silent starts no session after its last report
  from sized s where s.started_at < least(:p_anchor::timestamptz, s.last_report_at))`;

export const insertSessions = `${sessionPlan}
insert into charging_sessions (id, organization_id, vehicle_id, connector_id, started_at, ended_at, energy_kwh, energy_to_grid_kwh,
                               cost, currency, start_soc_pct, end_soc_pct, target_soc_pct, is_v2g, status, stop_reason, created_at)
select ${id('session', "f.n || '-' || f.d || '-' || f.kind")}, f.organization_id, f.vehicle_id, f.connector_id, f.started_at,
       case when f.planned_end > :p_anchor::timestamptz then null else f.planned_end end,
       round((date_part('epoch', least(f.planned_end, :p_anchor::timestamptz) - f.started_at) / date_part('epoch', f.planned_end - f.started_at)
              * (f.end_soc - f.start_soc) / 100 * f.usable_kwh)::numeric, 3)::float8 + case when f.is_v2g then f.to_grid_kwh else 0 end,
       f.to_grid_kwh,
       case when f.planned_end > :p_anchor::timestamptz then null
            else round(((f.end_soc - f.start_soc) / 100 * f.usable_kwh * f.price_per_kwh::float8)::numeric, 2) end,
       'EGP', round(f.start_soc::numeric, 1), case when f.planned_end > :p_anchor::timestamptz then null else round(f.end_soc::numeric, 1) end,
       f.target_soc, f.is_v2g,
       case when f.planned_end > :p_anchor::timestamptz then 'active' else 'completed' end,
       case when f.planned_end > :p_anchor::timestamptz then null when f.end_soc >= f.target_soc - 0.5 then 'target_reached' else 'unplugged' end,
       f.started_at
from final f`;

/** Meter values every 10 minutes for recent sessions, following the charge curve; V2G sessions export first. */
export const insertSessionMetrics = `
insert into charging_session_metrics (session_id, organization_id, recorded_at, direction, power_kw, energy_kwh, soc_pct, voltage_v, current_a, temperature_c)
select s.id, s.organization_id, t,
       case when s.is_v2g and t < s.started_at + interval '1 hour' then 'to_grid' else 'from_grid' end,
       round(p.power::numeric, 2)::float8,
       round(greatest(0, (p.soc - s.start_soc_pct) / 100 * v.usable_kwh)::numeric, 3)::float8 + case when s.is_v2g then s.energy_to_grid_kwh * least(1, date_part('epoch', t - s.started_at) / 3600) else 0 end,
       round(p.soc::numeric, 1)::real, round((v.pack_voltage * (0.88 + 0.16 * p.soc / 100))::numeric, 1)::real,
       round((p.power * 1000 / (v.pack_voltage * (0.88 + 0.16 * p.soc / 100)))::numeric, 1)::real,
       round((24 + p.power / 8 + 4 * ${r("hashtext(s.id::text) + date_part('epoch', t)::bigint", 41)})::numeric, 1)::real
from charging_sessions s
join evfleet_seed_vehicles v on v.id = s.vehicle_id
join charging_connectors c on c.id = s.connector_id
cross join lateral generate_series(s.started_at, coalesce(s.ended_at, :p_anchor::timestamptz), interval '10 minutes') t
cross join lateral (
  select least(coalesce(s.end_soc_pct, s.target_soc_pct), s.start_soc_pct
           + greatest(0, date_part('epoch', t - s.started_at) / 3600 - case when s.is_v2g then 1 else 0 end)
           * least(case when c.current_type = 'AC' then v.max_ac_kw else v.max_dc_kw end, c.max_power_kw) * 0.92 / v.usable_kwh * 100) as soc offset 0) q
cross join lateral (
  select q.soc, case when s.is_v2g and t < s.started_at + interval '1 hour' then 7.4
                     else least(case when c.current_type = 'AC' then v.max_ac_kw else v.max_dc_kw end, c.max_power_kw)
                          * case when c.current_type = 'AC' then case when q.soc > 95 then 0.5 else 1 end else ${sqlTaper('q.soc')} end
                end as power offset 0) p
where s.organization_id = any(:p_orgs::uuid[]) and s.started_at >= :p_anchor::timestamptz - make_interval(days => :p_metrics_days::int)`;

/** V2G settlement rows: energy exported in the evening peak and bought back overnight, per V2G session. */
export const insertV2g = `
insert into v2g_energy_transactions (id, organization_id, vehicle_id, charging_session_id, direction, energy_kwh, price_per_kwh, currency,
                                     grid_operator, started_at, ended_at, settled, settled_at, created_at)
select ${id('v2g', "s.id || '-' || x.direction")}, s.organization_id, s.vehicle_id, s.id, x.direction,
       case x.direction when 'to_grid' then s.energy_to_grid_kwh else round((s.energy_to_grid_kwh * 1.1)::numeric, 3)::float8 end,
       case x.direction when 'to_grid' then 2.60 else 1.45 end, 'EGP', v.grid_operator,
       case x.direction when 'to_grid' then s.started_at else s.started_at + interval '1 hour' end,
       case x.direction when 'to_grid' then s.started_at + interval '1 hour' else s.ended_at end,
       s.ended_at is not null and s.ended_at < :p_anchor::timestamptz - interval '7 days',
       case when s.ended_at is not null and s.ended_at < :p_anchor::timestamptz - interval '7 days' then s.ended_at + interval '5 days' end,
       s.started_at
from charging_sessions s
join evfleet_seed_vehicles v on v.id = s.vehicle_id
cross join (values ('to_grid'), ('from_grid')) x(direction)
where s.is_v2g and s.organization_id = any(:p_orgs::uuid[]) and (x.direction = 'to_grid' or s.ended_at is not null)`;

/** Monthly BMS reports: SoH declines 1–3 %/year (a few vehicles 4–7 %), resistance and cell spread grow with it. */
export const insertBatteryReports = `
insert into battery_health_reports (id, organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh, cycle_count,
                                    internal_resistance_mohm, cell_voltage_min_v, cell_voltage_max_v, cell_voltage_spread_mv,
                                    temp_min_c, temp_max_c, temp_avg_c, source, details, created_at)
select ${id('battery', "v.n || '-' || m")}, v.organization_id, v.id, b.t, round(b.soh::numeric, 2)::real,
       round((v.usable_kwh * b.soh / 100)::numeric, 2)::float8,
       floor(v.daily_km * 0.8 * greatest(0, date_part('epoch', b.t - v.commissioned_on::timestamptz) / 86400) / (v.usable_kwh / v.kwh_per_km))::int,
       round((45 + (100 - b.soh) * 3 + 6 * ${r('v.n * 100 + m', 52)})::numeric, 1)::real,
       round((3.62 + 0.1 * ${r('v.n * 100 + m', 53)})::numeric, 3)::real,
       round((3.62 + 0.1 * ${r('v.n * 100 + m', 53)} + (4 + (100 - b.soh) * 2.5) / 1000)::numeric, 3)::real,
       round((4 + (100 - b.soh) * 2.5)::numeric, 1)::real,
       round((b.temp - 3)::numeric, 1)::real, round((b.temp + 9)::numeric, 1)::real, round((b.temp + 3)::numeric, 1)::real,
       case when ${r('v.n * 100 + m', 54)} < 0.05 then 'workshop' else 'bms' end,
       jsonb_build_object('firmware', 'BMS ' || (2 + floor(m / 8)) || '.' || (m % 8), 'balancing_active', ${r('v.n * 100 + m', 55)} < 0.2),
       b.t
from evfleet_seed_vehicles v
cross join generate_series(0, :p_months::int - 1) m
cross join lateral (select date_trunc('month', :p_anchor::timestamptz) - make_interval(months => m)
                           + make_interval(days => floor(25 * ${r('v.n * 100 + m', 51)})::int, hours => 3) as t) t0
cross join lateral (select t0.t, ${sqlSoh('v', 't0.t', 'v.n * 100 + m')} as soh, ${sqlCairoTemperature('t0.t')} as temp offset 0) b
where b.t >= v.commissioned_on::timestamptz and b.t <= v.last_report_at`;

/** One record per vehicle and working day for the last 90 days, one per week before: distance, energy, regeneration, weather. */
export const insertEnergyRecords = `
insert into energy_consumption_records (vehicle_id, organization_id, period_start, period_end, distance_km, energy_consumed_kwh,
                                        energy_regenerated_kwh, ambient_temp_c, avg_speed_kmh, weather)
select v.id, v.organization_id, p.period_start, p.period_end, round(p.km::numeric, 2)::float8,
       round((p.km * ${sqlConsumption('v.kwh_per_km', 'p.speed', 'p.temp')})::numeric, 3)::float8,
       round((p.km * ${sqlConsumption('v.kwh_per_km', 'p.speed', 'p.temp')} * (0.1 + 0.12 * ${r('v.n * 10000 + p.k', 63)}))::numeric, 3)::float8,
       round(p.temp::numeric, 1)::real, round(p.speed::numeric, 1)::real,
       jsonb_build_object('temp_c', round(p.temp::numeric, 1), 'condition',
         case when date_part('month', p.period_start) in (3, 4) and ${r('v.n * 10000 + p.k', 64)} < 0.15 then 'khamasin dust'
              when ${r('v.n * 10000 + p.k', 64)} < 0.3 then 'haze' else 'clear' end)
from evfleet_seed_vehicles v
cross join lateral (
  select k, date_trunc('day', :p_anchor::timestamptz) - make_interval(days => k) + make_interval(hours => 4) as period_start,
         date_trunc('day', :p_anchor::timestamptz) - make_interval(days => k) + make_interval(hours => 16) as period_end, 1 as days
  from generate_series(1, 90) k
  union all
  select 1000 + w, date_trunc('week', :p_anchor::timestamptz) - make_interval(days => 91 + 7 * w),
         date_trunc('week', :p_anchor::timestamptz) - make_interval(days => 84 + 7 * w), 6
  from generate_series(0, greatest(0, (:p_months::int * 30.4 - 91) / 7)::int) w) d
cross join lateral (
  select d.k, d.period_start, d.period_end,
         v.daily_km * d.days * (0.65 + 0.6 * ${r('v.n * 10000 + d.k', 61)}) as km,
         18 + 24 * ${r('v.n * 10000 + d.k', 62)} as speed,
         ${sqlCairoTemperature('d.period_start + interval \'8 hours\'')} - 3 as temp offset 0) p
where p.period_start >= v.commissioned_on::timestamptz and p.period_end <= least(v.last_report_at, :p_anchor::timestamptz)
  and not (d.days = 1 and v.friday_off and date_part('dow', p.period_start) = 5)`;

/**
 * Telematics of vehicles n in [p_from, p_to]: dense rows every p_dense_min minutes for the last days, one row every
 * p_hist_h hours before, back to commissioning or the start of the history. Vehicles drive an eleven-hour shift
 * around a loop that starts and ends at the depot, SoC falls with distance by the consumption model (speed and
 * Cairo temperature) and is recharged at the depot overnight. Inserted through the table, so the live-state trigger runs.
 */
export const insertTelematics = `
insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, soh_pct, speed_kmh, heading_deg, location, odometer_km,
                                pack_voltage_v, pack_current_a, pack_temp_c, power_kw)
select v.id, v.organization_id, g.t, c.soc::real, c.soh::real, c.speed::real, c.heading::real,
       st_setsrid(st_makepoint(c.lon, c.lat), 4326)::geography,
       floor(v.daily_km * 8 * date_part('epoch', g.t - v.commissioned_on::timestamptz) / 86400) / 10,
       c.volt::real, greatest(-3000, least(3000, c.power * 1000 / c.volt))::real, c.pack_temp::real, c.power::real
from evfleet_seed_vehicles v
cross join lateral (
  select v.last_report_at - make_interval(mins => k * :p_dense_min::int) as t
  from generate_series(0, floor(date_part('epoch', v.last_report_at - :p_dense_from::timestamptz) / 60 / :p_dense_min::int)::int) k
  union all
  select :p_dense_from::timestamptz - make_interval(mins => v.history_offset_min + 1) - make_interval(hours => k * :p_hist_h::int)
  from generate_series(0, floor(date_part('epoch', :p_dense_from::timestamptz - greatest(v.commissioned_on::timestamptz, :p_history_from::timestamptz)) / 3600 / :p_hist_h::int)::int) k
) g
cross join lateral (
  select ${fmod("date_part('hour', g.t) + date_part('minute', g.t) / 60 + 2", 24)} as lh,
         date_part('dow', g.t + interval '2 hours')::int as dow,
         v.n::bigint * 100000000 + (date_part('epoch', g.t)::bigint / 60) as key,
         ${sqlCairoTemperature('g.t')} as amb,
         least(75, v.daily_km * v.kwh_per_km * 1.1 / v.usable_kwh * 100) as drop
  offset 0 -- evaluate once per row: without it the planner inlines these expressions into every later use
) a
cross join lateral (
  select a.lh >= v.shift_start_h and a.lh < v.shift_start_h + 11 and v.status = 'active' and not (a.dow = 5 and v.friday_off) as driving,
         least(1, greatest(0, (a.lh - v.shift_start_h) / 11)) as f,
         ${fmod('a.lh - v.shift_start_h - 11 + 48', 24)} as parked_h
  offset 0
) b
cross join lateral (
  select case when b.driving then 12 + 50 * ${r('a.key', 71)} else 0 end as speed,
         2 * pi() * (a.lh - v.shift_start_h) * 60 / v.loop_minutes + v.phase as theta,
         case when b.driving then 92 - a.drop * b.f else least(92, 92 - a.drop + a.drop * least(1, b.parked_h / 5)) end as soc
  offset 0
) d
cross join lateral (
  select d.speed, d.soc, ${sqlSoh('v', 'g.t', 'a.key')} as soh,
         case when b.driving then ${fmod('degrees(d.theta) + 90', 360)} else 0 end as heading,
         case when b.driving then v.depot_lon + v.loop_radius_deg * sin(pi() * b.f) * cos(d.theta) / cos(radians(v.depot_lat)) else v.park_lon end as lon,
         case when b.driving then v.depot_lat + v.loop_radius_deg * sin(pi() * b.f) * sin(d.theta) else v.park_lat end as lat,
         v.pack_voltage * (0.88 + 0.16 * d.soc / 100) as volt,
         case when b.driving then ${sqlConsumption('v.kwh_per_km', 'd.speed', 'a.amb')} * d.speed + 0.4
              when not b.driving and b.parked_h < 5 and d.soc < 91.9 then -least(v.max_ac_kw, 22) * ${sqlTaper('d.soc')}
              else 0.2 end as power,
         a.amb + case when b.driving then 7 when b.parked_h < 5 then 5 else 1 end + 2 * ${r('a.key', 72)} as pack_temp
  offset 0
) c
where v.n between :p_from::int and :p_to::int and g.t <= v.last_report_at and g.t >= v.commissioned_on::timestamptz`;

/** The live state of seeded vehicles and connectors at the anchor: charging where a session is open. */
export const settleStatuses = `
with open as (select vehicle_id, connector_id from charging_sessions where status = 'active' and organization_id = any(:p_orgs::uuid[])),
v as (update vehicles set status = 'charging' where id in (select vehicle_id from open) and status = 'active' returning 1),
c as (update charging_connectors set status = 'occupied' where id in (select connector_id from open) returning 1)
select (select count(*) from v) as vehicles, (select count(*) from c) as connectors`;

/** Charging-stop waypoints get the nearest active public station (KNN on the stations' GiST index). */
export const linkChargingStops = `
update route_waypoints w set charging_station_id = (
  select s.id from charging_stations s where s.status = 'active' and s.organization_id is null
  order by s.location <-> w.location limit 1)
where w.id = any(:p_waypoints::uuid[])`;

export {chargingOperators, placesJson};
