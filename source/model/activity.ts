// Server activity as pg_activity shows it: one row per backend, and the blocker tree built from pg_blocking_pids.
// Pure: the rows come from a port (ActivitySource, implemented in source/db/queries/activity.ts), the tree is
// built here, and screens and printers draw it. Imports nothing outside model.

/** The lock a backend is waiting for (pg_locks, not granted). */
export type LockWait = {
	/** relation, tuple, transactionid, advisory … */
	lockType: string;
	/** AccessExclusiveLock, ShareLock … */
	mode: string;
	/** schema.name of the locked relation, when the lock is on one of this database's relations. */
	relation: string | null;
};

/** One backend of pg_stat_activity. */
export type ActivityBackend = {
	pid: number;
	database: string | null;
	user: string | null;
	application: string;
	/** Client address; null for a local (Unix socket) connection. */
	clientAddr: string | null;
	clientPort: number | null;
	/** null when this role may not see the backend's activity (another role without pg_read_all_stats). */
	state: string | null;
	waitEventType: string | null;
	waitEvent: string | null;
	backendStart: Date;
	xactStart: Date | null;
	queryStart: Date | null;
	/** The server's own text of backend_start and query_start, to the microsecond: what cancel/terminate guards compare. */
	backendStartText: string;
	queryStartText: string | null;
	/** Seconds since the transaction started (null outside a transaction), at the snapshot's time. */
	xactSeconds: number | null;
	/** Seconds since the current (or, when idle, the last) query started. */
	querySeconds: number | null;
	/** Full query text, as the server reports it (null when hidden). */
	query: string | null;
	/** pg_blocking_pids: who this backend waits for (0 is a prepared transaction). Empty when not waiting on a lock. */
	blockedBy: number[];
	lockWait: LockWait | null;
};

export type ActivityScope = 'database' | 'cluster';

export type ActivitySnapshot = {
	/** The server's clock when the rows were read: ages are relative to it, and the data's age is measured from it. */
	takenAt: Date;
	scope: ActivityScope;
	/** The database connected to (the scope of 'database'). */
	database: string;
	/** Every client backend in scope, but the one that read the snapshot. */
	backends: ActivityBackend[];
};

/** The port a screen or command reads activity through. */
export type ActivitySource = {
	/** One snapshot; while one is being read, asking again joins it instead of starting a second query. */
	snapshot(options?: {all?: boolean}): Promise<ActivitySnapshot>;
};

export type ActivitySort = 'age' | 'blocked';
export const activitySorts: readonly ActivitySort[] = ['age', 'blocked'];

export type ActivityNode = {
	backend: ActivityBackend;
	depth: number;
	/** The blocker this node is drawn under (null for a root). */
	parentPid: number | null;
	/** Other backends it also waits for (not drawn as its parent); includes pids outside the snapshot (other databases, 0). */
	alsoBlockedBy: number[];
	/** How many backends wait behind it, directly or through others (its descendants in the tree). */
	blockedCount: number;
	/** Part of a cycle of waits (a deadlock not yet detected, or waits that changed while the rows were read). */
	inCycle: boolean;
	children: ActivityNode[];
};

/** Age for sorting: how long the transaction has been open, else how long an active query runs; idle last. */
export function activityAgeSeconds(b: ActivityBackend): number {
	if (b.xactSeconds !== null) return b.xactSeconds;
	if (b.state === 'active' && b.querySeconds !== null) return b.querySeconds;
	return -1;
}

/**
 * The blocker each waiting backend is drawn under. A backend queued behind others for the same lock has several
 * blockers (the holder and those ahead of it); it goes under the one that itself waits for another of them (the
 * end of the queue before it), so a queue reads as a chain, else under the first one seen.
 */
function chooseParent(b: ActivityBackend, byPid: ReadonlyMap<number, ActivityBackend>): number | null {
	const visible = b.blockedBy.filter(pid => pid !== b.pid && byPid.has(pid));
	if (visible.length === 0) return null;
	const others = new Set(visible);
	const queued = visible.find(pid => byPid.get(pid)!.blockedBy.some(other => other !== pid && others.has(other)));
	return queued ?? visible[0]!;
}

function compareBy(sort: ActivitySort) {
	return (a: ActivityNode, b: ActivityNode): number => {
		if (sort === 'blocked' && a.blockedCount !== b.blockedCount) return b.blockedCount - a.blockedCount;
		const age = activityAgeSeconds(b.backend) - activityAgeSeconds(a.backend);
		if (age !== 0) return age;
		if (sort === 'age' && a.blockedCount !== b.blockedCount) return b.blockedCount - a.blockedCount;
		return a.backend.pid - b.backend.pid;
	};
}

/**
 * The blocker tree: every backend once, blocked ones under their blocker. Roots that block others come first
 * (the root blockers, the ones to act on), then backends waiting for someone outside the snapshot, then the rest;
 * within each group and among siblings, by `sort`. A cycle of waits is cut at its lowest pid, which becomes a
 * root marked inCycle (as are the others of the cycle).
 */
export function buildBlockerTree(backends: readonly ActivityBackend[], {sort = 'age'}: {sort?: ActivitySort} = {}): ActivityNode[] {
	const byPid = new Map(backends.map(b => [b.pid, b]));
	const parent = new Map<number, number | null>(backends.map(b => [b.pid, chooseParent(b, byPid)]));
	const inCycle = new Set<number>();

	// Walk up from every backend; a walk that comes back to a pid it passed is a cycle.
	const settled = new Set<number>();
	for (const b of backends) {
		const path: number[] = [];
		const onPath = new Set<number>();
		let pid: number | null = b.pid;
		while (pid !== null && !settled.has(pid) && !onPath.has(pid)) {
			path.push(pid);
			onPath.add(pid);
			pid = parent.get(pid) ?? null;
		}
		if (pid !== null && onPath.has(pid)) {
			const cycle = path.slice(path.indexOf(pid));
			for (const member of cycle) inCycle.add(member);
			parent.set(Math.min(...cycle), null);
		}
		for (const p of path) settled.add(p);
	}

	const children = new Map<number, ActivityBackend[]>();
	for (const b of backends) {
		const p = parent.get(b.pid);
		if (p === null || p === undefined) continue;
		children.set(p, [...(children.get(p) ?? []), b]);
	}
	const compare = compareBy(sort);
	const build = (b: ActivityBackend, depth: number): ActivityNode => {
		const kids = (children.get(b.pid) ?? []).map(child => build(child, depth + 1)).sort(compare);
		const parentPid = parent.get(b.pid) ?? null;
		return {
			backend: b,
			depth,
			parentPid,
			alsoBlockedBy: b.blockedBy.filter(pid => pid !== parentPid),
			blockedCount: kids.reduce((sum, kid) => sum + 1 + kid.blockedCount, 0),
			inCycle: inCycle.has(b.pid),
			children: kids,
		};
	};
	const group = (node: ActivityNode) => (node.blockedCount > 0 ? 0 : node.backend.blockedBy.length > 0 ? 1 : 2);
	return backends
		.filter(b => parent.get(b.pid) === null)
		.map(b => build(b, 0))
		.sort((a, b) => group(a) - group(b) || compare(a, b));
}

export type ActivityLine = Omit<ActivityNode, 'children'> & {
	/** For each ancestor level below the root, whether that ancestor was the last of its siblings (draws │ or space). */
	ancestorsLast: boolean[];
	/** Whether this node is the last of its siblings (draws └ or ├). */
	isLast: boolean;
};

/** The tree in display order, one line per backend. */
export function flattenBlockerTree(roots: readonly ActivityNode[]): ActivityLine[] {
	const lines: ActivityLine[] = [];
	const visit = (node: ActivityNode, ancestorsLast: boolean[], isLast: boolean) => {
		const {children, ...rest} = node;
		lines.push({...rest, ancestorsLast, isLast});
		children.forEach((child, i) => visit(child, node.depth === 0 ? [] : [...ancestorsLast, isLast], i === children.length - 1));
	};
	roots.forEach((root, i) => visit(root, [], i === roots.length - 1));
	return lines;
}

/** The roots that block someone: the backends to look at first in a pile-up. */
export function rootBlockers(roots: readonly ActivityNode[]): ActivityNode[] {
	return roots.filter(root => root.blockedCount > 0);
}

/**
 * Keeps the nodes whose backend matches `needle` (pid, user, application, client, state, wait, query; case-insensitive),
 * with their ancestors so a match is still shown under who blocks it. An empty needle keeps everything.
 */
export function filterBlockerTree(roots: readonly ActivityNode[], needle: string): ActivityNode[] {
	const text = needle.trim().toLowerCase();
	if (!text) return [...roots];
	const matches = (b: ActivityBackend) =>
		[String(b.pid), b.user, b.application, b.clientAddr, b.state, b.waitEventType, b.waitEvent, b.query, b.lockWait?.relation].some(value => (value ?? '').toLowerCase().includes(text));
	const keep = (node: ActivityNode): ActivityNode | null => {
		const children = node.children.map(keep).filter((child): child is ActivityNode => child !== null);
		return matches(node.backend) || children.length > 0 ? {...node, children} : null;
	};
	return roots.map(keep).filter((node): node is ActivityNode => node !== null);
}
