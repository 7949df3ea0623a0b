// The big tables, generated inside PostgreSQL with insert … select over generate_series: stations, connectors,
// charging sessions and meter values, V2G transactions, battery reports, energy records and telematics.
// Randomness comes from hashint8extended(key, seed) (random.ts), so the data depends on --seed only, never on
// how many workers or connections ran it. Placeholders :p_name become $n parameters (see runStatement).
import {
	cairoTemperatures,
	driveBlockMinutes,
	kmPerDegree,
	localUtcOffsetHours,
	publicChargeShare,
	publicStopHours,
	stopMinutes,
} from '../../model/vehicle-motion.js';
import {chargingOperators, places} from './catalog.js';
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

const block = driveBlockMinutes / 60;
const cycle = (driveBlockMinutes + stopMinutes) / 60;

/** The local day (days since 1970-01-01, UTC+offset) and local hour of a timestamptz expression. */
const sqlLocalHours = (t: string) => `(date_part('epoch', ${t}) / 3600 + ${localUtcOffsetHours})`;

/** vehicleStateAt's working-day rule (model/vehicle-motion.ts): drives, commissioned, not its Friday off. */
const sqlWorking = (v: string, day: string) => `(${v}.drives and ${day} >= ${v}.commissioned_day and not (${v}.friday_off and mod(${day}, 7) = 1))`;
/** A public-charge day: the same integer hash whoever asks (telematics, sessions). */
const sqlPublicDay = (v: string, day: string) => `(${v}.pub_km is not null and ${r(`${v}.n::bigint * 100000 + ${day}`, 34)} < ${publicChargeShare})`;
/** shiftHoursAt: shift hours at which the public stop is reached. */
const sqlArrive = (v: string) => `(floor(${v}.pub_km / ${v}.speed_kmh / ${block}) * ${cycle} + (${v}.pub_km / ${v}.speed_kmh - floor(${v}.pub_km / ${v}.speed_kmh / ${block}) * ${block}))`;
/** SoC lost on a working day (percentage points), net of a public charge. */
const sqlDayDrop = (v: string, day: string) => `(${v}.loop_daily_km * ${v}.soc_per_km - case when ${sqlPublicDay(v, day)} then ${v}.pub_gain else 0 end)`;
/** Depot charge power (kW): the vehicle's AC limit at a 22 kW Type 2, or the 7.4 kW bidirectional CHAdeMO. */
const sqlDepotPower = (v: string) => `least(${v}.max_ac_kw, case when ${v}.depot_kind = 'v2g' then 7.4 else 22 end)`;
/** Local time of day → UTC instant, for a local day number and hour. */
const sqlLocalInstant = (day: string, hour: string) => `to_timestamp(((${day}) * 24 + (${hour}) - ${localUtcOffsetHours}) * 3600.0)`;
/** The depot window's start (hours after 18:00 local) and the hours a night's charge takes. */
const sqlWindowStart = (v: string) => `(1 + 4 * ${v}.depot_window)`;
const sqlNightHours = (v: string, drop: string, exportHours: string) => `least(3.6 - ${exportHours}, greatest(0, ${drop}) / 100 * ${v}.usable_kwh / (${sqlDepotPower(v)} * 0.92))`;

export const scratchTables = ['evfleet_seed_vehicles', 'evfleet_seed_fleets', 'evfleet_seed_connectors', 'evfleet_seed_ccs_stations'];

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
  loop_r float8 not null, loop_a float8 not null, speed_kmh float8 not null, laps int not null, loop_daily_km float8 not null,
  drive_h float8 not null, soc_per_km float8 not null, commissioned_day int not null, drives boolean not null,
  pub_km float8, pub_connector uuid, pub_power float8, pub_gain float8, pub_hours float8, last_report_at timestamptz not null,
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

// A session per vehicle and working day's night on its own depot connector and window (19:00, 23:00 or 03:00 Cairo
// time), starting from the SoC the day's driving left (model/vehicle-motion.ts); and on public-charge days a DC fast
// charge at the public station on the vehicle's loop, when it gets there. Depot sessions cannot overlap (a connector
// and window of its own); a public one that would overlap an earlier one on the same connector is left out.
const sessionPlan = `
with plan as (
  select v.n, v.id as vehicle_id, v.organization_id, d, 'depot' as kind, c.id as connector_id, c.price_per_kwh,
         ${sqlLocalInstant('x.day', `18 + ${sqlWindowStart('v')}`)} as started_at,
         least(v.max_ac_kw, c.power_kw) as power_kw,
         greatest(5, 90 - ${sqlDayDrop('v', 'x.day')}) as start_soc, 90 as target_soc,
         v.depot_kind = 'v2g' and ${r('v.n * 1000 + d', 33)} < 0.35 as is_v2g, v.usable_kwh, v.grid_operator,
         ${sqlWorking('v', 'x.day')} as happens, v.last_report_at
  from evfleet_seed_vehicles v
  cross join generate_series(0, :p_session_days::int) d
  cross join lateral (select floor(${sqlLocalHours(':p_anchor::timestamptz')} / 24)::int - d as day) x
  join evfleet_seed_connectors c on c.fleet_n = v.fleet_n and c.kind = v.depot_kind and c.k = v.depot_connector
  where v.status <> 'retired'
  union all
  select v.n, v.id, v.organization_id, d, 'public', v.pub_connector, c.price_per_kwh,
         ${sqlLocalInstant('x.day', `v.shift_start_h + ${sqlArrive('v')}`)},
         v.pub_power, 90 - v.pub_km * v.soc_per_km, 80, false, v.usable_kwh, v.grid_operator,
         ${sqlWorking('v', 'x.day')} and ${sqlPublicDay('v', 'x.day')}, v.last_report_at
  from evfleet_seed_vehicles v
  cross join generate_series(0, :p_session_days::int) d
  cross join lateral (select floor(${sqlLocalHours(':p_anchor::timestamptz')} / 24)::int - d as day) x
  join evfleet_seed_connectors c on c.id = v.pub_connector
  where v.status = 'active'),
sized as (
  select p.*,
         -- hours on the plug: energy / power into the pack (AC 92 % efficient, DC slower past 80 %: mean taper), at most
         -- 3.6 h with a V2G session's first hour of export (0.8 h for a fast charge): the hours the telematics charge
         least(case when p.kind = 'public' then 0.8 when p.is_v2g then 2.6 else 3.6 end,
               (p.target_soc - p.start_soc) / 100 * p.usable_kwh / (p.power_kw * case when p.kind = 'public' then 0.85 else 0.92 end))
         + case when p.is_v2g then 1 else 0 end as hours,
         case when p.is_v2g then round((2 + 8 * ${r('p.n * 1000 + p.d', 37)})::numeric, 2)::float8 else 0 end as to_grid_kwh
  from plan p where p.happens and p.target_soc > p.start_soc),
planned as (
  select s.*, s.started_at + make_interval(secs => s.hours * 3600) as planned_end,
         least(s.target_soc, s.start_soc + (s.hours - case when s.is_v2g then 1 else 0 end) * s.power_kw
               * case when s.kind = 'public' then 0.85 else 0.92 end / s.usable_kwh * 100) as end_soc
  -- a vehicle that went silent starts no session after its last report
  from sized s where s.started_at < least(:p_anchor::timestamptz, s.last_report_at)),
final as (
  select * from (
    select p.*, max(p.planned_end) over (partition by p.connector_id order by p.started_at, p.vehicle_id
                                         rows between unbounded preceding and 1 preceding) as busy_until
    from planned p) q
  where q.busy_until is null or q.started_at >= q.busy_until)`;

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
 * p_hist_h hours and 97 minutes before (so older rows land at every time of day), back to commissioning or the start
 * of the history. Position, speed and odometer are vehicleStateAt (model/vehicle-motion.ts) in SQL: parked at the
 * depot at night, a loop through it driven in blocks with stops, a public fast charge on the loop on some days;
 * SoC falls with the distance and rises only while charging (at the depot in its night window, or at the public
 * station). Inserted through the table, so the live-state trigger runs.
 */
export const insertTelematics = `
insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, soh_pct, speed_kmh, heading_deg, location, odometer_km,
                                pack_voltage_v, pack_current_a, pack_temp_c, power_kw)
select v.id, v.organization_id, g.t, e.soc::real, ${sqlSoh('v', 'g.t', 'a.key')}::real, case when c.driving then v.speed_kmh else 0 end::real,
       case when c.driving then ${fmod('degrees(atan2(-sin(p.theta), cos(p.theta)))', 360)} else 0 end::real,
       st_setsrid(st_makepoint(p.lon, p.lat), 4326)::geography,
       round((c.before_km + c.km)::numeric, 3)::float8,
       e.volt::real, greatest(-3000, least(3000, e.power * 1000 / e.volt))::real,
       (a.amb + case when c.driving then 7 when e.charging then 5 else 1 end + 2 * ${r('a.key', 72)})::real, e.power::real
from evfleet_seed_vehicles v
cross join lateral (
  select v.last_report_at - make_interval(mins => k * :p_dense_min::int) as t
  from generate_series(0, floor(date_part('epoch', v.last_report_at - :p_dense_from::timestamptz) / 60 / :p_dense_min::int)::int) k
  union all
  select :p_dense_from::timestamptz - make_interval(mins => v.history_offset_min + 1 + 97 * k) - make_interval(hours => k * :p_hist_h::int)
  from generate_series(0, floor(date_part('epoch', :p_dense_from::timestamptz - greatest(v.commissioned_on::timestamptz, :p_history_from::timestamptz)) / 60 / (:p_hist_h::int * 60 + 97))::int) k
) g
cross join lateral (
  select floor(${sqlLocalHours('g.t')} / 24)::int as day, ${fmod(sqlLocalHours('g.t'), 24)} as lh,
         v.n::bigint * 100000000 + (date_part('epoch', g.t)::bigint / 60) as key, ${sqlCairoTemperature('g.t')} as amb
  offset 0 -- evaluate once per row: without it the planner inlines these expressions into every later use
) a
cross join lateral (
  select ${sqlWorking('v', 'a.day')} as working, ${sqlWorking('v', 'a.day - 1')} as worked_before,
         ${sqlPublicDay('v', 'a.day')} as pub, a.lh - v.shift_start_h as sh0, ${sqlArrive('v')} as arrive
  offset 0
) b
cross join lateral (
  select b.working and b.pub and b.sh0 >= b.arrive and b.sh0 < b.arrive + ${publicStopHours} as at_pub,
         case when b.working and b.pub and b.sh0 >= b.arrive + ${publicStopHours} then b.sh0 - ${publicStopHours} else b.sh0 end as sh
  offset 0
) b2
cross join lateral (
  select greatest(b2.sh, 0) - ${cycle} * floor(greatest(b2.sh, 0) / ${cycle}) as rest,
         case when b2.sh <= 0 then 0 else least(v.drive_h, floor(b2.sh / ${cycle}) * ${block} + least(${block}, b2.sh - ${cycle} * floor(b2.sh / ${cycle}))) end as driven_h
  offset 0
) h
cross join lateral (
  select b.working and not b2.at_pub and b2.sh > 0 and h.rest < ${block} and h.driven_h < v.drive_h as driving,
         case when b2.at_pub then v.pub_km when b.working then h.driven_h * v.speed_kmh else 0 end as km,
         case when v.drives and a.day > v.commissioned_day
              then ((a.day - v.commissioned_day) - case when v.friday_off then floor((a.day + 5) / 7.0) - floor((v.commissioned_day + 5) / 7.0) else 0 end) * v.loop_daily_km
              else 0 end as before_km
  offset 0
) c
cross join lateral (
  select v.loop_a + pi() + (c.km - 2 * pi() * v.loop_r * floor(c.km / (2 * pi() * v.loop_r))) / v.loop_r as theta offset 0
) t
cross join lateral (
  select t.theta,
         v.park_lon + (v.loop_r * cos(v.loop_a) + v.loop_r * cos(t.theta)) / (${kmPerDegree} * cos(radians(v.park_lat))) as lon,
         v.park_lat + (v.loop_r * sin(v.loop_a) + v.loop_r * sin(t.theta)) / ${kmPerDegree} as lat
  offset 0
) p
cross join lateral (
  -- the night: hours since 18:00 local, the drop of the day it follows, the depot window, whether it exports first
  -- (a V2G session: the same draw as the session plan's, keyed by the night's days before the anchor's)
  select case when a.lh >= 18 then a.lh - 18 else a.lh + 6 end as nh,
         case when v.depot_kind = 'v2g'
              and ${r(`v.n * 1000 + (floor(${sqlLocalHours(':p_anchor::timestamptz')} / 24)::int - case when a.lh >= 18 then a.day else a.day - 1 end)`, 33)} < 0.35
              then 1 else 0 end as export_h,
         case when a.lh >= 18 then b.working else b.worked_before end as drove,
         case when a.lh >= 18 then ${sqlDayDrop('v', 'a.day')} else ${sqlDayDrop('v', 'a.day - 1')} end as night_drop,
         (a.lh >= 18 or a.lh < v.shift_start_h) as night
  offset 0
) n
cross join lateral (
  select n.*, ${sqlNightHours('v', 'n.night_drop', 'n.export_h')} as need_h,
         90 - c.km * v.soc_per_km + case when b2.at_pub then v.pub_gain * least(1, (b.sh0 - b.arrive) / greatest(v.pub_hours, 0.01))
                                         when b.working and b.pub and b.sh0 >= b.arrive + ${publicStopHours} then v.pub_gain else 0 end as day_soc
  offset 0
) m
cross join lateral (
  select case when m.night and m.drove and m.need_h > 0 and m.nh >= ${sqlWindowStart('v')} and m.nh < ${sqlWindowStart('v')} + m.export_h then 'export'
              when m.night and m.drove and m.nh >= ${sqlWindowStart('v')} + m.export_h and m.nh < ${sqlWindowStart('v')} + m.export_h + m.need_h then 'depot'
              when b2.at_pub and b.sh0 - b.arrive < v.pub_hours then 'public' end as charging_at,
         case when not (m.night and m.drove) then m.day_soc
              else 90 - m.night_drop + greatest(0, m.night_drop) * least(1, greatest(0, m.nh - ${sqlWindowStart('v')} - m.export_h) / greatest(m.need_h, 0.01)) end as soc
  offset 0
) q
cross join lateral (
  select q.charging_at is not null as charging, q.soc, v.pack_voltage * (0.88 + 0.16 * q.soc / 100) as volt,
         case when c.driving then ${sqlConsumption('v.kwh_per_km', 'v.speed_kmh', 'a.amb')} * v.speed_kmh + 0.4
              when q.charging_at = 'export' then 7.4 -- V2G: the session's hour of export to the grid (its meter values say 7.4 kW)
              when q.charging_at = 'depot' then -${sqlDepotPower('v')}
              when q.charging_at = 'public' then -v.pub_power * ${sqlTaper('q.soc')}
              else 0.2 end as power
  offset 0
) e
where v.n between :p_from::int and :p_to::int and g.t <= v.last_report_at and g.t >= v.commissioned_on::timestamptz`;

/** The public-charge days (sqlPublicDay) of some vehicles in a range of local days: the route plan follows them. */
export const publicDays = `
select v.n, d.day from evfleet_seed_vehicles v cross join generate_series(:p_from_day::int, :p_to_day::int) d(day)
where v.n = any(:p_ns::int[]) and ${sqlPublicDay('v', 'd.day')}`;

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

/**
 * The public stations a vehicle's loop may pass: active, with a free public CCS2 connector (the lowest id of them),
 * in a table of their own with a GiST index, so that finding each parking spot's nearest one is a single KNN probe.
 * (The KNN walk over the stations checked each one's connectors on the way, through tables not yet analyzed: minutes
 * at 50 000 stations.)
 */
export const createCcsStations = `
-- just written: without statistics the planner would take both tables for empty and join them in nested loops
analyze charging_stations, charging_connectors;
create unlogged table evfleet_seed_ccs_stations as
select s.id, s.location, c.connector_id, c.power_kw
from charging_stations s
join (select distinct on (cc.station_id) cc.station_id, sc.id as connector_id, sc.power_kw
      from evfleet_seed_connectors sc join charging_connectors cc on cc.id = sc.id
      where sc.kind = 'public-ccs' and cc.status = 'available'
      order by cc.station_id, sc.id) c on c.station_id = s.id
where s.organization_id is null and s.status = 'active';
create index on evfleet_seed_ccs_stations using gist (location);
analyze evfleet_seed_ccs_stations`;

/** The nearest public station with a free CCS2 connector within 8 km of each parking spot: the loop will pass it. */
export const nearestPublicCcs = `
select x.n, st.connector_id, st_x(st.location::geometry) as lon, st_y(st.location::geometry) as lat, st.power_kw
from jsonb_to_recordset(:p_points::text::jsonb) as x(n int, lon float8, lat float8)
cross join lateral (
  select c.connector_id, c.power_kw, c.location from evfleet_seed_ccs_stations c
  order by c.location <-> st_setsrid(st_makepoint(x.lon, x.lat), 4326)::geography
  limit 1) st
where st_dwithin(st.location, st_setsrid(st_makepoint(x.lon, x.lat), 4326)::geography, 8000)`;
