// Plans for cancelling a backend's query (pg_cancel_backend) and terminating a backend (pg_terminate_backend),
// as pg_activity does: the plan names who and what is hit. Planning only reads pg_stat_activity.
import type {Sql} from 'postgres';
import {NotFoundError, UsageError} from '../../model/errors.js';
import {formatSeconds} from '../../text/formats.js';
import type {ActionPlan, PrivilegeNeed, SignalExpectation} from '../../model/maintenance.js';

export type SignalVerb = 'cancel' | 'terminate';

export type BackendInfo = {
	pid: number;
	database: string | null;
	currentDatabase: string;
	user: string | null;
	roleIsSuperuser: boolean | null;
	application: string | null;
	clientAddr: string | null;
	clientHostname: string | null;
	clientPort: number | null;
	backendType: string | null;
	/** Null when this session may not see the backend's activity (another role, no pg_read_all_stats). */
	state: string | null;
	queryStart: Date | null;
	stateChange: Date | null;
	seconds: number | null;
	waitEventType: string | null;
	waitEvent: string | null;
	query: string | null;
	isSelf: boolean;
	/** The server's own text of backend_start and query_start (to the microsecond): the session and query planned on. */
	backendStartText: string | null;
	queryStartText: string | null;
};

/** The backend with this pid, or null. */
export async function findBackend(sql: Sql, pid: number): Promise<BackendInfo | null> {
	const [row] = await sql<BackendInfo[]>`
		select a.pid, a.datname as database, current_database() as current_database, a.usename as user, r.rolsuper as role_is_superuser,
		       a.application_name as application, host(a.client_addr) as client_addr, a.client_hostname, a.client_port,
		       a.backend_type, a.state, a.query_start, a.state_change,
		       -- statement_timestamp(), not now(): a transaction that began before the query did would count it negative
		       greatest(0, extract(epoch from statement_timestamp() - coalesce(a.query_start, a.state_change)))::float8 as seconds,
		       a.wait_event_type, a.wait_event, a.query,
		       a.pid = pg_backend_pid() as is_self, a.backend_start::text as backend_start_text, a.query_start::text as query_start_text
		from pg_stat_activity a left join pg_roles r on r.oid = a.usesysid
		where a.pid = ${pid}`;
	return row ?? null;
}

const normalizeAddress = (address: string | undefined | null) => (address ?? '').replace(/^::ffff:/, '').replace(/\/\d+$/, '');

/**
 * The local ends (address, port) of this process's TCP sockets: a backend whose client end is one of them is a
 * connection of this very console (the browse pool, the live views, this maintenance session).
 */
export function localSocketEnds(): Array<{address: string; port: number}> {
	try {
		const handles = (process as unknown as {_getActiveHandles?: () => unknown[]})._getActiveHandles?.() ?? [];
		return handles
			.map(handle => handle as {localAddress?: string; localPort?: number})
			.filter(handle => typeof handle.localPort === 'number' && handle.localPort > 0)
			.map(handle => ({address: normalizeAddress(handle.localAddress), port: handle.localPort!}));
	} catch {
		return [];
	}
}

export function isOwnBackend(backend: BackendInfo, ends = localSocketEnds()): boolean {
	if (backend.isSelf) return true;
	if (!backend.clientPort || backend.clientPort <= 0 || !(backend.application ?? '').startsWith('evfleet')) return false;
	return ends.some(end => end.port === backend.clientPort && end.address === normalizeAddress(backend.clientAddr));
}

/** A query as one line, cut to `max` characters. */
export function shortQuery(query: string | null, max = 120): string {
	const line = (query ?? '').replaceAll(/\s+/g, ' ').trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describeClient(b: BackendInfo): string {
	if (!b.clientAddr && (b.clientPort === -1 || b.clientPort === null)) return 'local socket';
	return `${b.clientHostname ?? b.clientAddr ?? '?'}${b.clientPort && b.clientPort > 0 ? `:${b.clientPort}` : ''}`;
}

function describeState(b: BackendInfo): string {
	const since = b.state === 'active' ? b.queryStart : b.stateChange;
	const wait = b.waitEventType ? `, waiting on ${b.waitEventType}:${b.waitEvent ?? '?'}` : '';
	const at = since ? ` since ${since.toISOString().slice(11, 19)}Z` : '';
	const state = b.state ?? 'state unknown';
	return `${state}${b.seconds === null ? '' : ` for ${formatSeconds(b.seconds)}`}${at}${wait}`;
}

const busyStates = {
	cancel: ['active', 'fastpath function call'],
	terminate: ['active', 'fastpath function call', 'idle in transaction', 'idle in transaction (aborted)'],
} as const;

const terminateWaitSeconds = 5;

/**
 * The statement that signals the backend, guarded so that it hits only what the plan showed: for cancel the same
 * session still running the same query (query_start to the microsecond), for terminate the same session (a pid is
 * reused once a session ends). terminate also waits for the session to exit (PostgreSQL 14+). No row or false:
 * nothing was hit, or the session did not exit in time.
 */
function signalStep(verb: SignalVerb, b: BackendInfo): ActionPlan['steps'][number] {
	// (the server's own timestamp text, no quotes in it; null only on plans refused before they run)
	const at = (column: string, text: string | null) => (text === null ? `${column} IS NULL` : `${column} = '${text}'`);
	const session = `pid = ${b.pid} AND ${at('backend_start', b.backendStartText)}`;
	if (verb === 'cancel') {
		return {
			sql: `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE ${session} AND ${at('query_start', b.queryStartText)}`,
			object: `pid ${b.pid}`,
			progress: 'none',
			expectTrue: `nothing cancelled: pid ${b.pid} no longer runs the query shown (it finished, or the session ended or started another)`,
		};
	}
	return {
		sql: `SELECT pg_terminate_backend(pid, ${terminateWaitSeconds * 1000}) FROM pg_stat_activity WHERE ${session}`,
		object: `pid ${b.pid}`,
		progress: 'none',
		expectTrue: `not terminated: the session of pid ${b.pid} had already ended, or did not exit within ${terminateWaitSeconds} s of the signal (evfleet maint status shows it)`,
	};
}

/**
 * What a screen showed of the backend (an Activity snapshot's backendStartText / queryStartText): the plan is
 * refused when the pid is now another session, or (cancel) the session now runs another query.
 */
export type {SignalExpectation} from '../../model/maintenance.js';

/** Cancel (y/N) or terminate (type the pid) one backend of this database; refuses our own sessions. */
export async function planSignal(sql: Sql, {pid, verb, expect}: {pid: number; verb: SignalVerb; expect?: SignalExpectation}): Promise<ActionPlan> {
	if (!Number.isSafeInteger(pid) || pid <= 0) throw new UsageError(`invalid pid "${pid}"`, 'a backend pid is a positive number (evfleet maint status lists the running queries)');
	const b = await findBackend(sql, pid);
	if (!b) throw new NotFoundError(`no backend with pid ${pid} on this server`, 'it may have finished already; evfleet maint status lists the running queries');
	if (expect && b.backendStartText !== expect.backendStartText) {
		throw new UsageError(`refusing to ${verb} pid ${pid}: it is now another session than the one shown (started ${b.backendStartText ?? '?'})`, 'refresh the list and choose again');
	}
	if (expect && verb === 'cancel' && expect.queryStartText !== undefined && b.queryStartText !== expect.queryStartText) {
		throw new UsageError(`refusing to cancel pid ${pid}: it runs another query than the one shown`, 'refresh the list and choose again');
	}
	if (isOwnBackend(b)) throw new UsageError(`refusing to ${verb} pid ${pid}: it is a connection of this evfleet console`, 'quit the console instead');
	if (b.backendType !== null && b.backendType !== 'client backend') throw new UsageError(`refusing to ${verb} pid ${pid}: it is a ${b.backendType}, not a client session`);
	if (b.database !== null && b.database !== b.currentDatabase) {
		throw new UsageError(`refusing to ${verb} pid ${pid}: it is connected to database "${b.database}", not "${b.currentDatabase}"`, `connect to "${b.database}" (--url …/${b.database}) to act on it`);
	}
	const fn = verb === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend';
	const user = b.user ?? '?';
	let refusal: ActionPlan['refusal'] = null;
	if (b.state === null) {
		refusal = {message: `refusing to ${verb} pid ${pid}: what ${user}'s session runs is hidden from this role`, hint: 'connect as a role that can see it: a superuser, a member of pg_read_all_stats, or the same role'};
	} else if (!(busyStates[verb] as readonly string[]).includes(b.state)) {
		refusal = {message: `refusing to ${verb} pid ${pid}: it is ${describeState(b)}, not running anything`, hint: verb === 'cancel' ? 'there is no query to cancel' : 'an idle session holds no locks and no transaction'};
	}
	const signal: PrivilegeNeed = {kind: 'signal', pid, role: user, roleIsSuperuser: b.roleIsSuperuser === true, verb};
	const application = b.application ? b.application : 'no application_name';
	const notes =
		verb === 'cancel'
			? [`${fn} stops the running statement; the session stays connected (an open transaction is aborted)`, 'only the query shown is cancelled: if it ends or the session starts another before you confirm, nothing is']
			: [
				`${fn} ends the session: its transaction is rolled back, its locks released, its client disconnected`,
				`only the session shown is ended (not a later one given the same pid), and evfleet waits up to ${terminateWaitSeconds} s for it to exit`,
			];
	return {
		action: verb,
		title: `evfleet maint ${verb} ${pid}`,
		target: `pid ${pid} ${user} (${application})`,
		steps: [signalStep(verb, b)],
		atomic: false,
		affects: [
			{object: `pid ${pid}`, change: verb === 'cancel' ? 'cancel the running query (session stays)' : 'terminate the session', rows: null, bytes: null},
			{object: 'who', change: `${user} · ${application} · ${describeClient(b)}`, rows: null, bytes: null},
			{object: 'state', change: describeState(b), rows: null, bytes: null},
			{object: 'query', change: b.state === null ? '(hidden)' : shortQuery(b.query) || '(empty)', rows: null, bytes: null},
		],
		notes,
		destructive: verb === 'terminate',
		confirmText: verb === 'terminate' ? String(pid) : null,
		privileges: [signal, {kind: 'log'}],
		lockKeys: [`signal:${pid}`],
		nothingToDo: null,
		followUp: null,
		refusal,
	};
}
