// Plans for each maintenance action: the exact SQL it will run and what it affects, built only from
// names checked against the catalog. Planning only reads; nothing here changes the database.
import type {Sql} from 'postgres';
import {NotFoundError, UsageError} from '../../model/errors.js';
import {formatBytes, formatNumber} from '../../text/formats.js';
import {addMonths, currentMonth, listPartitionedTables, listMonthlyPartitionedTables, listPartitions, lockedRelations, matviewNames, monthKey, quoteIdent, type MatviewName} from '../queries/maintenance.js';
import type {ActionPlan, ActionStep, Affected, PrivilegeNeed} from '../../model/maintenance.js';

type Relation = {name: string; kind: 'r' | 'p' | 'm' | 'i' | 'I'; isPartition: boolean; parent: string | null; totalBytes: number | null; rowEstimate: number | null; deadTuples: number | null};

const qualified = (name: string) => `public.${quoteIdent(name)}`;

function bareName(name: string): string {
	return name.replace(/^public\./, '').replace(/^"(.*)"$/, '$1');
}

/** The select over the public schema's relations that findRelation and maintainableTables narrow (sizes of locked ones are null). */
function publicRelations(sql: Sql, locked: number[]) {
	return sql`
		select c.relname as name, c.relkind as kind, c.relispartition as is_partition,
		       (select p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent where i.inhrelid = c.oid) as parent,
		       case when c.oid = any(${locked}::oid[]) then null else pg_total_relation_size(c.oid) end as total_bytes,
		       case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate,
		       s.n_dead_tup as dead_tuples
		from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
		where c.relnamespace = 'public'::regnamespace`;
}

/** A table, materialized view or index of the public schema, by name; NotFoundError (exit 2) otherwise. */
export async function findRelation(sql: Sql, name: string, kinds: ReadonlyArray<Relation['kind']>, what: string): Promise<Relation> {
	const [row] = await sql<Relation[]>`${publicRelations(sql, await lockedRelations(sql))} and c.relname = ${bareName(name)}`;
	if (!row || !kinds.includes(row.kind)) {
		throw new NotFoundError(`no ${what} named "${name}" in schema public`, 'evfleet maint status lists the tables, views and indexes');
	}
	return row;
}

function basePlan(fields: Pick<ActionPlan, 'action' | 'title' | 'target' | 'steps' | 'affects' | 'privileges' | 'lockKeys'> & Partial<ActionPlan>): ActionPlan {
	return {atomic: false, notes: [], destructive: false, confirmText: null, nothingToDo: null, followUp: null, ...fields};
}

const log: PrivilegeNeed = {kind: 'log'};

async function partitionedTables(sql: Sql, table: string | undefined, list = listPartitionedTables): Promise<string[]> {
	const tables = await list(sql);
	if (!table) return tables;
	const name = bareName(table);
	if (!tables.includes(name)) throw new NotFoundError(`"${table}" is not a partitioned table`, `partitioned tables: ${tables.join(', ')}`);
	return [name];
}

// ---- partitions create -------------------------------------------------------------------------

export async function planCreatePartitions(sql: Sql, {ahead = 3, table}: {ahead?: number; table?: string}): Promise<ActionPlan> {
	if (!Number.isInteger(ahead) || ahead < 0 || ahead > 60) throw new UsageError(`invalid --ahead "${ahead}"`, 'use a number of months from 0 to 60');
	const tables = await partitionedTables(sql, table, listMonthlyPartitionedTables);
	const month = await currentMonth(sql);
	const steps: ActionStep[] = [];
	const affects: Affected[] = [];
	for (const t of tables) {
		const partitions = await listPartitions(sql, t);
		const existing = new Set(partitions.filter(p => !p.isDefault && p.rangeFrom).map(p => monthKey(p.rangeFrom!)));
		const missing = Array.from({length: ahead + 1}, (_, i) => addMonths(month, i)).filter(m => !existing.has(m));
		steps.push({sql: `SELECT create_monthly_partitions('${qualified(t)}'::regclass, ${ahead})`, object: t, progress: 'none'});
		const def = partitions.find(p => p.isDefault);
		const key = def?.hasRows ? await partitionKey(sql, t) : null;
		for (const m of missing) {
			let moved = 0;
			if (def && key) {
				const [row] = await sql<{n: number}[]>`
					select count(*)::int as n from ${sql('public')}.${sql(def.name)}
					where ${sql(key)} >= ${`${m}-01 00:00:00+00`}::timestamptz and ${sql(key)} < ${`${addMonths(m, 1)}-01 00:00:00+00`}::timestamptz`;
				moved = row!.n;
			}
			affects.push({object: `${t}_${m.replace('-', '_')}`, change: moved > 0 ? `create (moves ${formatNumber(moved)} rows from ${def!.name})` : 'create', rows: moved, bytes: null});
		}
	}
	return basePlan({
		action: 'partitions.create',
		title: `evfleet maint partitions create --ahead ${ahead}${table ? ` --table ${tables[0]}` : ''}`,
		target: tables.join(','),
		steps,
		atomic: true,
		affects,
		notes: ['creates the missing monthly partitions in one transaction; existing ones are left alone'],
		privileges: [{kind: 'function', signature: 'create_monthly_partitions(regclass,integer)', role: 'evfleet_operator'}, log],
		lockKeys: tables.map(t => `partitions:${t}`),
		nothingToDo: affects.length === 0 ? `every partition from ${month} to ${addMonths(month, ahead)} exists` : null,
	});
}

async function partitionKey(sql: Sql, table: string): Promise<string> {
	const [row] = await sql<{column: string}[]>`
		select a.attname as column from pg_partitioned_table p
		join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
		where p.partrelid = ${qualified(table)}::regclass`;
	return row!.column;
}

// ---- partitions detach / drop ------------------------------------------------------------------

export type DetachRequest = {olderThanMonths?: number; table?: string; partition?: string; drop?: boolean};

/** Detaches monthly partitions that ended before the cutoff; never the current or a future month. */
export async function planDetach(sql: Sql, request: DetachRequest): Promise<ActionPlan> {
	const month = await currentMonth(sql);
	const monthStart = new Date(`${month}-01T00:00:00Z`);
	let candidates: Array<{table: string; name: string; rangeFrom: Date; rangeTo: Date; rowEstimate: number | null; totalBytes: number | null}> = [];
	const hasDefault = new Map<string, boolean>();
	let cutoffText: string;
	if (request.partition) {
		const rel = await findRelation(sql, request.partition, ['r', 'p'], 'partition');
		if (!rel.parent) throw new UsageError(`${rel.name} is not a partition`);
		const partitions = await listPartitions(sql, rel.parent);
		const p = partitions.find(x => x.name === rel.name)!;
		if (p.isDefault) throw new UsageError(`refusing to detach ${p.name}: it is the default partition`, 'rows without a monthly partition land there');
		if (!p.rangeTo || p.rangeTo.getTime() > monthStart.getTime()) {
			throw new UsageError(`refusing to detach ${p.name}: it holds the current or a future month (now ${month})`, 'only months that ended can be detached');
		}
		hasDefault.set(rel.parent, partitions.some(x => x.isDefault));
		candidates = [{table: rel.parent, name: p.name, rangeFrom: p.rangeFrom!, rangeTo: p.rangeTo, rowEstimate: p.rowEstimate, totalBytes: p.totalBytes}];
		cutoffText = p.name;
	} else {
		const months = request.olderThanMonths;
		if (months === undefined) throw new UsageError('say which partitions to detach: --older-than 12mo or --partition NAME');
		// A partition is old enough when its whole range ended at least `months` months before this month started.
		const cutoff = new Date(`${addMonths(month, -months)}-01T00:00:00Z`);
		cutoffText = `older than ${months} month(s): ended by ${monthKey(cutoff)}-01`;
		for (const t of await partitionedTables(sql, request.table)) {
			const partitions = await listPartitions(sql, t);
			hasDefault.set(t, partitions.some(x => x.isDefault));
			for (const p of partitions) {
				if (p.isDefault || !p.rangeTo || !p.rangeFrom) continue;
				if (p.rangeTo.getTime() <= cutoff.getTime() && p.rangeTo.getTime() <= monthStart.getTime()) {
					candidates.push({table: t, name: p.name, rangeFrom: p.rangeFrom, rangeTo: p.rangeTo, rowEstimate: p.rowEstimate, totalBytes: p.totalBytes});
				}
			}
		}
	}
	const steps: ActionStep[] = candidates.map(c => ({
		sql: `ALTER TABLE ${qualified(c.table)} DETACH PARTITION ${qualified(c.name)}${hasDefault.get(c.table) ? '' : ' CONCURRENTLY'}`,
		object: c.name,
		progress: 'none',
	}));
	const notes = [`partitions ${cutoffText}; the current month (${month}) and later are never touched`];
	const plainTables = [...hasDefault].filter(([, d]) => d).map(([t]) => t).filter(t => candidates.some(c => c.table === t));
	if (plainTables.length > 0) {
		notes.push(`${plainTables.join(', ')} ha${plainTables.length > 1 ? 've' : 's'} a default partition, where PostgreSQL forbids DETACH CONCURRENTLY: a plain DETACH takes a brief ACCESS EXCLUSIVE lock, bounded by lock_timeout`);
	}
	notes.push('detached partitions stay as ordinary tables with their data until dropped (--drop, a second confirmation)');
	const affects = candidates.map(c => ({object: c.name, change: `detach from ${c.table} (~${formatNumber(c.rowEstimate ?? 0)} rows, ${formatBytes(c.totalBytes)})`, rows: c.rowEstimate, bytes: c.totalBytes}));
	const names = candidates.map(c => c.name);
	const plan = basePlan({
		action: 'partitions.detach',
		title: `${request.partition ? `evfleet maint partitions detach --partition ${names[0]}` : `evfleet maint partitions detach --older-than ${request.olderThanMonths}mo${request.table ? ` --table ${bareName(request.table)}` : ''}`}${request.drop ? ' --drop' : ''}`,
		target: names.join(',') || (request.table ?? 'all'),
		steps,
		affects,
		notes,
		destructive: true,
		confirmText: confirmTextFor(names),
		privileges: [...new Set(candidates.map(c => c.table))].map(t => ({kind: 'owner', relation: t, alsoDatabaseOwner: false}) as PrivilegeNeed).concat(log),
		lockKeys: candidates.map(c => `partition:${c.name}`),
		nothingToDo: candidates.length === 0 ? `no partition ${cutoffText}` : null,
	});
	if (request.drop && candidates.length > 0) plan.followUp = dropPlan(candidates.map(c => ({name: c.name, rows: c.rowEstimate, bytes: c.totalBytes})));
	return plan;
}

function confirmTextFor(names: string[]): string | null {
	if (names.length === 0) return null;
	return names.length === 1 ? names[0]! : `${names.length} partitions`;
}

function dropPlan(tables: Array<{name: string; rows: number | null; bytes: number | null}>): ActionPlan {
	const names = tables.map(t => t.name);
	return basePlan({
		action: 'partitions.drop',
		title: `DROP ${names.length === 1 ? names[0] : `${names.length} detached partitions`}`,
		target: names.join(','),
		steps: names.map(n => ({sql: `DROP TABLE ${qualified(n)}`, object: n, progress: 'none'})),
		affects: tables.map(t => ({object: t.name, change: `DROP: deletes ~${formatNumber(t.rows ?? 0)} rows, frees ${formatBytes(t.bytes)}`, rows: t.rows, bytes: t.bytes})),
		notes: ['this deletes the data for good; take a backup (pg_dump -t) first if it may be needed'],
		destructive: true,
		confirmText: confirmTextFor(names),
		privileges: names.map(n => ({kind: 'owner', relation: n, alsoDatabaseOwner: false}) as PrivilegeNeed).concat(log),
		lockKeys: names.map(n => `partition:${n}`),
	});
}

/** Dropping tables that were detached earlier: checked to be standalone <table>_YYYY_MM tables of a past month. */
export async function planDropDetached(sql: Sql, names: string[]): Promise<ActionPlan> {
	const month = await currentMonth(sql);
	const tables = [];
	for (const name of names) {
		const rel = await findRelation(sql, name, ['r'], 'table');
		if (rel.isPartition) throw new UsageError(`refusing to drop ${rel.name}: it is still attached`, 'detach it first');
		const m = /_(\d{4})_(\d{2})$/.exec(rel.name);
		if (!m || `${m[1]}-${m[2]}` >= month) throw new UsageError(`refusing to drop ${rel.name}: not a detached partition of a past month`);
		tables.push({name: rel.name, rows: rel.rowEstimate, bytes: rel.totalBytes});
	}
	return dropPlan(tables);
}

// ---- materialized views ------------------------------------------------------------------------

export async function planRefresh(sql: Sql, {view = 'all'}: {view?: MatviewName | 'all'}): Promise<ActionPlan> {
	const views: MatviewName[] = view === 'all' ? [...matviewNames] : [view];
	const steps: ActionStep[] = [];
	const affects: Affected[] = [];
	const privileges: PrivilegeNeed[] = [log];
	const notes: string[] = [];
	for (const v of views) {
		const [row] = await sql<{populated: boolean; hasFunction: boolean; hasUnique: boolean; rowEstimate: number | null; totalBytes: number | null}[]>`
			select c.relispopulated as populated,
			       to_regprocedure(${`public.refresh_${v}()`}) is not null as has_function,
			       exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisunique and i.indpred is null) as has_unique,
			       case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate,
			       case when c.oid = any(${await lockedRelations(sql)}::oid[]) then null else pg_total_relation_size(c.oid) end as total_bytes
			from pg_class c where c.relnamespace = 'public'::regnamespace and c.relname = ${v} and c.relkind = 'm'`;
		if (!row) throw new NotFoundError(`materialized view ${v} does not exist`, 'evfleet db migrate creates it');
		const concurrently = row.populated && row.hasUnique;
		if (row.hasFunction) {
			steps.push({sql: `SELECT refresh_${v}()`, object: v, progress: 'none'});
			privileges.push({kind: 'function', signature: `refresh_${v}()`, role: 'evfleet_operator'});
		} else {
			steps.push({sql: `REFRESH MATERIALIZED VIEW${concurrently ? ' CONCURRENTLY' : ''} ${qualified(v)}`, object: v, progress: 'none'});
			privileges.push({kind: 'owner', relation: v, alsoDatabaseOwner: false});
		}
		affects.push({object: v, change: `${concurrently ? 'refresh concurrently (readers not blocked)' : 'refresh (first population: readers wait)'}, ~${formatNumber(row.rowEstimate ?? 0)} rows, ${formatBytes(row.totalBytes)}`, rows: row.rowEstimate, bytes: row.totalBytes});
		if (row.hasFunction) notes.push(`refresh_${v}() runs REFRESH MATERIALIZED VIEW${concurrently ? ' CONCURRENTLY' : ''} ${v} and records it in matview_refresh_log`);
	}
	return basePlan({action: 'refresh', title: `evfleet maint refresh ${view}`, target: views.join(','), steps, affects, notes, privileges, lockKeys: views.map(v => `refresh:${v}`)});
}

// ---- vacuum / analyze / reindex ----------------------------------------------------------------

async function maintainableTables(sql: Sql): Promise<Relation[]> {
	return sql<Relation[]>`
		${publicRelations(sql, await lockedRelations(sql))} and c.relkind in ('r', 'p', 'm')
		  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
		order by c.relname`;
}

/** Leaf tables to vacuum: a partitioned table stands for its partitions, so progress and cancel are per partition. */
async function vacuumTargets(sql: Sql, table: string | undefined): Promise<Relation[]> {
	const all = await maintainableTables(sql);
	if (!table) return all.filter(r => r.kind !== 'p');
	const rel = await findRelation(sql, table, ['r', 'p', 'm'], 'table');
	if (rel.kind !== 'p') return [rel];
	const leaves = await sql<{name: string}[]>`select relid::regclass::text as name from pg_partition_tree(${qualified(rel.name)}::regclass) where isleaf`;
	const names = new Set(leaves.map(l => bareName(l.name)));
	return all.filter(r => names.has(r.name));
}

export async function planVacuum(sql: Sql, {table, analyze = false}: {table?: string; analyze?: boolean}): Promise<ActionPlan> {
	const targets = await vacuumTargets(sql, table);
	const option = analyze ? ' (ANALYZE)' : '';
	return basePlan({
		action: 'vacuum',
		title: `evfleet maint vacuum${table ? ` ${bareName(table)}` : ''}${analyze ? ' --analyze' : ''}`,
		target: table ? bareName(table) : 'all',
		steps: targets.map(t => ({sql: `VACUUM${option} ${qualified(t.name)}`, object: t.name, progress: 'vacuum'})),
		affects: targets.map(t => ({object: t.name, change: `vacuum${analyze ? ' + analyze' : ''} (${formatNumber(t.deadTuples ?? 0)} dead tuples, ${formatBytes(t.totalBytes)})`, rows: t.deadTuples, bytes: t.totalBytes})),
		notes: ['plain VACUUM: readers and writers are not blocked; one table at a time, each outside a transaction'],
		privileges: ownerNeeds(targets, true),
		lockKeys: targets.map(t => `vacuum:${t.name}`),
		nothingToDo: targets.length === 0 ? 'no tables to vacuum' : null,
	});
}

export async function planAnalyze(sql: Sql, {table}: {table?: string}): Promise<ActionPlan> {
	let targets: Relation[];
	if (table) targets = [await findRelation(sql, table, ['r', 'p', 'm'], 'table')];
	else targets = (await maintainableTables(sql)).filter(r => !r.isPartition); // a partitioned parent analyzes its partitions too
	return basePlan({
		action: 'analyze',
		title: `evfleet maint analyze${table ? ` ${bareName(table)}` : ''}`,
		target: table ? bareName(table) : 'all',
		steps: targets.map(t => ({sql: `ANALYZE ${qualified(t.name)}`, object: t.name, progress: 'analyze'})),
		affects: targets.map(t => ({object: t.name, change: `analyze${t.kind === 'p' ? ' (and each partition)' : ''} (~${formatNumber(t.rowEstimate ?? 0)} rows)`, rows: t.rowEstimate, bytes: t.totalBytes})),
		notes: ['ANALYZE reads a sample and updates planner statistics; it blocks nobody'],
		privileges: ownerNeeds(targets, true),
		lockKeys: targets.map(t => `analyze:${t.name}`),
		nothingToDo: targets.length === 0 ? 'no tables to analyze' : null,
	});
}

export async function planReindex(sql: Sql, {name}: {name: string}): Promise<ActionPlan> {
	const rel = await findRelation(sql, name, ['i', 'I', 'r', 'p', 'm'], 'index or table');
	const isIndex = rel.kind === 'i' || rel.kind === 'I';
	const indexes = await sql<{name: string; bytes: number | null; table: string}[]>`
		select ic.relname as name, case when ic.oid = any(${await lockedRelations(sql)}::oid[]) then null else pg_relation_size(ic.oid) end as bytes, tc.relname as table
		from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class tc on tc.oid = i.indrelid
		where ${isIndex ? sql`ic.oid = ${qualified(rel.name)}::regclass` : sql`i.indrelid = ${qualified(rel.name)}::regclass`}
		order by ic.relname`;
	const table = isIndex ? indexes[0]?.table ?? rel.parent ?? rel.name : rel.name;
	return basePlan({
		action: 'reindex',
		title: `evfleet maint reindex ${rel.name}`,
		target: rel.name,
		steps: [{sql: `REINDEX ${isIndex ? 'INDEX' : 'TABLE'} CONCURRENTLY ${qualified(rel.name)}`, object: rel.name, progress: 'create_index'}],
		affects: indexes.map(i => ({object: i.name, change: `rebuild concurrently (${formatBytes(i.bytes)})`, rows: null, bytes: i.bytes})),
		notes: ['CONCURRENTLY builds a new copy beside the old index and swaps them: writes continue; needs free disk for the copy', 'if interrupted, an invalid *_ccnew index is left behind and reported'],
		privileges: [{kind: 'owner', relation: table, alsoDatabaseOwner: false}, log],
		lockKeys: [`reindex:${table}`],
	});
}

function ownerNeeds(targets: Relation[], alsoDatabaseOwner: boolean): PrivilegeNeed[] {
	return [...targets.map(t => ({kind: 'owner', relation: t.name, alsoDatabaseOwner}) as PrivilegeNeed), log];
}
