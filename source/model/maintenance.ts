// The shapes of a maintenance action: its plan (exact SQL + what it affects), its progress and its outcome.
// Screens import these as types only.

export type ActionKind = 'partitions.create' | 'partitions.detach' | 'partitions.drop' | 'refresh' | 'vacuum' | 'analyze' | 'reindex' | 'schedule' | 'cancel' | 'terminate';

/** Which pg_stat_progress_* view reports on a step; 'none' shows elapsed time. */
export type ProgressSource = 'vacuum' | 'analyze' | 'create_index' | 'none';

export type ActionStep = {
	/** The exact statement run on the server. */
	sql: string;
	/** The object the step works on (a table, partition, view or index). */
	object: string;
	progress: ProgressSource;
	/** The statement returns one boolean (pg_cancel_backend): false fails the step with this message. */
	expectTrue?: string;
};

export type Affected = {
	object: string;
	/** What happens to it: "create", "detach (~1,204 rows, 12 MB)", "vacuum (3,400 dead tuples)". */
	change: string;
	rows: number | null;
	bytes: number | null;
};

/** What the session needs before anything runs; checked with has_*_privilege / pg_has_role. */
export type PrivilegeNeed =
	| {kind: 'function'; signature: string; role: string}
	| {kind: 'owner'; relation: string; alsoDatabaseOwner: boolean}
	| {kind: 'log'}
	/** pg_cancel_backend / pg_terminate_backend: superuser, the backend's role (or a member of it), or pg_signal_backend. */
	| {kind: 'signal'; pid: number; role: string; roleIsSuperuser: boolean; verb: 'cancel' | 'terminate'};

export type ActionPlan = {
	action: ActionKind;
	/** "evfleet maint vacuum vehicle_telematics": what a person would type. */
	title: string;
	/** Logged in maintenance_log.target. */
	target: string;
	steps: ActionStep[];
	/** All steps in one transaction (create partitions); otherwise one statement at a time (VACUUM, CONCURRENTLY). */
	atomic: boolean;
	affects: Affected[];
	/** Things the person should know before confirming (why not CONCURRENTLY, locks taken). */
	notes: string[];
	/** Destructive actions are confirmed by typing confirmText; plain ones by y/N. */
	destructive: boolean;
	confirmText: string | null;
	privileges: PrivilegeNeed[];
	/** One advisory lock per key (action + object), so two people cannot run the same thing at once. */
	lockKeys: string[];
	/** Set when there is nothing to do (partitions already exist): the command says so and exits 0. */
	nothingToDo: string | null;
	/** A second, separately confirmed plan (drop after detach). */
	followUp: ActionPlan | null;
	/**
	 * Found while planning but reported only after the privilege check (so a role that may not act at all
	 * hears that first): the action is refused, logged as refused, exit 2. Cancel/terminate of an idle backend.
	 */
	refusal?: {message: string; hint: string | null} | null;
};

export type ActionProgress = {
	step: number;
	steps: number;
	object: string;
	elapsedMs: number;
	/** From pg_stat_progress_*: phase name and units done/total when the server knows them. */
	phase: string | null;
	done: number | null;
	total: number | null;
	/** Set while the statement waits for a lock: who holds it. */
	waitingFor: string | null;
};

export type Outcome = 'done' | 'failed' | 'cancelled' | 'refused' | 'dry_run';

export type ActionResult = {
	outcome: Exclude<Outcome, 'dry_run'>;
	/** Steps that finished (for an atomic plan: all or none). */
	completed: ActionStep[];
	/** The step that failed or was cancelled. */
	interrupted: ActionStep | null;
	notRun: ActionStep[];
	error: string | null;
	/** Left behind by an interrupted CONCURRENTLY statement, with the SQL that cleans it up. */
	leftovers: string[];
	durationMs: number;
	logId: number | null;
};
