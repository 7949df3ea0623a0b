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
	/** Set when the action ran but its audit row could not be written (or finished): said loudly, exit 1. */
	auditError?: string | null;
	/** Set when the audit row was written only after the action (maintenance_log was locked when it started). */
	auditNote?: string | null;
};

export type PartitionHealth = {
	table: string;
	partitions: PartitionRow[];
	/** 'YYYY-MM' of the first and last monthly partition. */
	firstMonth: string | null;
	lastMonth: string | null;
	/** Consecutive months after the current one that have a partition. */
	monthsAhead: number;
	currentMonthMissing: boolean;
	nextMonthMissing: boolean;
	defaultPartition: string | null;
	/** Exact count in the default partition, capped at defaultRowsCap. */
	defaultRows: number;
	/** Partitions left half-detached by a cancelled DETACH … CONCURRENTLY. */
	detachPending: string[];
	totalBytes: number;
};

export type MatviewHealth = {
	view: string;
	exists: boolean;
	populated: boolean;
	refreshFunction: string | null;
	lastRefreshAt: Date | null;
	lastDurationMs: number | null;
	lastConcurrent: boolean | null;
	ageSeconds: number | null;
	maxAgeSeconds: number;
	stale: boolean;
	totalBytes: number | null;
	rowEstimate: number | null;
};

export type TableHealth = {
	table: string;
	kind: 'table' | 'partition' | 'matview';
	/** Sizes are null while the table is locked ACCESS EXCLUSIVE by another session. */
	totalBytes: number | null;
	tableBytes: number | null;
	indexBytes: number | null;
	liveTuples: number;
	deadTuples: number;
	lastVacuum: Date | null;
	lastAutovacuum: Date | null;
	lastAnalyze: Date | null;
	lastAutoanalyze: Date | null;
};

export type IndexHealth = {
	index: string;
	table: string;
	bytes: number | null;
	scans: number;
	problem: 'unused' | 'duplicate' | 'invalid';
	/** For duplicates: the index it repeats. */
	duplicateOf: string | null;
};

export type ActivityRow = {
	pid: number;
	user: string | null;
	application: string | null;
	clientAddr: string | null;
	state: string | null;
	seconds: number;
	waitEventType: string | null;
	waitEvent: string | null;
	blockedBy: number[];
	relations: string[];
	query: string;
};

export type HealthIssue = {
	/** 'action': `maint status --check` exits 1; 'warn': worth a look. */
	severity: 'action' | 'warn';
	subject: string;
	message: string;
	/** The evfleet command (or SQL) that fixes it. */
	fix: string | null;
};

export type MaintenanceHealth = {
	checkedAt: Date;
	currentMonth: string;
	partitions: PartitionHealth[];
	matviews: MatviewHealth[];
	tables: TableHealth[];
	indexes: IndexHealth[];
	activity: ActivityRow[];
	issues: HealthIssue[];
};

export const matviewNames = ['battery_health_trends', 'energy_efficiency_metrics'] as const;

export type MatviewName = (typeof matviewNames)[number];

/** What a screen showed of a backend: cancel/terminate refuse when the pid is now another session (or, for cancel, another query). */
export type SignalExpectation = {backendStartText: string; queryStartText?: string | null};

export type MaintenanceRequest =
	| {action: 'partitions.create'; ahead?: number; table?: string}
	| {action: 'partitions.detach'; olderThanMonths?: number; table?: string; partition?: string; drop?: boolean}
	| {action: 'partitions.drop'; tables: string[]}
	| {action: 'refresh'; view?: MatviewName | 'all'}
	| {action: 'vacuum'; table?: string; analyze?: boolean}
	| {action: 'analyze'; table?: string}
	| {action: 'reindex'; name: string}
	| {action: 'cancel'; pid: number; expect?: SignalExpectation}
	| {action: 'terminate'; pid: number; expect?: SignalExpectation};

export type LogEntry = {
	id: number;
	/** The role in effect when the row was written (its SET ROLE, else the login): written by the server. */
	dbUser: string;
	/** Claimed by the client (its OS user and host name): any login can write anything here. */
	osUser: string | null;
	clientHost: string | null;
	/** The server's view, set by a trigger whatever the client sends: the login (session_user) and its address (null: a Unix socket). Both null on rows older than the trigger. */
	serverUser: string | null;
	serverClientAddr: string | null;
	action: string;
	target: string | null;
	sql: string | null;
	startedAt: Date;
	finishedAt: Date | null;
	/** null while running (or when the client died mid-action). */
	outcome: Outcome | null;
	error: string | null;
};

export type PartitionRow = {
	name: string;
	rangeFrom: Date | null;
	rangeTo: Date | null;
	isDefault: boolean;
	rowEstimate: number | null;
	/** Null while another session holds an ACCESS EXCLUSIVE lock on it (measuring would wait for that lock). */
	totalBytes: number | null;
	hasRows: boolean | null;
};

/** Who wrote an audit row, as the server saw it: "login@address" ("local" for a Unix socket). */
export function auditServerParty(entry: Pick<LogEntry, 'serverUser' | 'serverClientAddr'>): string {
	if (entry.serverUser === null) return '(not recorded)';
	return `${entry.serverUser}@${entry.serverClientAddr ?? 'local'}`;
}

/** Who the client said it was: "os user@host", empty when it claimed nothing. */
export function auditClaimedParty(entry: Pick<LogEntry, 'osUser' | 'clientHost'>): string {
	if (entry.osUser === null && entry.clientHost === null) return '';
	return `${entry.osUser ?? '?'}@${entry.clientHost ?? '?'}`;
}
