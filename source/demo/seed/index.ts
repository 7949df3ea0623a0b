// `evfleet db seed` and `evfleet demo`: a realistic, deterministic data set for the whole schema.
// Small tables are built in Node (world.ts) and sent as one JSON parameter per table; the big ones are generated
// inside PostgreSQL (statements.ts). Every time is relative to `anchor` (default: now), every random draw depends
// on `seed` only: the same seed and anchor give the same rows, ids included.
import type {Sql} from 'postgres';
import {MigrationError, UsageError} from '../../model/errors.js';
import {chargingOperators, organizationSpecs} from './catalog.js';
import {consumptionKwhPerKm, localDay, loopThrough, maxDriveHours} from '../../model/vehicle-motion.js';
import {seededUuid} from './random.js';
import * as statements from './statements.js';
import {planRoutes, type RouteVehicle} from './routes.js';
import {buildWorld, organizationsFor, scales, type RoutePlan, type Scale, type ScaleSpec, type World} from './world.js';

export {scales, type Scale, type ScaleSpec} from './world.js';

/** The tables a seed writes, in the order it writes them. */
export const seededTables = [
	'organizations', 'users', 'user_roles', 'fleets', 'vehicles', 'charging_stations', 'charging_connectors', 'charging_sessions',
	'charging_session_metrics', 'v2g_energy_transactions', 'battery_health_reports', 'energy_consumption_records', 'vehicle_telematics',
	'routes', 'route_waypoints', 'route_assignments', 'route_progress', 'route_optimization_history',
] as const;
export type SeededTable = (typeof seededTables)[number];

export type SeedProgress = {
	/** 1-based step and the number of steps: enough for a progress bar. */
	step: number;
	steps: number;
	label: string;
	/** The table just written and how many rows it got (counts accumulate per table). */
	table?: SeededTable;
	rows?: number;
	counts: Partial<Record<SeededTable, number>>;
};

export type SeedOptions = {
	scale: Scale;
	seed: number;
	/** Write even when organizations exist; the same seed replaces its own earlier data set. */
	force?: boolean;
	/** Run everything in a transaction and roll it back: exact counts, nothing written. */
	dryRun?: boolean;
	/** "Now" of the data set; tests pin it, the demo uses the real now. */
	anchor?: Date;
	/** Telematics statements run this many at a time on the pool (default 2: the benchmark machine has two cores). */
	concurrency?: number;
	onProgress?: (event: SeedProgress) => void;
	/** Keep the evfleet_seed_* scratch tables (debugging the generators). */
	keepScratch?: boolean;
};

export type SeedResult = {counts: Record<SeededTable, number>; anchor: Date; durationMs: number; dryRun: boolean; scale: Scale; seed: number};

type Values = Record<string, unknown>;

/** Runs SQL with :p_name placeholders as $n parameters (values never enter the text). */
async function run(sql: Sql, text: string, values: Values): Promise<{count: number; rows: Record<string, unknown>[]}> {
	const params: unknown[] = [];
	const numbers = new Map<string, number>();
	const query = text.replace(/(?<!:):(p_[a-z_]+)\b/g, (_, name: string) => {
		if (!(name in values)) throw new Error(`seed statement uses :${name} but no value was given`);
		if (!numbers.has(name)) {
			params.push(values[name]);
			numbers.set(name, params.length);
		}
		return `$${numbers.get(name)}`;
	});
	const result = await sql.unsafe(query, params as never[]);
	return {count: result.count ?? 0, rows: result as unknown as Record<string, unknown>[]};
}

const pgArray = (items: readonly string[]) => `{${items.map(item => `"${item.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
const snake = (key: string) => key.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

/** One insert … select from jsonb_to_recordset: a whole table in one statement and one parameter. */
async function insertRows(sql: Sql, table: string, rows: object[], columns: Record<string, string>, select?: Record<string, string>): Promise<number> {
	if (rows.length === 0) return 0;
	let total = 0;
	// Chunks keep a single parameter well under PostgreSQL's 1 GB limit at the large scale.
	for (let start = 0; start < rows.length; start += 20_000) {
		const json = JSON.stringify(rows.slice(start, start + 20_000).map(row => Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v]))));
		const names = Object.keys(select ?? {}).length > 0 ? Object.keys(select!) : Object.keys(columns);
		const expressions = names.map(name => select?.[name] ?? name);
		const text = `insert into ${table} (${names.join(', ')}) select ${expressions.join(', ')} from jsonb_to_recordset(:p_rows::text::jsonb) as x(${Object.entries(columns).map(([name, type]) => `${name} ${type}`).join(', ')})`;
		total += (await run(sql, text, {p_rows: json})).count;
	}
	return total;
}

const point = 'st_setsrid(st_makepoint(lon, lat), 4326)::geography';

/** Throws a UsageError when the database already holds organizations and force was not given. */
export async function assertSeedable(sql: Sql, force = false): Promise<number> {
	const [row] = await sql<{count: number}[]>`select count(*)::int as count from organizations`.catch(error => {
		if ((error as {code?: string}).code === '42P01') throw new MigrationError('the database has no evfleet schema (no organizations table)', 'run evfleet db migrate first');
		throw error;
	});
	const count = row?.count ?? 0;
	if (count > 0 && !force) {
		throw new UsageError(
			`the database already holds ${count} organization${count === 1 ? '' : 's'}; not seeding into it`,
			'add --force to seed anyway (the same --seed replaces its own earlier data set), or use an empty database',
		);
	}
	return count;
}

/** Removes what an earlier run with the same seed wrote (its ids are derived from the seed), children first. */
async function removeSeeded(sql: Sql, orgIds: string[], seed: number, publicStations: number): Promise<void> {
	const orgs = pgArray(orgIds);
	const tables = ['v2g_energy_transactions', 'energy_consumption_records', 'battery_health_reports', 'route_progress', 'route_optimization_history',
		'route_assignments', 'route_waypoints', 'routes', 'charging_session_metrics', 'charging_sessions', 'vehicle_live_state', 'vehicle_telematics'];
	for (const table of tables) await run(sql, `delete from ${table} where organization_id = any(:p_orgs::uuid[])`, {p_orgs: orgs});
	await run(sql, `delete from charging_stations where organization_id = any(:p_orgs::uuid[])
		or id in (select md5(:p_seed::text || ':station:' || s::text)::uuid from generate_series(0, :p_public::int - 1) s)`, {p_orgs: orgs, p_seed: seed, p_public: publicStations});
	for (const table of ['vehicles', 'fleets', 'user_roles', 'users', 'organizations']) {
		await run(sql, `delete from ${table} where ${table === 'organizations' ? 'id' : 'organization_id'} = any(:p_orgs::uuid[])`, {p_orgs: orgs});
	}
}

function monthStart(date: Date, monthsBack: number): string {
	return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - monthsBack, 1)).toISOString().slice(0, 10);
}

export async function seedDatabase(sql: Sql, options: SeedOptions): Promise<SeedResult> {
	const spec = scales[options.scale];
	if (!spec) throw new UsageError(`unknown scale "${options.scale}"`, `use one of ${Object.keys(scales).join(', ')}`);
	if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new UsageError(`invalid seed "${options.seed}"`, 'use a whole number, 0 or more');
	const started = Date.now();
	const anchor = new Date(Math.floor((options.anchor ?? new Date()).getTime() / 1000) * 1000);
	await assertSeedable(sql, options.force);
	if (!options.dryRun) {
		try {
			return {...(await generate(sql, spec, options, anchor)), durationMs: Date.now() - started};
		} catch (error) {
			// What was written stays (a rerun with --force replaces it); the scratch tables go.
			if (!options.keepScratch) await dropScratch(sql).catch(() => {});
			throw error;
		}
	}
	let counts: SeedResult['counts'] | undefined;
	const rollback = new Error('dry run: roll back');
	await sql
		.begin(async tx => {
			counts = (await generate(tx as unknown as Sql, spec, {...options, concurrency: 1}, anchor)).counts;
			throw rollback;
		})
		.catch(error => {
			if (error !== rollback) throw error;
		});
	return {counts: counts!, anchor, durationMs: Date.now() - started, dryRun: true, scale: options.scale, seed: options.seed};
}

/** A vehicle's path and timetable for the SQL generator: the model's loop, laps a day, SoC per km, its public stop. */
export function vehicleLoop(v: World['vehicles'][number], station?: {connectorId: string; lon: number; lat: number; powerKw: number}) {
	const park = {lon: v.seed.parkLon, lat: v.seed.parkLat};
	const speed = v.seed.speedKmh;
	const socPerKm = (consumptionKwhPerKm(v.seed.kwhPerKm, speed, 25) / v.usableCapacityKwh) * 100;
	let loop = loopThrough(park, v.seed.loopRadiusKm, v.seed.loopAngle, station);
	const lapKm = 2 * Math.PI * loop.loopRadiusKm;
	// A whole number of laps (home at the end of the day) near the vehicle's daily distance, within the shift and
	// within what one night at the depot puts back.
	const depotPowerKw = Math.min(v.maxAcChargeKw, v.seed.depotKind === 'v2g' ? 7.4 : 22);
	const nightPct = Math.min(75, ((3.4 * depotPowerKw * 0.92) / v.usableCapacityKwh) * 100);
	const laps = Math.max(1, Math.min(Math.round(v.seed.dailyKm / lapKm), Math.floor((maxDriveHours * speed) / lapKm), Math.floor(nightPct / (lapKm * socPerKm))));
	let pub: {pubKm: number; pubConnector: string; pubPower: number; pubGain: number; pubHours: number} | {pubKm: null; pubConnector: null; pubPower: null; pubGain: null; pubHours: null} =
		{pubKm: null, pubConnector: null, pubPower: null, pubGain: null, pubHours: null};
	if (station && loop.publicStopKm !== undefined) {
		const power = Math.min(v.maxDcChargeKw, station.powerKw);
		const arrival = 90 - loop.publicStopKm * socPerKm;
		const hours = Math.min(0.8, ((80 - arrival) / 100) * v.usableCapacityKwh / (power * 0.85));
		if (hours > 0.05) pub = {pubKm: loop.publicStopKm, pubConnector: station.connectorId, pubPower: power, pubGain: (hours * power * 0.85 / v.usableCapacityKwh) * 100, pubHours: hours};
		else loop = loopThrough(park, v.seed.loopRadiusKm, v.seed.loopAngle);
	}
	const dailyLoopKm = laps * 2 * Math.PI * loop.loopRadiusKm;
	return {
		loopR: loop.loopRadiusKm, loopA: loop.loopAngle, speedKmh: speed, laps, loopDailyKm: dailyLoopKm, driveH: dailyLoopKm / speed, socPerKm,
		commissionedDay: Math.floor(Date.parse(`${v.commissionedOn}T00:00:00Z`) / 86_400_000), drives: v.status === 'active', ...pub,
	};
}

async function generate(sql: Sql, spec: ScaleSpec, options: SeedOptions, anchor: Date): Promise<Omit<SeedResult, 'durationMs'>> {
	const seed = options.seed;
	const world = buildWorld(spec, seed, anchor);
	const orgIds = world.organizations.map(o => o.id);
	const publicStations = Math.max(1, spec.stations - spec.fleets);
	const counts = Object.fromEntries(seededTables.map(t => [t, 0])) as Record<SeededTable, number>;
	const base: Values = {p_seed: seed, p_anchor: anchor.toISOString(), p_orgs: pgArray(orgIds)};
	const telematicsChunks = Math.max(1, Math.ceil((spec.vehicles * ((spec.telematicsDays * 24 * 60) / spec.telematicsIntervalMin)) / 150_000));
	const steps = 21 + telematicsChunks;
	let step = 0;
	const progress = (label: string, table?: SeededTable, rows?: number) => {
		if (table && rows) counts[table] += rows;
		options.onProgress?.({step: ++step, steps, label, table, rows, counts: {...counts}});
	};

	await dropScratch(sql);
	// Any scale of this seed may have written before: remove every organization and public station it could have made.
	if (options.force) await removeSeeded(sql, organizationSpecs.map(o => seededUuid(seed, 'organization', o.slug)), seed, Math.max(...Object.values(scales).map(s => s.stations)));
	// Partitions first: history months, the current one and three ahead, for every partitioned table.
	const from = monthStart(anchor, spec.historyMonths);
	for (const table of ['vehicle_telematics', 'energy_consumption_records', 'charging_session_metrics']) {
		await run(sql, 'select count(*) from create_monthly_partitions(:p_table::regclass, :p_from::date, :p_months::int)', {p_table: table, p_from: from, p_months: spec.historyMonths + 4});
	}
	await sql.unsafe(statements.createScratch);
	progress('partitions');

	await writeWorld(sql, world, progress);

	const fleetRows = world.fleets.map(f => ({n: f.n, id: f.id, organizationId: f.organizationId, name: f.name, lon: f.lon, lat: f.lat, acConnectors: f.acConnectors, v2gConnectors: f.v2gConnectors, gridOperator: f.gridOperator}));
	await insertRows(sql, 'evfleet_seed_fleets', fleetRows, {n: 'int', id: 'uuid', organization_id: 'uuid', name: 'text', lon: 'float8', lat: 'float8', ac_connectors: 'int', v2g_connectors: 'int', grid_operator: 'text'});
	const catalog = {p_places: statements.placesJson, p_operators: pgArray(chargingOperators), p_public: publicStations, p_scatter_km: spec.scatterKm};
	progress('charging stations', 'charging_stations', (await run(sql, statements.insertStations, {...base, ...catalog})).count);
	progress('charging connectors', 'charging_connectors', (await run(sql, statements.insertConnectors, {...base, ...catalog})).count);
	await run(sql, statements.rankPublicConnectors, {});
	await sql.unsafe('analyze evfleet_seed_connectors');

	// Each vehicle's loop (model/vehicle-motion.ts), bent through the nearest public CCS2 station when it can use one.
	const withCcs = world.vehicles.filter(v => v.seed.ccsRank !== null && v.status === 'active');
	const stations = new Map<number, {connectorId: string; lon: number; lat: number; powerKw: number}>();
	await sql.unsafe(statements.createCcsStations);
	for (let start = 0; start < withCcs.length; start += 5000) {
		const points = JSON.stringify(withCcs.slice(start, start + 5000).map(v => ({n: v.seed.n, lon: v.seed.parkLon, lat: v.seed.parkLat})));
		const {rows} = await run(sql, statements.nearestPublicCcs, {p_points: points});
		for (const row of rows as Array<{n: number; connectorId: string; lon: number; lat: number; powerKw: number}>) stations.set(row.n, row);
	}
	const vehicleRows = world.vehicles.map(v => ({
		n: v.seed.n, id: v.id, organizationId: v.organizationId, fleetN: v.seed.fleetN, status: v.status, usableKwh: v.usableCapacityKwh,
		maxAcKw: v.maxAcChargeKw, maxDcKw: v.maxDcChargeKw, kwhPerKm: v.seed.kwhPerKm, packVoltage: v.seed.packVoltage, depotKind: v.seed.depotKind,
		depotConnector: v.seed.depotConnector, depotWindow: v.seed.depotWindow, ccsRank: v.seed.ccsRank, depotLon: v.seed.depotLon, depotLat: v.seed.depotLat,
		parkLon: v.seed.parkLon, parkLat: v.seed.parkLat, commissionedOn: v.commissionedOn, sohRate: v.seed.sohRatePerYear, dailyKm: v.seed.dailyKm,
		shiftStartH: v.seed.shiftStartHour, fridayOff: v.seed.fridayOff, lastReportAt: v.seed.lastReportAt.toISOString(),
		historyOffsetMin: v.seed.historyOffsetMin, gridOperator: v.seed.gridOperator, ...vehicleLoop(v, stations.get(v.seed.n)),
	}));
	await insertRows(sql, 'evfleet_seed_vehicles', vehicleRows, {
		n: 'int', id: 'uuid', organization_id: 'uuid', fleet_n: 'int', status: 'text', usable_kwh: 'float8', max_ac_kw: 'float8', max_dc_kw: 'float8',
		kwh_per_km: 'float8', pack_voltage: 'float8', depot_kind: 'text', depot_connector: 'int', depot_window: 'int', ccs_rank: 'int',
		depot_lon: 'float8', depot_lat: 'float8', park_lon: 'float8', park_lat: 'float8', commissioned_on: 'date', soh_rate: 'float8',
		daily_km: 'float8', shift_start_h: 'float8', friday_off: 'boolean', last_report_at: 'timestamptz', history_offset_min: 'int', grid_operator: 'text',
		loop_r: 'float8', loop_a: 'float8', speed_kmh: 'float8', laps: 'int', loop_daily_km: 'float8', drive_h: 'float8', soc_per_km: 'float8',
		commissioned_day: 'int', drives: 'boolean', pub_km: 'float8', pub_connector: 'uuid', pub_power: 'float8', pub_gain: 'float8', pub_hours: 'float8',
	});
	await sql.unsafe('analyze evfleet_seed_vehicles');

	// The routes follow their vehicles' days: planned now that the loops are known.
	const loops = new Map(world.vehicles.map((v, i) => [v.id, {vehicle: v, loop: vehicleRows[i]!}]));
	const routeNs = world.routeSlots.map(slot => slot.vehicle.seed.n);
	const today = localDay(anchor);
	const {rows: publicRows} = await run(sql, statements.publicDays, {...base, p_ns: `{${routeNs.join(',')}}`, p_from_day: today - spec.telematicsDays, p_to_day: today + 1});
	const publicSet = new Set((publicRows as Array<{n: number; day: number}>).map(row => `${row.n}:${row.day}`));
	const routeVehicles = new Map<string, RouteVehicle>();
	for (const slot of world.routeSlots) {
		const {vehicle, loop} = loops.get(slot.vehicle.id)!;
		routeVehicles.set(vehicle.id, {
			profile: {
				park: {lon: vehicle.seed.parkLon, lat: vehicle.seed.parkLat}, loopRadiusKm: loop.loopR, loopAngle: loop.loopA, speedKmh: loop.speedKmh, laps: loop.laps,
				shiftStartHour: vehicle.seed.shiftStartHour, fridayOff: vehicle.seed.fridayOff, drives: loop.drives, publicStopKm: loop.pubKm ?? undefined,
			},
			commissionedDay: loop.commissionedDay, socPerKm: loop.socPerKm, publicGainPct: loop.pubGain, kwhPerKm: vehicle.seed.kwhPerKm, lastReportAt: vehicle.seed.lastReportAt,
		});
	}
	const routePlan = planRoutes(world, {seed, anchor, days: spec.telematicsDays, vehicles: routeVehicles, publicDay: (n, day) => publicSet.has(`${n}:${day}`)});
	await writeRoutes(sql, routePlan, progress);
	const chargingStops = routePlan.waypoints.filter(w => w.chargingStop).map(w => w.id);
	await run(sql, statements.linkChargingStops, {p_waypoints: pgArray(chargingStops)});
	progress('charging sessions', 'charging_sessions', (await run(sql, statements.insertSessions, {...base, p_session_days: spec.sessionDays})).count);
	await run(sql, statements.settleStatuses, base);
	progress('charging meter values', 'charging_session_metrics', (await run(sql, statements.insertSessionMetrics, {...base, p_metrics_days: spec.metricsDays})).count);
	progress('V2G transactions', 'v2g_energy_transactions', (await run(sql, statements.insertV2g, base)).count);
	progress('battery health reports', 'battery_health_reports', (await run(sql, statements.insertBatteryReports, {...base, p_months: spec.historyMonths})).count);
	progress('energy consumption records', 'energy_consumption_records', (await run(sql, statements.insertEnergyRecords, {...base, p_months: spec.historyMonths})).count);

	// Telematics in vehicle ranges, a few statements at a time (each statement is one transaction of the real insert path).
	const perChunk = Math.ceil(spec.vehicles / telematicsChunks);
	const ranges = Array.from({length: telematicsChunks}, (_, i) => [i * perChunk, Math.min(spec.vehicles, (i + 1) * perChunk) - 1] as const);
	const telematicsValues = {
		...base,
		p_dense_min: spec.telematicsIntervalMin,
		p_dense_from: new Date(anchor.getTime() - spec.telematicsDays * 86_400_000).toISOString(),
		p_hist_h: spec.historyIntervalHours,
		p_history_from: new Date(`${monthStart(anchor, spec.historyMonths)}T00:00:00Z`).toISOString(),
	};
	const queue = [...ranges];
	const worker = async () => {
		for (let range = queue.shift(); range; range = queue.shift()) {
			const {count} = await run(sql, statements.insertTelematics, {...telematicsValues, p_from: range[0], p_to: range[1]});
			progress(`telematics, vehicles ${range[0] + 1}–${range[1] + 1}`, 'vehicle_telematics', count);
		}
	};
	await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency ?? 2, ranges.length))}, worker));

	// The vehicles' odometers are what their last report says.
	await run(sql, `update vehicles v set odometer_km = s.odometer_km from vehicle_live_state s
		where s.vehicle_id = v.id and v.organization_id = any(:p_orgs::uuid[]) and s.odometer_km is not null`, base);
	if (!options.keepScratch) await dropScratch(sql);
	progress('refreshing battery health trends');
	await sql`select refresh_battery_health_trends()`;
	progress('refreshing energy efficiency metrics');
	await sql`select refresh_energy_efficiency_metrics()`;
	// Planner statistics for the tables live views join; autovacuum analyzes the big partitions on its own.
	await sql.unsafe('analyze organizations, fleets, vehicles, vehicle_live_state, charging_stations, charging_connectors, charging_sessions, routes, route_waypoints, route_assignments, route_progress');
	progress('analyze');
	return {counts, anchor, dryRun: Boolean(options.dryRun), scale: options.scale, seed};
}

async function dropScratch(sql: Sql): Promise<void> {
	await sql.unsafe(`drop table if exists ${statements.scratchTables.join(', ')}`);
}

async function writeWorld(sql: Sql, world: World, progress: (label: string, table?: SeededTable, rows?: number) => void): Promise<void> {
	progress('organizations', 'organizations', await insertRows(sql, 'organizations', world.organizations, {
		id: 'uuid', name: 'text', slug: 'text', subscription_plan: 'text', contact_email: 'text', contact_phone: 'text', settings: 'jsonb', created_at: 'timestamptz',
	}));
	progress('users', 'users', await insertRows(sql, 'users', world.users, {
		id: 'uuid', organization_id: 'uuid', email: 'text', full_name: 'text', phone: 'text', status: 'text', last_login_at: 'timestamptz', created_at: 'timestamptz',
	}));
	const grants = world.users.map(u => ({organizationId: u.organizationId, userId: u.id, role: u.role, grantedAt: u.createdAt}));
	progress('user roles', 'user_roles', await insertRows(sql, 'user_roles', grants,
		{organization_id: 'uuid', user_id: 'uuid', role: 'text', granted_at: 'timestamptz'},
		{organization_id: 'organization_id', user_id: 'user_id', role_id: '(select id from roles r where r.name = x.role)', granted_at: 'granted_at'}));
	progress('fleets', 'fleets', await insertRows(sql, 'fleets', world.fleets.map(({n: _n, area: _a, acConnectors: _c, v2gConnectors: _v, gridOperator: _g, ...fleet}) => fleet), {
		id: 'uuid', organization_id: 'uuid', name: 'text', description: 'text', depot_address: 'text', lon: 'float8', lat: 'float8', timezone: 'text', manager_id: 'uuid', created_at: 'timestamptz',
	}, {id: 'id', organization_id: 'organization_id', name: 'name', description: 'description', depot_address: 'depot_address', depot_location: point, timezone: 'timezone', manager_id: 'manager_id', created_at: 'created_at'}));
	progress('vehicles', 'vehicles', await insertRows(sql, 'vehicles', world.vehicles.map(({seed: _seed, ...vehicle}) => vehicle), {
		id: 'uuid', organization_id: 'uuid', fleet_id: 'uuid', vin: 'text', plate: 'text', make: 'text', model: 'text', model_year: 'smallint',
		battery_capacity_kwh: 'float8', usable_capacity_kwh: 'float8', max_ac_charge_kw: 'float8', max_dc_charge_kw: 'float8', connector_types: 'text[]',
		v2g_capable: 'boolean', odometer_km: 'float8', status: 'text', commissioned_on: 'date', metadata: 'jsonb', created_at: 'timestamptz',
	}));
}

async function writeRoutes(sql: Sql, plan: RoutePlan, progress: (label: string, table?: SeededTable, rows?: number) => void): Promise<void> {
	progress('routes', 'routes', await insertRows(sql, 'routes', plan.routes, {
		id: 'uuid', organization_id: 'uuid', fleet_id: 'uuid', name: 'text', description: 'text', planned_distance_km: 'float8', planned_duration_min: 'float8',
		planned_energy_kwh: 'float8', status: 'text', created_by: 'uuid', created_at: 'timestamptz',
	}));
	progress('route waypoints', 'route_waypoints', await insertRows(sql, 'route_waypoints', plan.waypoints.map(({chargingStop: _c, ...w}) => w), {
		id: 'uuid', organization_id: 'uuid', route_id: 'uuid', sequence: 'int', name: 'text', lon: 'float8', lat: 'float8', planned_arrival_at: 'timestamptz', planned_dwell_min: 'float8',
	}, {id: 'id', organization_id: 'organization_id', route_id: 'route_id', sequence: 'sequence', name: 'name', location: point, planned_arrival_at: 'planned_arrival_at', planned_dwell_min: 'planned_dwell_min'}));
	progress('route assignments', 'route_assignments', await insertRows(sql, 'route_assignments', plan.assignments, {
		id: 'uuid', organization_id: 'uuid', route_id: 'uuid', vehicle_id: 'uuid', driver_id: 'uuid', planned_start_at: 'timestamptz', planned_end_at: 'timestamptz',
		actual_start_at: 'timestamptz', actual_end_at: 'timestamptz', status: 'text', created_at: 'timestamptz',
	}));
	const progressRows = await insertRows(sql, 'route_progress', plan.progress, {
		id: 'uuid', organization_id: 'uuid', assignment_id: 'uuid', waypoint_id: 'uuid', arrived_at: 'timestamptz', departed_at: 'timestamptz',
		soc_on_arrival_pct: 'real', soc_on_departure_pct: 'real', notes: 'text', created_at: 'timestamptz',
	});
	const optimizationRows = await insertRows(sql, 'route_optimization_history', plan.optimizations, {
		id: 'uuid', organization_id: 'uuid', route_id: 'uuid', algorithm: 'text', input: 'jsonb', output: 'jsonb', distance_saved_km: 'float8',
		energy_saved_kwh: 'float8', duration_ms: 'int', created_by: 'uuid', created_at: 'timestamptz',
	});
	progress('route progress', 'route_progress', progressRows);
	progress('route optimizations', 'route_optimization_history', optimizationRows);
}

/** Ids of the organizations a seed writes (derived from the seed), e.g. for tests and for `--force` cleanup. */
export function seededOrganizationIds(scale: Scale, seed: number): string[] {
	return organizationsFor(scales[scale]).map(o => seededUuid(seed, 'organization', o.slug));
}
