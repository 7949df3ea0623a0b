// The maintenance_log audit trail: who ran what, where, with which SQL, and how it ended.
import os from 'node:os';
import type {Sql} from 'postgres';
import type {ActionPlan, Outcome} from '../../model/maintenance.js';
import {type LogEntry} from '../../model/maintenance.js';
export {type LogEntry};

export type Who = {osUser: string; clientHost: string};

export function whoAmI(): Who {
	let osUser = process.env['SUDO_USER'] ?? process.env['USER'] ?? '';
	try {
		osUser = os.userInfo().username;
	} catch {}
	return {osUser, clientHost: os.hostname()};
}

export function planSql(plan: ActionPlan): string {
	return plan.steps.map(step => `${step.sql};`).join('\n');
}

/**
 * Every audit write runs in a short transaction of its own with a short lock_timeout: a session holding a lock on
 * maintenance_log (even the one being terminated) makes the write fail in about a second instead of holding up the
 * action, or its cancellation, behind it. The caller reports a write that failed (isAuditStuck tells why).
 */
export const auditLockTimeoutMs = 1000;
export const auditStatementTimeoutMs = 5000;

async function auditWrite<T>(sql: Sql, write: (tx: Sql) => Promise<T>): Promise<T> {
	return sql.begin(async transaction => {
		const tx = transaction as unknown as Sql;
		await tx`select set_config('lock_timeout', ${`${auditLockTimeoutMs}ms`}, true), set_config('statement_timeout', ${`${auditStatementTimeoutMs}ms`}, true)`;
		return write(tx);
	}) as Promise<T>;
}

/** The audit write gave up waiting (lock_timeout, statement_timeout): maintenance_log is locked or the server is stuck. */
export function isAuditStuck(error: unknown): boolean {
	const code = (error as {code?: string} | null)?.code;
	return code === '55P03' || code === '57014';
}

/** A row for an action that starts now; finished by finishLog. */
export async function startLog(sql: Sql, plan: ActionPlan, who: Who = whoAmI()): Promise<number> {
	const [row] = await auditWrite(sql, tx => tx<{id: number}[]>`
		insert into maintenance_log (os_user, client_host, action, target, sql)
		values (${who.osUser}, ${who.clientHost}, ${plan.action}, ${plan.target}, ${planSql(plan)})
		returning id`);
	return row!.id;
}

export async function finishLog(sql: Sql, id: number, outcome: Outcome, error: string | null): Promise<void> {
	await auditWrite(sql, tx => tx`update maintenance_log set finished_at = now(), outcome = ${outcome}, error = ${error} where id = ${id}`);
}

/**
 * One row for an action that never ran (refused, answer no, no privilege, busy, dry run), or for one that ran but
 * whose starting row could not be written (startedAt given: when it really started).
 */
export async function recordOutcome(sql: Sql, plan: ActionPlan, outcome: Outcome, error: string | null, who: Who = whoAmI(), startedAt?: Date): Promise<number> {
	const [row] = await auditWrite(sql, tx => tx<{id: number}[]>`
		insert into maintenance_log (os_user, client_host, action, target, sql, started_at, finished_at, outcome, error)
		values (${who.osUser}, ${who.clientHost}, ${plan.action}, ${plan.target}, ${planSql(plan)}, least(coalesce(${startedAt ?? null}::timestamptz, now()), now()), now(), ${outcome}, ${error})
		returning id`);
	return row!.id;
}

/**
 * A refusal for a role without INSERT on maintenance_log (evfleet_reader): through the schema's
 * evfleet_log_refusal(), which can only add a 'refused' row under the caller's own role.
 */
export async function recordRefusalWithoutInsert(sql: Sql, plan: ActionPlan, error: string | null, who: Who = whoAmI()): Promise<number> {
	const [row] = await auditWrite(sql, tx => tx<{id: number}[]>`
		select evfleet_log_refusal(${plan.action}, ${plan.target}, ${planSql(plan)}, ${error}, ${who.osUser}, ${who.clientHost}) as id`);
	return row!.id;
}

export type LogQuery = {limit?: number; action?: string; outcome?: Outcome; since?: Date};

/** Recent entries, newest first. */
export async function recentLog(sql: Sql, {limit = 50, action, outcome, since}: LogQuery = {}): Promise<LogEntry[]> {
	return sql<LogEntry[]>`
		select id, db_user, os_user, client_host, server_user, host(server_client_addr) as server_client_addr,
		       action, target, sql, started_at, finished_at, outcome, error
		from maintenance_log
		where true
		  ${action ? sql`and action = ${action}` : sql``}
		  ${outcome ? sql`and outcome = ${outcome}` : sql``}
		  ${since ? sql`and started_at >= ${since}` : sql``}
		order by started_at desc, id desc
		limit ${limit}`;
}
