// The maintenance data source for the screen and the commands: reads on the given (possibly read-only)
// session; every action runs on its own read-write connection (runner.ts).
import {UsageError} from '../../model/errors.js';
import type {Sql} from 'postgres';
import type {ConnectionTarget} from '../connection.js';
import {maintenanceHealth, type HealthOptions} from '../queries/maintenance.js';
import type {MaintenanceData} from '../../model/maintenance-data.js';
import {recentLog} from './audit.js';
import {runPlan} from './runner.js';
import {prepareAction, recordWithoutRunning} from './service.js';

export type MaintenanceDataOptions = {
	lockTimeoutMs?: number;
	statementTimeoutMs?: number;
	health?: HealthOptions;
	/** `evfleet --readonly` (as in k9s): health and log only; every action is refused before any SQL. */
	readOnly?: boolean;
};

export function createMaintenanceData(target: ConnectionTarget, sql: Sql, options: MaintenanceDataOptions = {}): MaintenanceData {
	return {
		readOnly: options.readOnly ?? false,
		health: () => maintenanceHealth(sql, options.health),
		log: limit => recentLog(sql, {limit}),
		prepare: request =>
			options.readOnly
				? Promise.reject(new UsageError('the console was opened with --readonly: maintenance actions are off', 'open it without --readonly, or run the action with evfleet maint …'))
				: prepareAction(sql, target, request),
		run: (plan, {signal, onProgress}) => runPlan(target, plan, {lockTimeoutMs: options.lockTimeoutMs, statementTimeoutMs: options.statementTimeoutMs, signal, onProgress}),
		refuse: (plan, reason) => recordWithoutRunning(target, plan, 'refused', reason),
	};
}
