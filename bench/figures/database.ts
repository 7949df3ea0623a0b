// Schema figures: each product query (the console's own functions from source/db/queries) against the
// physical floor or the naive query, both measured in the same run on the same data.
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import type {Sql} from '../../source/db/connection.js';
import {nearestAvailableConnectors} from '../../source/db/queries/charging.js';
import {liveVehicles} from '../../source/db/queries/live.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import {resolveScope, vehicleSohByMonth} from '../../source/db/queries/battery.js';
import {measuredFigure, type BenchContext, type Figure} from '../lib/context.js';
import {median, summarize, timeRuns} from '../lib/stats.js';

type VehicleRef = {id: string; organizationId: string; vin: string};

async function sampleVehicles(sql: Sql, count: number): Promise<VehicleRef[]> {
	// Deterministic spread over the id space: vehicles in service (retired ones have little history).
	return sql<VehicleRef[]>`
		select v.id, v.organization_id, v.vin from vehicles v
		where v.status = 'active' and exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id)
		order by md5(v.id::text) limit ${count}`;
}

const telematicsColumns = ['vehicle_id', 'organization_id', 'recorded_at', 'soc_pct', 'soh_pct', 'speed_kmh', 'heading_deg', 'location', 'odometer_km', 'pack_voltage_v', 'pack_current_a', 'pack_temp_c', 'power_kw'] as const;

/** COPY text by UTC month (the first instant of each month its rows fall in), 5000 lines a chunk, in the order sent. */
type TelematicsBatch = Map<string, string[]>;

function chunked(lines: string[]): string[] {
	const chunks: string[] = [];
	for (let at = 0; at < lines.length; at += 5000) chunks.push(lines.slice(at, at + 5000).join('\n') + '\n');
	return chunks;
}

/** Every chunk of a batch, month after month: the same rows for a COPY into one table. */
const allChunks = (batch: TelematicsBatch): string[] => [...batch.values()].flat();

/**
 * `rows` telematics rows spread over the vehicles (one row per vehicle per second), at times no other run uses, as
 * COPY text. `order` only changes the order of the same rows: 'vehicle' sends each vehicle's rows together, oldest
 * first (a device uploading its buffer, or a consumer of a stream partitioned by vehicle); 'time' sends every
 * vehicle's row of one second, then the next second (a stream interleaved across all vehicles).
 */
function telematicsBatch(vehicles: VehicleRef[], rows: number, start: Date, run: number, order: 'vehicle' | 'time'): TelematicsBatch {
	const perVehicle = Math.max(1, Math.ceil(rows / vehicles.length));
	// index = step * vehicles + vehicle: the row's place in time order, whatever order the rows are sent in.
	const indexes: number[] = [];
	if (order === 'time') {
		for (let index = 0; index < rows; index++) indexes.push(index);
	} else {
		for (let vehicle = 0; vehicle < vehicles.length; vehicle++) {
			for (let step = 0; step < perVehicle; step++) {
				const index = step * vehicles.length + vehicle;
				if (index < rows) indexes.push(index);
			}
		}
	}
	const monthLines = new Map<string, string[]>();
	for (const index of indexes) {
		const vehicle = vehicles[index % vehicles.length]!;
		const step = Math.floor(index / vehicles.length) + run * perVehicle;
		const time = new Date(start.getTime() + step * 1000);
		// Every vehicle drives north at 36 km/h from a place of its own: location and odometer change on every report,
		// in every run, so the live state's updates pay their index maintenance (GiST, keys) as a moving fleet's do.
		const v = index % vehicles.length;
		const lon = 31.2 + ((v * 7919) % 1000) / 10_000;
		const lat = 30.0 + ((v * 104_729) % 1000) / 10_000 + (step * 0.01) / 111.32;
		const odometer = 10_000 + v + step * 0.01;
		const line = `${vehicle.id}\t${vehicle.organizationId}\t${time.toISOString()}\t${(40 + (index % 50)).toFixed(1)}\t97.5\t36\t0\tSRID=4326;POINT(${lon.toFixed(6)} ${lat.toFixed(6)})\t${odometer.toFixed(3)}\t395.5\t-42.5\t31.5\t${(index % 60) - 10}`;
		const month = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1)).toISOString();
		let group = monthLines.get(month);
		if (!group) monthLines.set(month, group = []);
		group.push(line);
	}
	return new Map([...monthLines].map(([month, group]) => [month, chunked(group)]));
}

async function copyInto(sql: Sql, table: string, chunks: string[]): Promise<void> {
	const writable = await sql`copy ${sql(table)} (${sql(telematicsColumns as unknown as string[])}) from stdin`.writable();
	await pipeline(Readable.from(chunks), writable);
}

/**
 * The ingest path the README documents: each month's rows COPYed straight into the table monthly_partition_for()
 * names (the month's partition, or the parent when that month has none).
 */
async function ingestByMonth(sql: Sql, batch: TelematicsBatch): Promise<void> {
	for (const [month, chunks] of batch) {
		const [{target}] = await sql<[{target: string}]>`
			select format('%s.%s', n.nspname, c.relname) as target
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where c.oid = monthly_partition_for('vehicle_telematics', ${month}::timestamptz)`;
		await copyInto(sql, target, chunks);
	}
}

/**
 * Ingest: each month's rows COPYed into its partition (primary key, BRIN, checks, the partition's copy of the
 * live-state trigger; multi-row inserts) vs raw COPY of the same rows, each vehicle's rows together. Beside it, the
 * same kind of rows in time order, and COPY into the parent table (partition routing; PostgreSQL 15 then inserts
 * row by row, because the parent's trigger has a transition table).
 */
export async function ingest(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const vehicles = await sql<VehicleRef[]>`select id, organization_id, vin from vehicles order by id`;
	const rows = context.ingestRows;
	// Newer than anything seeded, inside the partitions the schema creates ahead (current month + 3).
	const [{start}] = await sql<[{start: Date}]>`select date_trunc('second', greatest(now(), (select max(recorded_at) from vehicle_live_state))) + interval '1 minute' as start`;
	await sql`drop table if exists bench_raw_telematics`;
	// The physical floor: same columns, no partitions, no indexes, no constraints, no trigger.
	await sql`create table bench_raw_telematics (like vehicle_telematics)`;
	const product: number[] = [];
	const baseline: number[] = [];
	const timeOrder: number[] = [];
	const viaParent: number[] = [];
	const rate = async (work: () => Promise<void>) => {
		const started = performance.now();
		await work();
		return rows / ((performance.now() - started) / 1000);
	};
	try {
		for (let run = -1; run < context.runs; run++) {
			// Each COPY gets its own seconds: the same rows twice would violate the primary key.
			const batch = telematicsBatch(vehicles, rows, start, 3 * (run + 1), 'vehicle');
			const timeBatch = telematicsBatch(vehicles, rows, start, 3 * (run + 1) + 1, 'time');
			const parentBatch = telematicsBatch(vehicles, rows, start, 3 * (run + 1) + 2, 'vehicle');
			await sql`truncate bench_raw_telematics`;
			const raw = await rate(() => copyInto(sql, 'bench_raw_telematics', allChunks(batch)));
			const ours = await rate(() => ingestByMonth(sql, batch));
			const time = await rate(() => ingestByMonth(sql, timeBatch));
			const parent = await rate(() => copyInto(sql, 'vehicle_telematics', allChunks(parentBatch)));
			// The first round warms caches and the new table; it is not counted.
			if (run >= 0) {
				baseline.push(raw);
				product.push(ours);
				timeOrder.push(time);
				viaParent.push(parent);
			}
		}
	} finally {
		await sql`drop table if exists bench_raw_telematics`;
	}
	const rawMedian = median(baseline);
	const beside = (title: string, samples: number[]) => {
		const summary = summarize(samples, 'higher');
		return {title, median: summary.median, p95: summary.p95, ratio: summary.median / rawMedian};
	};
	return measuredFigure(
		{id: 'ingest', title: 'telematics ingest (COPY into the month\'s partition: history + live state + indexes)', unit: 'rows/s', better: 'higher', target: '≥ 0.5× raw COPY'},
		product,
		{title: 'raw COPY, unindexed unpartitioned table', samples: baseline},
		{
			ratioKind: 'ofBaseline',
			pass: (_, ratio) => ratio !== null && ratio >= 0.5,
			details: {rowsPerBatch: rows, vehicles: vehicles.length, order: 'each vehicle\'s rows together, oldest first', into: 'monthly_partition_for(\'vehicle_telematics\', month)'},
			comparisons: [beside('same rows in time order', timeOrder), beside('COPY into the parent table', viaParent)],
		},
	);
}

/** The live page (liveVehicles) vs the same page computed with DISTINCT ON over the history. */
export async function liveVehiclesPage(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const product = await timeRuns(context.runs, () => liveVehicles(sql, {}), {warmup: 2});
	const baseline = await timeRuns(context.slowBaselineRuns, () => sql`
		with latest as (
			select distinct on (t.vehicle_id) t.vehicle_id, t.recorded_at, t.soc_pct, t.pack_temp_c
			from vehicle_telematics t
			order by t.vehicle_id, t.recorded_at desc
		), base as (
			select v.id, v.vin, v.status, l.soc_pct, l.pack_temp_c,
			       connectivity_status(date_part('epoch', now() - l.recorded_at)) as connectivity
			from vehicles v left join latest l on l.vehicle_id = v.id
			where v.status <> 'retired'
		)
		select b.*, count(*) over () as total
		from base b
		order by case when b.connectivity = 'offline' then 0 when b.connectivity = 'stale' then 1 when b.soc_pct < 20 then 2
		              when b.pack_temp_c >= 55 then 3 when b.status = 'maintenance' then 4 else 5 end,
		         b.soc_pct asc nulls first, b.vin collate "C"
		limit 100`, {warmup: 0});
	const [{vehicles}] = await sql<[{vehicles: number}]>`select count(*)::int as vehicles from vehicles`;
	return measuredFigure(
		{id: 'liveVehiclesPage', title: 'live vehicles page (counts + first 100)', unit: 'ms', better: 'lower', target: '≥ 1000× faster, < 10 ms'},
		product,
		{title: 'DISTINCT ON over history', samples: baseline},
		{ratioKind: 'faster', pass: (value, ratio) => ratio !== null && ratio >= 1000 && value < 10, details: {vehicles}},
	);
}

/** Without indexes and partition pruning the planner must read every partition. */
async function withoutIndexes<T>(sql: Sql, work: (sql: Sql) => Promise<T>): Promise<T> {
	return sql.begin(async transaction => {
		await transaction`set local enable_indexscan = off`;
		await transaction`set local enable_indexonlyscan = off`;
		await transaction`set local enable_bitmapscan = off`;
		await transaction`set local enable_partition_pruning = off`;
		return work(transaction as unknown as Sql);
	}) as Promise<T>;
}

/** One vehicle's newest 100 rows (listTelematics, the inspector's query) vs the same with indexes and pruning off. */
export async function vehicleLast100(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const vehicles = await sampleVehicles(sql, Math.max(context.runs, context.slowBaselineRuns) + 2);
	const pick = (run: number) => vehicles[(run + vehicles.length) % vehicles.length]!.id;
	// Each side on its own connection: postgres.js prepares statements, and a plan the server cached for the
	// product's runs would be reused by the baseline whatever enable_* says.
	const productSql = context.connect({max: 1});
	const baselineSql = context.connect({max: 1});
	const product = await timeRuns(context.runs, run => productSql.begin(transaction => listTelematics(transaction as unknown as Sql, {vehicleId: pick(run), limit: 100})), {warmup: 2});
	const baseline = await timeRuns(context.slowBaselineRuns, run => withoutIndexes(baselineSql, transaction => listTelematics(transaction, {vehicleId: pick(run), limit: 100})), {warmup: 0});
	const [{rows}] = await sql<[{rows: number}]>`select count(*)::float8 as rows from vehicle_telematics where vehicle_id = ${pick(0)}`;
	return measuredFigure(
		{id: 'vehicleLast100', title: "one vehicle's last 100 telematics rows", unit: 'ms', better: 'lower', target: '≥ 100× faster'},
		product,
		{title: 'same query, index scans and pruning off', samples: baseline},
		{ratioKind: 'faster', pass: (_, ratio) => ratio !== null && ratio >= 100, details: {rowsOfFirstVehicle: rows}, note: 'listTelematics (page + count estimate), as the inspector runs it'},
	);
}

/** nearest_available_connectors (GiST KNN) vs ST_Distance to every station, sorted. */
export async function nearestConnectors(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const points = await sql<Array<{latitude: number; longitude: number}>>`
		select st_y(location::geometry) + 0.01 as latitude, st_x(location::geometry) - 0.01 as longitude
		from charging_stations order by md5(id::text) limit ${Math.max(context.runs, 3) + 2}`;
	if (points.length === 0) throw new Error('no charging stations seeded');
	const at = (run: number) => points[(run + points.length) % points.length]!;
	// A bad plan can take minutes per call (see the report): cap each call, so the figure says so instead of hanging.
	const capped = context.connect({max: 1});
	await capped`set statement_timeout = '60s'`;
	const product = await timeRuns(context.runs, async run => {
		try {
			await nearestAvailableConnectors(capped, {...at(run), limit: 5});
		} catch (error) {
			if ((error as {code?: string}).code === '57014') throw new Error(`nearest_available_connectors() took over 60 s at (${at(run).latitude.toFixed(3)}, ${at(run).longitude.toFixed(3)}): statement timeout`, {cause: error});
			throw error;
		}
	}, {warmup: 2});
	const baselineRuns = Math.max(context.runs, 3);
	const baseline = await timeRuns(baselineRuns, run => {
		const {latitude, longitude} = at(run);
		return sql`
			select s.id, c.id as connector_id, st_distance(s.location, st_setsrid(st_makepoint(${longitude}, ${latitude}), 4326)::geography) as distance_m
			from charging_stations s join charging_connectors c on c.station_id = s.id
			where s.status = 'active' and c.status = 'available'
			order by distance_m, c.connector_number
			limit 5`;
	}, {warmup: 1});
	const [{stations}] = await sql<[{stations: number}]>`select count(*)::int as stations from charging_stations`;
	return measuredFigure(
		{id: 'nearestConnectors', title: 'nearest 5 available connectors', unit: 'ms', better: 'lower', target: '≥ 100× faster'},
		product,
		{title: 'ST_Distance to every station', samples: baseline},
		{ratioKind: 'faster', pass: (_, ratio) => ratio !== null && ratio >= 100, details: {stations}},
	);
}

type ReaderRound = {maxMs: number; reads: number; lockWaitSamples: number; refreshMs: number};

/** A reader querying the view in a loop while one refresh runs; its slowest read and any lock waits seen. */
async function readerDuringRefresh(context: BenchContext, refresh: (sql: Sql) => Promise<unknown>, read: (sql: Sql) => Promise<unknown>): Promise<ReaderRound> {
	const reader = context.connect({max: 1});
	const refresher = context.connect({max: 1});
	const monitor = context.connect({max: 1});
	try {
		const [{pid}] = await reader<[{pid: number}]>`select pg_backend_pid() as pid`;
		await read(reader);
		let refreshing = true;
		let maxMs = 0;
		let reads = 0;
		let lockWaitSamples = 0;
		const readLoop = (async () => {
			while (refreshing) {
				const started = performance.now();
				await read(reader);
				const elapsed = performance.now() - started;
				maxMs = Math.max(maxMs, elapsed);
				reads++;
			}
		})();
		const monitorLoop = (async () => {
			while (refreshing) {
				const [row] = await monitor<[{waiting: boolean}?]>`select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = ${pid}`;
				if (row?.waiting) lockWaitSamples++;
				await new Promise(resolve => setTimeout(resolve, 5));
			}
		})();
		// Let the reader settle into its loop before the refresh starts.
		await new Promise(resolve => setTimeout(resolve, 50));
		const started = performance.now();
		await refresh(refresher);
		const refreshMs = performance.now() - started;
		refreshing = false;
		await Promise.all([readLoop, monitorLoop]);
		return {maxMs, reads, lockWaitSamples, refreshMs};
	} finally {
		await Promise.all([reader.end({timeout: 5}), refresher.end({timeout: 5}), monitor.end({timeout: 5})]);
	}
}

/** battery_health_trends: a reader's slowest read during refresh_battery_health_trends() (concurrent) vs a plain refresh. */
export async function matviewRefreshReader(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const [vehicle] = await sql<Array<{id: string}>>`select vehicle_id as id from battery_health_trends order by md5(vehicle_id::text) limit 1`;
	if (!vehicle) throw new Error('battery_health_trends is empty: no battery reports seeded');
	const scope = await resolveScope(sql, {vehicle: vehicle.id});
	if (scope.kind !== 'vehicle') throw new Error('vehicle scope expected');
	const read = (reader: Sql) => vehicleSohByMonth(reader, scope, {months: 12});
	const concurrent: ReaderRound[] = [];
	const plain: ReaderRound[] = [];
	const rounds = Math.max(3, context.slowBaselineRuns);
	for (let round = 0; round < rounds; round++) {
		concurrent.push(await readerDuringRefresh(context, refresher => refresher`select refresh_battery_health_trends()`, read));
		plain.push(await readerDuringRefresh(context, refresher => refresher`refresh materialized view battery_health_trends`, read));
	}
	const lockWaits = concurrent.reduce((sum, round) => sum + round.lockWaitSamples, 0);
	return measuredFigure(
		{id: 'matviewRefreshReader', title: "reader's slowest read during battery_health_trends refresh", unit: 'ms', better: 'lower', target: 'readers never blocked'},
		concurrent.map(round => round.maxMs),
		{title: 'plain refresh', samples: plain.map(round => round.maxMs)},
		{
			ratioKind: 'faster',
			// Never blocked: the reader was not once seen waiting on a lock, and no read took as long as the refresh.
			pass: value => lockWaits === 0 && value < median(concurrent.map(round => round.refreshMs)),
			details: {
				concurrentRefreshMs: median(concurrent.map(round => round.refreshMs)),
				plainRefreshMs: median(plain.map(round => round.refreshMs)),
				readerLockWaitSamplesConcurrent: lockWaits,
				readerLockWaitSamplesPlain: plain.reduce((sum, round) => sum + round.lockWaitSamples, 0),
				readsDuringConcurrent: concurrent.reduce((sum, round) => sum + round.reads, 0),
			},
		},
	);
}
