// Runs a confirmed plan on its own read-write connection: lock_timeout and statement_timeout set, one advisory
// lock per action+object, progress from pg_stat_progress_*, cancel through pg_cancel_backend from a second
// connection, and the outcome in maintenance_log whatever happens.
import type {Sql} from 'postgres';
import {createSql, mapConnectionError, type ConnectionTarget} from '../connection.js';
import {LockTimeoutError} from '../../model/errors.js';
import {formatDuration} from '../../text/formats.js';
import {quoteIdent} from '../queries/maintenance.js';
import {auditLockTimeoutMs, finishLog, isAuditStuck, recordOutcome, startLog, whoAmI, type Who} from './audit.js';
import type {ActionPlan, ActionProgress, ActionResult, ActionStep} from '../../model/maintenance.js';

export type RunOptions = {
	lockTimeoutMs?: number;
	/** 0 means no limit. */
	statementTimeoutMs?: number;
	signal?: AbortSignal;
	onProgress?: (progress: ActionProgress) => void;
	pollMs?: number;
	who?: Who;
};

export const defaultLockTimeoutMs = 5000;
export const defaultStatementTimeoutMs = 3_600_000;
export const applicationName = 'evfleet maint';

/** The second session trying the same action is told who holds it. */
export class ActionBusyError extends LockTimeoutError {}

type PgError = Error & {code?: string};

const lockNamespace = 'evfleet.maint';

/** Who holds the advisory lock for a key: "alice (evfleet maint) from 10.0.0.5, pid 4242, since 14:05:09Z". */
export async function advisoryLockHolder(sql: Sql, key: string): Promise<string | null> {
	const [row] = await sql<{pid: number; usename: string | null; applicationName: string | null; clientAddr: string | null; since: Date | null}[]>`
		select a.pid, a.usename, a.application_name, a.client_addr::text as client_addr, coalesce(a.xact_start, a.query_start, a.backend_start) as since
		from pg_locks l join pg_stat_activity a on a.pid = l.pid
		where l.locktype = 'advisory' and l.granted and l.objsubid = 2
		  and l.classid = hashtext(${lockNamespace})::oid and l.objid = hashtext(${key})::oid
		  and l.database = (select oid from pg_database where datname = current_database())
		limit 1`;
	if (!row) return null;
	return `${row.usename ?? '?'} (${row.applicationName || 'no application_name'})${row.clientAddr ? ` from ${row.clientAddr}` : ' on the server host'}, pid ${row.pid}${row.since ? `, since ${row.since.toISOString().slice(11, 19)}Z` : ''}`;
}

async function describeBackend(sql: Sql, pid: number): Promise<string> {
	const [row] = await sql<{usename: string | null; applicationName: string | null; clientAddr: string | null; query: string | null}[]>`
		select usename, application_name, client_addr::text as client_addr, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as query
		from pg_stat_activity where pid = ${pid}`;
	if (!row) return `pid ${pid}`;
	return `pid ${pid} ${row.usename ?? '?'}${row.applicationName ? ` (${row.applicationName})` : ''}${row.clientAddr ? ` from ${row.clientAddr}` : ''}: ${row.query ?? ''}`;
}

/** After a lock timeout the poller may not have seen the wait: who holds a lock on the object (or its parent) now. */
async function findLockHolder(sql: Sql, object: string, ourPid: number): Promise<string | null> {
	const [row] = await sql<{pid: number}[]>`
		select l.pid from pg_locks l join pg_class c on c.oid = l.relation
		where l.granted and l.pid <> ${ourPid} and c.relnamespace = 'public'::regnamespace
		  and (c.relname = ${object} or c.oid in (select i.inhparent from pg_inherits i join pg_class p on p.oid = i.inhrelid where p.relname = ${object}))
		order by l.mode = 'AccessExclusiveLock' desc
		limit 1`;
	return row ? describeBackend(sql, row.pid) : null;
}

type ProgressRow = {
	waitEventType: string | null;
	blockedBy: number[];
	vPhase: string | null; vTotal: number | null; vDone: number | null;
	aPhase: string | null; aTotal: number | null; aDone: number | null; aChildTotal: number | null; aChildDone: number | null;
	cPhase: string | null; cTotal: number | null; cDone: number | null;
};

async function pollProgress(sql: Sql, pid: number): Promise<ProgressRow | undefined> {
	const [row] = await sql<ProgressRow[]>`
		select a.wait_event_type, pg_blocking_pids(a.pid) as blocked_by,
		       v.phase as v_phase, v.heap_blks_total as v_total, v.heap_blks_scanned as v_done,
		       an.phase as a_phase, an.sample_blks_total as a_total, an.sample_blks_scanned as a_done,
		       an.child_tables_total as a_child_total, an.child_tables_done as a_child_done,
		       ci.phase as c_phase, ci.blocks_total as c_total, ci.blocks_done as c_done
		from pg_stat_activity a
		left join pg_stat_progress_vacuum v on v.pid = a.pid
		left join pg_stat_progress_analyze an on an.pid = a.pid
		left join pg_stat_progress_create_index ci on ci.pid = a.pid
		where a.pid = ${pid}`;
	return row;
}

function progressFrom(row: ProgressRow | undefined): Pick<ActionProgress, 'phase' | 'done' | 'total'> {
	if (!row) return {phase: null, done: null, total: null};
	if (row.vPhase) return {phase: row.vPhase, done: row.vDone, total: row.vTotal || null};
	if (row.aPhase) {
		if (row.aChildTotal) return {phase: `${row.aPhase} (partition ${row.aChildDone ?? 0}/${row.aChildTotal})`, done: row.aChildDone, total: row.aChildTotal};
		return {phase: row.aPhase, done: row.aDone, total: row.aTotal || null};
	}
	if (row.cPhase) return {phase: row.cPhase, done: row.cDone, total: row.cTotal || null};
	return {phase: null, done: null, total: null};
}

/** What an interrupted CONCURRENTLY statement left behind, with the SQL that cleans it up. */
async function findLeftovers(sql: Sql, plan: ActionPlan): Promise<string[]> {
	const leftovers: string[] = [];
	if (plan.action === 'partitions.detach') {
		const rows = await sql<{parent: string; name: string}[]>`
			select p.relname as parent, c.relname as name
			from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
			where i.inhdetachpending and c.relname = any(${plan.steps.map(s => s.object)})`;
		for (const r of rows) leftovers.push(`${r.name} is half-detached; finish with: ALTER TABLE public.${quoteIdent(r.parent)} DETACH PARTITION public.${quoteIdent(r.name)} FINALIZE`);
	}
	if (plan.action === 'reindex') {
		const rows = await sql<{name: string}[]>`
			select ic.relname as name from pg_index i join pg_class ic on ic.oid = i.indexrelid
			where not i.indisvalid and ic.relnamespace = 'public'::regnamespace and ic.relname ~ '_cc(new|old)[0-9]*$'`;
		for (const r of rows) leftovers.push(`invalid index ${r.name} left by the interrupted REINDEX; remove with: DROP INDEX CONCURRENTLY public.${quoteIdent(r.name)}`);
	}
	return leftovers;
}

/** Why an audit write failed, with who holds maintenance_log when it was a lock. */
async function describeAuditFailure(sql: Sql, error: unknown, ourPid: number): Promise<string> {
	const e = error as PgError;
	if (e.code === '55P03') {
		const holder = await findLockHolder(sql, 'maintenance_log', ourPid).catch(() => null);
		return `maintenance_log is locked${holder ? ` by ${holder}` : ' by another session'} (gave up after ${formatDuration(auditLockTimeoutMs)})`;
	}
	return `writing maintenance_log failed: ${e.message ?? String(error)}`;
}

function durationSetting(ms: number): string {
	return `${Math.max(0, Math.round(ms))}ms`;
}

/**
 * Runs the plan. Resolves with the outcome (done / failed / cancelled) and what was and was not done;
 * rejects only when it could not start: no connection, or another session runs the same action (ActionBusyError).
 */
export async function runPlan(target: ConnectionTarget, plan: ActionPlan, options: RunOptions = {}): Promise<ActionResult> {
	const lockTimeoutMs = options.lockTimeoutMs ?? defaultLockTimeoutMs;
	const statementTimeoutMs = options.statementTimeoutMs ?? defaultStatementTimeoutMs;
	const who = options.who ?? whoAmI();
	const started = Date.now();
	// The control session writes the audit, watches progress and cancels; its own statements are short.
	const control = createSql(target, {max: 2, parameters: {application_name: `${applicationName} (control)`, statement_timeout: '30s', lock_timeout: '5s'}});
	// The action session: max 1, so every statement (and the advisory lock) is on the same backend.
	const action = createSql(target, {max: 1, parameters: {application_name: applicationName, lock_timeout: durationSetting(lockTimeoutMs), statement_timeout: durationSetting(statementTimeoutMs)}});
	let poller: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	try {
		let pid: number;
		try {
			const [row] = await action<{pid: number}[]>`select pg_backend_pid() as pid`;
			pid = row!.pid;
		} catch (error) {
			throw mapConnectionError(error, target);
		}

		for (const key of plan.lockKeys) {
			const [row] = await action<{ok: boolean}[]>`select pg_try_advisory_lock(hashtext(${lockNamespace}), hashtext(${key})) as ok`;
			if (!row!.ok) {
				const holder = (await advisoryLockHolder(control, key)) ?? 'another session';
				const message = `${plan.title} is already running (${key.replace(':', ' ')}): held by ${holder}`;
				await recordOutcome(control, plan, 'refused', message, who).catch(() => {});
				throw new ActionBusyError(message, 'wait for it to finish (evfleet maint status shows running statements), then try again');
			}
		}

		// The audit never holds up the action: a starting row that cannot be written in time (maintenance_log locked,
		// perhaps by the very session being terminated) is written once the action ends; failing that, reported.
		const startedAt = new Date();
		let logId: number | null = null;
		let auditStartFailure: string | null = null;
		try {
			logId = await startLog(control, plan, who);
		} catch (auditError) {
			if (!isAuditStuck(auditError)) throw auditError;
			auditStartFailure = await describeAuditFailure(control, auditError, pid);
		}
		const completed: ActionStep[] = [];
		let current: ActionStep | null = null;
		let cancelled = false;
		let waitingFor: string | null = null;

		const report = (extra: Partial<ActionProgress> = {}) => {
			if (!current) return;
			options.onProgress?.({step: completed.length + 1, steps: plan.steps.length, object: current.object, elapsedMs: Date.now() - started, phase: null, done: null, total: null, waitingFor, ...extra});
		};
		let polling = false;
		poller = setInterval(() => {
			if (polling || !current) return;
			polling = true;
			pollProgress(control, pid)
				.then(async row => {
					waitingFor = row && row.waitEventType === 'Lock' && row.blockedBy.length > 0 ? await describeBackend(control, row.blockedBy[0]!) : null;
					report(progressFrom(row));
				})
				.catch(() => {})
				.finally(() => {
					polling = false;
				});
		}, options.pollMs ?? 500);

		let cancelRequest: Promise<unknown> = Promise.resolve();
		onAbort = () => {
			cancelled = true;
			if (current) cancelRequest = control`select pg_cancel_backend(${pid})`.catch(() => {});
		};
		if (options.signal?.aborted) onAbort();
		options.signal?.addEventListener('abort', onAbort);

		let error: PgError | null = null;
		try {
			if (plan.atomic) {
				current = plan.steps[0] ?? null;
				report();
				await action.begin(async tx => {
					for (const step of plan.steps) {
						if (cancelled) throw Object.assign(new Error('canceling statement due to user request'), {code: '57014'});
						current = step;
						report();
						await tx.unsafe(step.sql);
					}
				});
				completed.push(...plan.steps);
			} else {
				for (const step of plan.steps) {
					if (cancelled) break;
					current = step;
						report();
					const rows = await action.unsafe(step.sql);
					if (step.expectTrue && Object.values((rows[0] ?? {}) as Record<string, unknown>)[0] !== true) throw new Error(step.expectTrue);
					completed.push(step);
				}
			}
		} catch (caught) {
			error = caught as PgError;
		}
		const interrupted = error ? current : null;
		current = null;
		clearInterval(poller);
		await cancelRequest;

		const notRun = plan.steps.filter(step => !completed.includes(step) && step !== interrupted);
		let outcome: ActionResult['outcome'] = 'done';
		let message: string | null = null;
		if (error) {
			const atomicNote = plan.atomic ? ' (rolled back: nothing was changed)' : '';
			if (error.code === '57014' && cancelled) {
				outcome = 'cancelled';
				message = `cancelled during ${interrupted?.object ?? 'the action'}${atomicNote}`;
			} else if (error.code === '57014' && /statement timeout/i.test(error.message)) {
				outcome = 'failed';
				message = `${interrupted?.sql} stopped by statement_timeout (${formatDuration(statementTimeoutMs)})${atomicNote}; raise it with --statement-timeout`;
			} else if (error.code === '55P03') {
				outcome = 'failed';
				if (!waitingFor && interrupted) waitingFor = await findLockHolder(control, interrupted.object, pid).catch(() => null);
				message = `could not lock ${interrupted?.object} within lock_timeout (${formatDuration(lockTimeoutMs)})${waitingFor ? `; held by ${waitingFor}` : ': another session holds a conflicting lock'}${atomicNote}`;
			} else {
				outcome = 'failed';
				message = `${interrupted?.sql ?? plan.title}: ${error.message}${atomicNote}`;
			}
			if (plan.atomic) completed.length = 0;
		} else if (cancelled && notRun.length > 0) {
			outcome = 'cancelled';
			message = `cancelled after ${completed.length} of ${plan.steps.length} step(s)`;
		}
		const leftovers = outcome === 'done' ? [] : await findLeftovers(control, plan).catch(() => []);
		const logged = [message, notRun.length > 0 && outcome !== 'done' ? `not run: ${notRun.map(s => s.object).join(', ')}` : null, ...leftovers].filter(Boolean).join('; ') || null;
		let auditError: string | null = null;
		let auditNote: string | null = null;
		try {
			if (logId !== null) await finishLog(control, logId, outcome, logged);
			else {
				logId = await recordOutcome(control, plan, outcome, [logged, `audit written after the action: ${auditStartFailure}`].filter(Boolean).join('; '), who, startedAt);
				auditNote = `the audit row was written after the action (${auditStartFailure})`;
			}
		} catch (finishError) {
			auditError = `${logId === null ? 'no audit row was written' : `audit row ${logId} was left unfinished`}: ${await describeAuditFailure(control, finishError, pid)}`;
		}
		return {outcome, completed: plan.atomic && error ? [] : completed, interrupted, notRun: plan.atomic && error ? plan.steps.filter(s => s !== interrupted) : notRun, error: message, leftovers, durationMs: Date.now() - started, logId, auditError, auditNote};
	} finally {
		if (poller) clearInterval(poller);
		if (onAbort) options.signal?.removeEventListener('abort', onAbort);
		// Ending the action session releases its advisory locks.
		await action.end({timeout: 5}).catch(() => {});
		await control.end({timeout: 5}).catch(() => {});
	}
}
