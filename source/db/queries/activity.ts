// Server activity (pg_activity's view): every client backend of this database, or of the cluster, with its waits,
// ages and the lock it waits for. Implements model's ActivitySource; the blocker tree is built in model/activity.ts.
import type {Sql} from 'postgres';
import type {ActivityBackend, ActivitySnapshot, ActivitySource} from '../../model/activity.js';
import {singleFlight, type SingleFlight} from '../../model/single-flight.js';

type Row = ActivityBackend & {takenAt: Date; currentDatabase: string; lockType: string | null; lockMode: string | null; lockRelation: string | null};

/**
 * One snapshot of pg_stat_activity: all client backends but the one reading it. pg_blocking_pids is asked only for
 * backends waiting on a heavyweight lock (it reads the whole lock table each call). Timestamps keep their
 * microseconds as text, for the guards of cancel and terminate (signal.ts).
 */
export async function readActivity(sql: Sql, {all = false}: {all?: boolean} = {}): Promise<ActivitySnapshot> {
	const rows = await sql<Row[]>`
		select a.pid, a.datname as database, a.usename as user, coalesce(a.application_name, '') as application,
		       host(a.client_addr) as client_addr, a.client_port, a.state, a.wait_event_type, a.wait_event,
		       a.backend_start, a.xact_start, a.query_start,
		       a.backend_start::text as backend_start_text, a.query_start::text as query_start_text,
		       -- greatest() skips nulls: without the case an idle backend (no transaction) read as 0 s old
		       case when a.xact_start is not null then greatest(0, extract(epoch from s.taken_at - a.xact_start))::float8 end as xact_seconds,
		       case when a.query_start is not null then greatest(0, extract(epoch from s.taken_at - a.query_start))::float8 end as query_seconds,
		       a.query,
		       case when a.wait_event_type = 'Lock' then pg_blocking_pids(a.pid) else '{}'::int[] end as blocked_by,
		       w.locktype as lock_type, w.mode as lock_mode, w.relation as lock_relation,
		       s.taken_at, current_database() as current_database
		from pg_stat_activity a
		cross join (select statement_timestamp() as taken_at) s
		left join (
			-- the lock table read once (pg_locks is a function scan of all of it), not once per waiting backend
			select distinct on (l.pid) l.pid, l.locktype, l.mode, n.nspname || '.' || c.relname as relation
			from pg_locks l
			left join pg_class c on c.oid = l.relation and l.database = (select oid from pg_database where datname = current_database())
			left join pg_namespace n on n.oid = c.relnamespace
			where not l.granted
			order by l.pid
		) w on w.pid = a.pid and a.wait_event_type = 'Lock'
		where a.backend_type = 'client backend' and a.pid <> pg_backend_pid()
		  and (${all} or a.datname = current_database())
		order by a.pid`;
	const first = rows[0];
	const [meta] = first ? [first] : await sql<Array<{takenAt: Date; currentDatabase: string}>>`select statement_timestamp() as taken_at, current_database() as current_database`;
	return {
		takenAt: meta!.takenAt,
		scope: all ? 'cluster' : 'database',
		database: meta!.currentDatabase,
		// Named fields, not rest/spread: copying 25 properties with some excluded took V8's slow path, ~6 µs a row
		// (1.4 ms of client CPU for 220 backends, more than parsing them)
		backends: rows.map(row => ({
			pid: row.pid,
			database: row.database,
			user: row.user,
			application: row.application,
			clientAddr: row.clientAddr,
			clientPort: row.clientPort,
			state: row.state,
			waitEventType: row.waitEventType,
			waitEvent: row.waitEvent,
			backendStart: row.backendStart,
			xactStart: row.xactStart,
			queryStart: row.queryStart,
			backendStartText: row.backendStartText,
			queryStartText: row.queryStartText,
			xactSeconds: row.xactSeconds,
			querySeconds: row.querySeconds,
			query: row.query,
			blockedBy: row.blockedBy,
			lockWait: row.lockType && row.lockMode ? {lockType: row.lockType, mode: row.lockMode, relation: row.lockRelation} : null,
		})),
	};
}

/**
 * The activity source of a screen or command: one query at a time per scope, whatever asks (interval ticks, `r`).
 * Give it a connection with max 1 so it can never hold more than one backend.
 */
export function createActivitySource(sql: Sql): ActivitySource {
	const guards = new Map<boolean, SingleFlight<ActivitySnapshot>>();
	return {
		snapshot({all = false} = {}) {
			let guard = guards.get(all);
			if (!guard) {
				guard = singleFlight(() => readActivity(sql, {all}));
				guards.set(all, guard);
			}
			return guard.run();
		},
	};
}
