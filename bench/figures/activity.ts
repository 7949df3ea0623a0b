// The Activity refresh in an incident: 200 idle backends and 20 waiting behind one lock holder. Measures one
// refresh as the console does it (the activity source's snapshot, the blocker tree, its lines) while ticks and `r`
// presses keep asking, and counts evfleet's backends afterwards: the refresh guard must keep them at one.
import type {Sql} from '../../source/db/connection.js';
import {createActivitySource} from '../../source/db/queries/activity.js';
import {buildBlockerTree, flattenBlockerTree} from '../../source/model/activity.js';
import {measuredFigure, skippedFigure, type BenchContext, type Figure} from '../lib/context.js';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';

const target250 = 'one evfleet backend after; < 250 ms';
const application = 'evfleet activity bench';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setImmediate(resolve));
	}
}

/** pg_activity's way: pg_blocking_pids for every backend (the product asks only for those waiting on a lock). */
async function naiveRefresh(sql: Sql): Promise<number> {
	const rows = await sql`
		select a.*, pg_blocking_pids(a.pid) as blocked_by from pg_stat_activity a
		where a.backend_type = 'client backend' and a.pid <> pg_backend_pid() and a.datname = current_database()`;
	return rows.length;
}

export async function activityRefresh(context: BenchContext): Promise<Figure> {
	const idleCount = context.activityIdle;
	const blockedCount = context.activityBlocked;
	const base = {id: 'activityRefresh', title: `Activity refresh, ${idleCount} idle + ${blockedCount} blocked backends`, unit: 'ms', better: 'lower', target: target250} as const;
	const [{limit}] = await context.sql<[{limit: number}]>`select current_setting('max_connections')::int - (select count(*)::int from pg_stat_activity) as limit`;
	const needed = idleCount + blockedCount + 5;
	if (limit < needed) return skippedFigure(base, `not available: the server has room for ${limit} more connections, this figure needs ${needed} (raise max_connections)`);
	const server = parseConnectionUrl(context.url, '--url');
	const sessions: Sql[] = [];
	const open = (name: string) => {
		const sql = createSql(server, {max: 1, parameters: {application_name: name}});
		sessions.push(sql);
		return sql;
	};
	let release: () => void = () => {};
	try {
		for (let i = 0; i < idleCount; i += 20) await Promise.all(Array.from({length: Math.min(20, idleCount - i)}, () => open('bench idle')`select 1`));
		// One holder in a transaction; 20 queued behind it for the same table (a queue: each waits for the holder and
		// those ahead of it).
		const released = new Promise<void>(resolve => (release = resolve));
		const holder = open('bench holder');
		let locked!: () => void;
		const isLocked = new Promise<void>(resolve => (locked = resolve));
		const holding = holder.begin(async tx => {
			await tx`lock table fleets in exclusive mode`;
			locked();
			await released;
		});
		await isLocked;
		const waits = Array.from({length: blockedCount}, () => open('bench blocked').begin(tx => tx`lock table fleets in exclusive mode`).catch(() => undefined));
		await waitFor(async () => {
			const [row] = await context.sql<[{n: number}]>`select count(*)::int as n from pg_stat_activity where application_name = 'bench blocked' and wait_event_type = 'Lock'`;
			return row.n === blockedCount;
		}, `${blockedCount} blocked backends`);

		const evfleet = createSql(server, {max: 1, parameters: {application_name: application}});
		sessions.push(evfleet);
		const source = createActivitySource(evfleet);
		const samples: number[] = [];
		const naive: number[] = [];
		let joined = 0;
		let rootChildren = 0;
		let backends = 0;
		for (let run = -1; run < context.runs; run++) {
			const started = performance.now();
			const refresh = source.snapshot();
			// Ticks and `r` presses while it runs: joined, never a second query.
			for (let i = 0; i < 5; i++) if (source.snapshot() === refresh) joined++;
			const snapshot = await refresh;
			const roots = buildBlockerTree(snapshot.backends, {sort: 'blocked'});
			const lines = flattenBlockerTree(roots);
			const ms = performance.now() - started;
			const naiveStarted = performance.now();
			await naiveRefresh(evfleet);
			const naiveMs = performance.now() - naiveStarted;
			if (run < 0) continue;
			samples.push(ms);
			naive.push(naiveMs);
			rootChildren = roots[0]?.blockedCount ?? 0;
			backends = lines.length;
		}
		const [{count}] = await context.sql<[{count: number}]>`select count(*)::int as count from pg_stat_activity where application_name = ${application}`;
		release();
		await holding;
		await Promise.all(waits);
		return measuredFigure(base, samples, {title: 'pg_blocking_pids on every backend', samples: naive}, {
			ratioKind: 'faster',
			pass: value => count === 1 && rootChildren === blockedCount && value < 250,
			details: {idleBackends: idleCount, blockedBackends: blockedCount, evfleetBackendsAfter: count, backendsListed: backends, waitingUnderRootBlocker: rootChildren, askedWhileRunningJoined: joined},
		});
	} finally {
		release();
		await Promise.all(sessions.map(sql => sql.end({timeout: 5}).catch(() => undefined)));
	}
}
