// One entry point per maintenance request: plan it, check privileges (logging a refusal), run it.
import type {Sql} from 'postgres';
import {PrivilegeError, UsageError} from '../../model/errors.js';
import {createSql, type ConnectionTarget} from '../connection.js';
import {recordOutcome, recordRefusalWithoutInsert, type Who} from './audit.js';
import {planAnalyze, planCreatePartitions, planDetach, planDropDetached, planRefresh, planReindex, planVacuum} from './plan.js';
import {checkPrivileges} from './privileges.js';
import {planSignal} from './signal.js';
import type {ActionPlan, Outcome} from '../../model/maintenance.js';
import {type MaintenanceRequest} from '../../model/maintenance.js';
export {type MaintenanceRequest};

export async function planAction(sql: Sql, request: MaintenanceRequest): Promise<ActionPlan> {
	switch (request.action) {
		case 'partitions.create':
			return planCreatePartitions(sql, request);
		case 'partitions.detach':
			return planDetach(sql, request);
		case 'partitions.drop':
			return planDropDetached(sql, request.tables);
		case 'refresh':
			return planRefresh(sql, request);
		case 'vacuum':
			return planVacuum(sql, request);
		case 'analyze':
			return planAnalyze(sql, request);
		case 'reindex':
			return planReindex(sql, request);
		case 'cancel':
		case 'terminate':
			return planSignal(sql, {pid: request.pid, verb: request.action, expect: request.expect});
	}
}

const insufficientPrivilege = '42501';

/**
 * Records an outcome that never ran (refused, dry_run) on a short read-write connection of its own,
 * so a read-only browsing session can still audit. A refusal of a role without INSERT on maintenance_log
 * (evfleet_reader) goes through evfleet_log_refusal(). Returns false when the audit could not be written
 * (a dry run by such a role, or a schema without the function); the caller says so.
 */
export async function recordWithoutRunning(target: ConnectionTarget, plan: ActionPlan, outcome: Outcome, error: string | null, who?: Who): Promise<boolean> {
	const sql = createSql(target, {max: 1, parameters: {application_name: 'evfleet maint (audit)', statement_timeout: '10s', lock_timeout: '5s'}});
	try {
		await recordOutcome(sql, plan, outcome, error, who);
		return true;
	} catch (insertError) {
		if (outcome !== 'refused' || (insertError as {code?: string}).code !== insufficientPrivilege) return false;
		try {
			await recordRefusalWithoutInsert(sql, plan, error, who);
			return true;
		} catch {
			return false;
		}
	} finally {
		await sql.end({timeout: 5}).catch(() => {});
	}
}

/** Plans and checks privileges before anything runs; a refusal is logged (when the role may log) and thrown. */
export async function prepareAction(sql: Sql, target: ConnectionTarget, request: MaintenanceRequest): Promise<ActionPlan> {
	const plan = await planAction(sql, request);
	for (const p of [plan, ...(plan.followUp ? [plan.followUp] : [])]) {
		try {
			await checkPrivileges(sql, p);
		} catch (error) {
			if (!(error instanceof PrivilegeError)) throw error;
			const logged = await recordWithoutRunning(target, p, 'refused', error.message);
			throw logged ? error : new PrivilegeError(error.message, `${error.hint ?? ''}${error.hint ? ' ' : ''}(this refusal could not be written to maintenance_log: no INSERT privilege)`.trim());
		}
		// Refusals found while planning (an idle backend to cancel) come after the privilege check, and are logged too.
		if (p.refusal) {
			await recordWithoutRunning(target, p, 'refused', p.refusal.message);
			throw new UsageError(p.refusal.message, p.refusal.hint ?? undefined);
		}
	}
	return plan;
}
