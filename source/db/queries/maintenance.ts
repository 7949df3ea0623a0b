// Health of the evfleet database for `maint status` and the maintenance screen: partitions, materialized
// views, table and index sizes, vacuum state, unused/duplicate indexes, long-running queries and lock waits.
import type {Sql} from 'postgres';
import {matviewNames, type PartitionHealth, type MatviewHealth, type TableHealth, type IndexHealth, type ActivityRow, type HealthIssue, type MaintenanceHealth, type MatviewName} from '../../model/maintenance.js';
import {type PartitionRow} from '../../model/maintenance.js';
export {type PartitionRow};
export {matviewNames, type PartitionHealth, type MatviewHealth, type TableHealth, type IndexHealth, type ActivityRow, type HealthIssue, type MaintenanceHealth, type MatviewName};

export type HealthOptions = {
	/** A query running longer than this is listed under activity. Default 30 s. */
	longRunningSeconds?: number;
	/** Staleness thresholds per materialized view, seconds. */
	maxAgeSeconds?: Partial<Record<MatviewName, number>>;
};

/** Battery trends are refreshed daily, energy metrics hourly: stale after a missed run plus slack. */
export const defaultMaxAgeSeconds: Record<MatviewName, number> = {
	battery_health_trends: 26 * 3600,
	energy_efficiency_metrics: 2 * 3600,
};

export const defaultRowsCap = 1_000_000;

export function monthKey(date: Date): string {
	return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
	const [y, m] = month.split('-').map(Number) as [number, number];
	const d = new Date(Date.UTC(y, m - 1 + n, 1));
	return monthKey(d);
}

/** The partitioned tables of the public schema (vehicle_telematics, energy_consumption_records, …). */
export async function listPartitionedTables(sql: Sql): Promise<string[]> {
	const rows = await sql<{name: string}[]>`
		select c.relname as name
		from pg_partitioned_table p
		join pg_class c on c.oid = p.partrelid
		where c.relnamespace = 'public'::regnamespace and not c.relispartition
		order by c.relname`;
	return rows.map(row => row.name);
}

/** The partitioned tables create_monthly_partitions serves (the schema's allow-list), by name. */
export async function listMonthlyPartitionedTables(sql: Sql): Promise<string[]> {
	const rows = await sql<{name: string}[]>`
		select c.relname as name from unnest(evfleet_partitioned_tables()) t(oid) join pg_class c on c.oid = t.oid order by 1`;
	return rows.map(row => row.name);
}

/** The server's current UTC month, 'YYYY-MM' (the month partitions are named after). */
export async function currentMonth(sql: Sql): Promise<string> {
	const [row] = await sql<{month: string}[]>`select to_char(now() at time zone 'UTC', 'YYYY-MM') as month`;
	return row!.month;
}

/**
 * Relations some session holds (or waits for) an ACCESS EXCLUSIVE lock on: measuring or reading them would
 * queue behind that lock, so health and plans leave their sizes out instead of hanging.
 */
export async function lockedRelations(sql: Sql): Promise<number[]> {
	const rows = await sql<{oid: number}[]>`
		select distinct relation::int8 as oid from pg_locks
		where locktype = 'relation' and mode = 'AccessExclusiveLock' and pid <> pg_backend_pid()
		  and database = (select oid from pg_database where datname = current_database())`;
	return rows.map(row => row.oid);
}

/**
 * Partitions of one parent, oldest first, default last: the same rows as the schema's list_monthly_partitions,
 * read from the catalog without opening the partitions, so a partition locked by a running DETACH or DDL
 * does not make this wait (its size and has_rows come back null).
 */
// FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00'), as pg_get_expr prints a range bound.
const rangeBound = String.raw`^FOR VALUES FROM \('([^']*)'\) TO \('([^']*)'\)$`;

export async function listPartitions(sql: Sql, table: string, locked?: number[]): Promise<PartitionRow[]> {
	const busy = locked ?? (await lockedRelations(sql));
	const rows = await sql<Array<PartitionRow & {oid: number}>>`
		select c.oid::int8 as oid, c.relname as name,
		       (regexp_match(pg_get_expr(c.relpartbound, c.oid), ${rangeBound}))[1]::timestamptz as range_from,
		       (regexp_match(pg_get_expr(c.relpartbound, c.oid), ${rangeBound}))[2]::timestamptz as range_to,
		       coalesce(pt.partdefid = c.oid, false) as is_default,
		       case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate,
		       case when c.oid = any(${busy}::oid[]) then null else pg_total_relation_size(c.oid) end as total_bytes
		from pg_inherits i
		join pg_class c on c.oid = i.inhrelid
		left join pg_partitioned_table pt on pt.partrelid = i.inhparent
		where i.inhparent = ${`public.${quoteIdent(table)}`}::regclass
		order by 5, 3`;
	const result: PartitionRow[] = [];
	for (const {oid, ...row} of rows) {
		let hasRows: boolean | null = null;
		if (!busy.includes(oid) && row.isDefault) {
			const [probe] = await sql<{found: boolean}[]>`select exists (select 1 from ${sql('public')}.${sql(row.name)}) as found`;
			hasRows = probe!.found;
		}
		result.push({...row, hasRows});
	}
	return result;
}

export function quoteIdent(name: string): string {
	return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

async function partitionHealth(sql: Sql, month: string, locked: number[]): Promise<PartitionHealth[]> {
	const tables = await listPartitionedTables(sql);
	const pending = await sql<{parent: string; name: string}[]>`
		select p.relname as parent, c.relname as name
		from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
		where i.inhdetachpending and p.relnamespace = 'public'::regnamespace`;
	const result: PartitionHealth[] = [];
	for (const table of tables) {
		const partitions = await listPartitions(sql, table, locked);
		const monthly = partitions.filter(p => !p.isDefault && p.rangeFrom);
		const months = new Set(monthly.map(p => monthKey(p.rangeFrom!)));
		let monthsAhead = 0;
		while (months.has(addMonths(month, monthsAhead + 1))) monthsAhead++;
		const defaultPartition = partitions.find(p => p.isDefault) ?? null;
		let defaultRows = 0;
		if (defaultPartition?.hasRows) {
			const [row] = await sql<{n: number}[]>`
				select count(*)::int as n from (select 1 from ${sql('public')}.${sql(defaultPartition.name)} limit ${defaultRowsCap}) d`;
			defaultRows = row!.n;
		}
		result.push({
			table,
			partitions,
			firstMonth: monthly.length > 0 ? monthKey(monthly[0]!.rangeFrom!) : null,
			lastMonth: monthly.length > 0 ? monthKey(monthly.at(-1)!.rangeFrom!) : null,
			monthsAhead,
			currentMonthMissing: !months.has(month),
			nextMonthMissing: !months.has(addMonths(month, 1)),
			defaultPartition: defaultPartition?.name ?? null,
			defaultRows,
			detachPending: pending.filter(p => p.parent === table).map(p => p.name),
			totalBytes: partitions.reduce((sum, p) => sum + (p.totalBytes ?? 0), 0),
		});
	}
	return result;
}

async function matviewHealth(sql: Sql, maxAge: Record<MatviewName, number>, locked: number[]): Promise<MatviewHealth[]> {
	const rows = await sql<Array<Omit<MatviewHealth, 'maxAgeSeconds' | 'stale' | 'view'> & {name: string}>>`
		select n.name,
		       c.oid is not null as exists,
		       coalesce(c.relispopulated, false) as populated,
		       case when to_regprocedure('public.refresh_' || n.name || '()') is not null then 'refresh_' || n.name || '()' end as refresh_function,
		       l.finished_at as last_refresh_at,
		       (extract(epoch from l.duration) * 1000)::float8 as last_duration_ms,
		       l.concurrent as last_concurrent,
		       extract(epoch from now() - l.finished_at)::float8 as age_seconds,
		       case when c.oid = any(${locked}::oid[]) then null else pg_total_relation_size(c.oid) end as total_bytes,
		       case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate
		from unnest(${sql.array([...matviewNames])}::text[]) with ordinality as n(name, ord)
		left join pg_class c on c.relname = n.name and c.relnamespace = 'public'::regnamespace and c.relkind = 'm'
		left join lateral (
			select finished_at, duration, concurrent from matview_refresh_log m
			where m.view_name in (n.name, 'public.' || n.name)
			order by started_at desc limit 1
		) l on true
		order by n.ord`;
	return rows.map(({name, ...row}) => {
		const maxAgeSeconds = maxAge[name as MatviewName];
		return {
			view: name,
			...row,
			maxAgeSeconds,
			stale: !row.populated || row.ageSeconds === null || row.ageSeconds > maxAgeSeconds,
		};
	});
}

async function tableHealth(sql: Sql, locked: number[]): Promise<TableHealth[]> {
	return sql<TableHealth[]>`
		select c.relname as table,
		       case when c.relkind = 'm' then 'matview' when c.relispartition then 'partition' else 'table' end as kind,
		       case when c.oid = any(${locked}::oid[]) then null else pg_total_relation_size(c.oid) end as total_bytes,
		       case when c.oid = any(${locked}::oid[]) then null else pg_relation_size(c.oid) end as table_bytes,
		       case when c.oid = any(${locked}::oid[]) then null else pg_indexes_size(c.oid) end as index_bytes,
		       coalesce(s.n_live_tup, 0) as live_tuples,
		       coalesce(s.n_dead_tup, 0) as dead_tuples,
		       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
		from pg_class c
		left join pg_stat_user_tables s on s.relid = c.oid
		where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'm')
		  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
		order by case when c.oid = any(${locked}::oid[]) then 0 else pg_total_relation_size(c.oid) end desc, c.relname`;
}

async function indexHealth(sql: Sql, locked: number[]): Promise<IndexHealth[]> {
	const rows = await sql<IndexHealth[]>`
		with idx as (
			select i.indexrelid, i.indrelid, ic.relname as index, tc.relname as table,
			       case when i.indexrelid = any(${locked}::oid[]) or i.indrelid = any(${locked}::oid[]) then null else pg_relation_size(i.indexrelid) end as bytes, coalesce(s.idx_scan, 0) as scans,
			       i.indisunique, i.indisprimary, i.indisvalid,
			       i.indrelid::text || ' ' || i.indkey::text || ' ' || i.indclass::text || ' ' ||
			       -- pg_get_expr locks the table: a locked one's expression or partial indexes are left out of the comparison
			       case when i.indrelid = any(${locked}::oid[]) and (i.indexprs is not null or i.indpred is not null) then 'locked ' || i.indexrelid::text
			            else coalesce(pg_get_expr(i.indexprs, i.indrelid), '') || ' ' || coalesce(pg_get_expr(i.indpred, i.indrelid), '') end as signature
			from pg_index i
			join pg_class ic on ic.oid = i.indexrelid
			join pg_class tc on tc.oid = i.indrelid
			left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid
			where tc.relnamespace = 'public'::regnamespace and ic.relkind = 'i'
			  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = tc.oid and d.deptype = 'e')
		)
		select index, "table", bytes, scans, 'invalid' as problem, null as duplicate_of from idx where not indisvalid
		union all
		select a.index, a.table, a.bytes, a.scans, 'duplicate', b.index
		from idx a join idx b on a.signature = b.signature and a.indexrelid > b.indexrelid
		where a.indisvalid and b.indisvalid
		union all
		select index, "table", bytes, scans, 'unused', null from idx
		where indisvalid and scans = 0 and not indisunique and not indisprimary
		  and not exists (select 1 from pg_constraint c where c.conindid = idx.indexrelid)
		order by 5 desc nulls last, 3 desc`;
	// A duplicate is also reported as unused often; keep the duplicate line only.
	const duplicates = new Set(rows.filter(r => r.problem === 'duplicate').map(r => r.index));
	return rows.filter(r => r.problem !== 'unused' || !duplicates.has(r.index)).sort((a, b) => problemOrder[a.problem] - problemOrder[b.problem] || (b.bytes ?? 0) - (a.bytes ?? 0));
}

const problemOrder = {invalid: 0, duplicate: 1, unused: 2} as const;

/** Queries of this database running longer than the threshold, and every backend waiting for a lock. */
export async function listActivity(sql: Sql, longRunningSeconds = 30): Promise<ActivityRow[]> {
	return sql<ActivityRow[]>`
		select a.pid, a.usename as user, a.application_name as application, a.client_addr::text as client_addr, a.state,
		       coalesce(extract(epoch from now() - coalesce(a.query_start, a.xact_start)), 0)::float8 as seconds,
		       a.wait_event_type, a.wait_event,
		       pg_blocking_pids(a.pid) as blocked_by,
		       coalesce((select array_agg(distinct c.relname::text order by c.relname::text)
		                 from pg_locks l join pg_class c on c.oid = l.relation
		                 where l.pid = a.pid and c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'm')), '{}') as relations,
		       left(regexp_replace(coalesce(a.query, ''), '[[:space:]]+', ' ', 'g'), 300) as query
		from pg_stat_activity a
		where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
		  and a.state is distinct from 'idle'
		  and (cardinality(pg_blocking_pids(a.pid)) > 0
		       or now() - coalesce(a.query_start, a.xact_start) > make_interval(secs => ${longRunningSeconds}))
		order by cardinality(pg_blocking_pids(a.pid)) > 0 desc, seconds desc`;
}

export function healthIssues(health: Omit<MaintenanceHealth, 'issues'>): HealthIssue[] {
	const issues: HealthIssue[] = [];
	const next = addMonths(health.currentMonth, 1);
	for (const p of health.partitions) {
		if (p.currentMonthMissing || p.nextMonthMissing) {
			const missing = [p.currentMonthMissing ? health.currentMonth : null, p.nextMonthMissing ? next : null].filter(Boolean).join(' and ');
			issues.push({severity: 'action', subject: p.table, message: `no partition for ${missing}: new rows go to the default partition`, fix: `evfleet maint partitions create --table ${p.table}`});
		} else if (p.monthsAhead < 2) {
			issues.push({severity: 'warn', subject: p.table, message: `partitions exist only ${p.monthsAhead} month ahead`, fix: `evfleet maint partitions create --table ${p.table}`});
		}
		if (p.defaultRows > 0) {
			issues.push({severity: 'action', subject: p.defaultPartition!, message: `${p.defaultRows >= defaultRowsCap ? `over ${defaultRowsCap}` : p.defaultRows} row(s) in the default partition`, fix: `evfleet maint partitions create --table ${p.table} (moves rows of the months it creates)`});
		}
		for (const name of p.detachPending) {
			issues.push({severity: 'action', subject: name, message: 'left half-detached by an interrupted DETACH CONCURRENTLY', fix: `ALTER TABLE public.${quoteIdent(p.table)} DETACH PARTITION public.${quoteIdent(name)} FINALIZE`});
		}
	}
	for (const m of health.matviews) {
		if (!m.exists) {
			issues.push({severity: 'warn', subject: m.view, message: 'materialized view does not exist', fix: 'evfleet db migrate'});
			continue;
		}
		if (!m.stale) continue;
		const why = !m.populated ? 'never populated' : m.ageSeconds === null ? 'no refresh recorded' : `last refreshed ${Math.round(m.ageSeconds / 60)} min ago (threshold ${Math.round(m.maxAgeSeconds / 60)} min)`;
		issues.push({severity: 'action', subject: m.view, message: `stale: ${why}`, fix: `evfleet maint refresh ${m.view}`});
	}
	for (const i of health.indexes) {
		if (i.problem === 'invalid') issues.push({severity: 'action', subject: i.index, message: `invalid index on ${i.table} (an interrupted CREATE/REINDEX CONCURRENTLY?)`, fix: `DROP INDEX CONCURRENTLY public.${quoteIdent(i.index)} or evfleet maint reindex ${i.index}`});
		if (i.problem === 'duplicate') issues.push({severity: 'warn', subject: i.index, message: `duplicates ${i.duplicateOf} on ${i.table}`, fix: `DROP INDEX CONCURRENTLY public.${quoteIdent(i.index)}`});
	}
	for (const t of health.tables) {
		if (t.deadTuples > 10_000 && t.deadTuples > 0.2 * (t.liveTuples + t.deadTuples)) {
			issues.push({severity: 'warn', subject: t.table, message: `${t.deadTuples} dead tuples (${Math.round((100 * t.deadTuples) / (t.liveTuples + t.deadTuples))}%)`, fix: `evfleet maint vacuum ${t.table}`});
		}
	}
	for (const a of health.activity) {
		if (a.blockedBy.length > 0) {
			issues.push({severity: 'warn', subject: `pid ${a.pid}`, message: `waiting ${Math.round(a.seconds)} s for a lock held by pid ${a.blockedBy.join(', ')}`, fix: null});
		} else {
			issues.push({severity: 'warn', subject: `pid ${a.pid}`, message: `${a.state ?? 'running'} for ${Math.round(a.seconds)} s${a.relations.length ? ` on ${a.relations.slice(0, 3).join(', ')}` : ''}`, fix: null});
		}
	}
	return issues;
}

/**
 * Everything `maint status` and the maintenance screen show; read-only, safe on a replica. Runs in one
 * transaction with a local lock_timeout, so it reports rather than waits behind someone's ACCESS EXCLUSIVE lock.
 */
export async function maintenanceHealth(sql: Sql, options: HealthOptions = {}): Promise<MaintenanceHealth> {
	return sql.begin(async transaction => {
		const tx = transaction as unknown as Sql;
		await tx`select set_config('lock_timeout', '3s', true)`;
		const month = await currentMonth(tx);
		const maxAge = {...defaultMaxAgeSeconds, ...options.maxAgeSeconds};
		const locked = await lockedRelations(tx);
		const partial = {
			checkedAt: new Date(),
			currentMonth: month,
			partitions: await partitionHealth(tx, month, locked),
			matviews: await matviewHealth(tx, maxAge, locked),
			tables: await tableHealth(tx, locked),
			indexes: await indexHealth(tx, locked),
			activity: await listActivity(tx, options.longRunningSeconds ?? 30),
		};
		return {...partial, issues: healthIssues(partial)};
	}) as Promise<MaintenanceHealth>;
}

export function needsAction(health: Pick<MaintenanceHealth, 'issues'>): boolean {
	return health.issues.some(issue => issue.severity === 'action');
}
