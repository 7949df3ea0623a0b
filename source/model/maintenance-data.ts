// The maintenance screen's data source (implemented in source/db/maintenance/data.ts, faked in tests).
import type {ActionPlan, ActionProgress, ActionResult, LogEntry, MaintenanceHealth, MaintenanceRequest} from './maintenance.js';

export type {LogEntry, MaintenanceRequest, ActionPlan, ActionProgress, ActionResult, MaintenanceHealth};

export type MaintenanceActions = {
	/** The plan (exact SQL, what it affects) after the privilege check; rejects with a PrivilegeError-like error when refused. */
	prepare(request: MaintenanceRequest): Promise<ActionPlan>;
	/** Runs a confirmed plan on its own connection; abort the signal to cancel on the server. */
	run(plan: ActionPlan, options: {signal: AbortSignal; onProgress(progress: ActionProgress): void}): Promise<ActionResult>;
	/** Records that the person said no (outcome refused); resolves false when the audit could not be written. */
	refuse(plan: ActionPlan, reason: string): Promise<boolean>;
};

export type MaintenanceData = MaintenanceActions & {
	/** Actions are off (`evfleet --readonly`): the screen offers no action keys. */
	readOnly?: boolean;
	health(): Promise<MaintenanceHealth>;
	log(limit: number): Promise<LogEntry[]>;
};
