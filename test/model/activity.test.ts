// The blocker tree, built from pg_blocking_pids rows: roots first, waits under their blocker, cycles cut.
import {describe, expect, it} from 'vitest';
import {buildBlockerTree, filterBlockerTree, flattenBlockerTree, rootBlockers, type ActivityBackend, type ActivityNode} from '../../source/model/activity.js';

function backend(fields: Partial<ActivityBackend> & {pid: number}): ActivityBackend {
	return {
		database: 'evfleet',
		user: 'alice',
		application: 'psql',
		clientAddr: '10.0.0.5',
		clientPort: 50000 + fields.pid,
		state: 'active',
		waitEventType: null,
		waitEvent: null,
		backendStart: new Date('2026-12-06T12:00:00Z'),
		xactStart: null,
		queryStart: null,
		backendStartText: '2026-12-06 12:00:00.123456+00',
		queryStartText: null,
		xactSeconds: null,
		querySeconds: 1,
		query: 'select 1',
		blockedBy: [],
		lockWait: null,
		...fields,
	};
}

const waiting = (pid: number, blockedBy: number[], extra: Partial<ActivityBackend> = {}) =>
	backend({pid, blockedBy, waitEventType: 'Lock', waitEvent: 'relation', xactSeconds: 5, lockWait: {lockType: 'relation', mode: 'ExclusiveLock', relation: 'public.fleets'}, ...extra});

const order = (roots: ActivityNode[]) => flattenBlockerTree(roots).map(line => `${'  '.repeat(line.depth)}${line.backend.pid}`);

describe('buildBlockerTree', () => {
	it('draws a chain of three under its root blocker, root first', () => {
		const rows = [backend({pid: 7, xactSeconds: 100}), waiting(3, [2]), backend({pid: 1, state: 'idle in transaction', xactSeconds: 20}), waiting(2, [1])];
		const roots = buildBlockerTree(rows);
		expect(order(roots)).toEqual(['1', '  2', '    3', '7']);
		expect(roots[0]!.blockedCount).toBe(2);
		expect(rootBlockers(roots).map(r => r.backend.pid)).toEqual([1]);
	});

	it('puts a backend queued behind two others under the one that itself waits (a queue reads as a chain)', () => {
		// 30 holds the lock, 31 waits for it, 32 waits behind both (pg_blocking_pids lists the holder and the queue).
		const roots = buildBlockerTree([backend({pid: 30, xactSeconds: 9}), waiting(32, [30, 31]), waiting(31, [30])]);
		expect(order(roots)).toEqual(['30', '  31', '    32']);
		const line = flattenBlockerTree(roots).find(l => l.backend.pid === 32)!;
		expect(line.parentPid).toBe(31);
		expect(line.alsoBlockedBy).toEqual([30]);
	});

	it('sorts root blockers by age, or by how many wait behind them', () => {
		const rows = [
			backend({pid: 10, xactSeconds: 500}), waiting(11, [10]),
			backend({pid: 20, xactSeconds: 50}), waiting(21, [20]), waiting(22, [20]), waiting(23, [22]),
		];
		expect(buildBlockerTree(rows, {sort: 'age'}).map(r => r.backend.pid)).toEqual([10, 20]);
		const byBlocked = buildBlockerTree(rows, {sort: 'blocked'});
		expect(byBlocked.map(r => [r.backend.pid, r.blockedCount])).toEqual([[20, 3], [10, 1]]);
		expect(byBlocked[0]!.children.map(c => c.backend.pid)).toEqual([22, 21]);
	});

	it('lists backends that block nobody after the blockers, oldest transaction first, idle last', () => {
		const rows = [backend({pid: 5, state: 'idle', querySeconds: 9000}), backend({pid: 4, state: 'active', querySeconds: 2}), backend({pid: 3, xactSeconds: 60, state: 'idle in transaction'}), backend({pid: 9, xactSeconds: 1}), waiting(8, [9])];
		expect(order(buildBlockerTree(rows))).toEqual(['9', '  8', '3', '4', '5']);
	});

	it('keeps a backend waiting for a pid outside the snapshot (another database, a prepared transaction) as a root after the blockers', () => {
		const rows = [backend({pid: 1, xactSeconds: 3}), waiting(2, [1]), waiting(3, [0], {xactSeconds: 900}), backend({pid: 4, xactSeconds: 1000})];
		const roots = buildBlockerTree(rows);
		expect(order(roots)).toEqual(['1', '  2', '3', '4']);
		expect(roots[1]!.alsoBlockedBy).toEqual([0]);
	});

	it('cuts a cycle of waits at its lowest pid and marks every member', () => {
		const rows = [waiting(42, [41]), waiting(41, [43]), waiting(43, [42]), waiting(44, [43]), backend({pid: 50})];
		const roots = buildBlockerTree(rows);
		expect(order(roots)).toEqual(['41', '  42', '    43', '      44', '50']);
		const lines = flattenBlockerTree(roots);
		expect(lines.filter(l => l.inCycle).map(l => l.backend.pid).sort()).toEqual([41, 42, 43]);
		expect(lines.find(l => l.backend.pid === 41)!.alsoBlockedBy).toEqual([43]);
		expect(lines).toHaveLength(rows.length);
	});

	it('ignores a backend listed as its own blocker', () => {
		expect(order(buildBlockerTree([waiting(1, [1])]))).toEqual(['1']);
	});

	it('marks the last child at each level, for drawing the tree', () => {
		const rows = [backend({pid: 1, xactSeconds: 10}), waiting(2, [1], {xactSeconds: 9}), waiting(3, [1], {xactSeconds: 8}), waiting(4, [2])];
		const lines = flattenBlockerTree(buildBlockerTree(rows));
		expect(lines.map(l => [l.backend.pid, l.isLast, l.ancestorsLast])).toEqual([[1, true, []], [2, false, []], [4, true, [false]], [3, true, []]]);
	});
});

describe('filterBlockerTree', () => {
	it('keeps the matches and the blockers above them', () => {
		const rows = [backend({pid: 1, xactSeconds: 10, query: 'update fleets'}), waiting(2, [1], {query: 'lock table vehicles'}), backend({pid: 3, query: 'select now()'})];
		const roots = buildBlockerTree(rows);
		expect(order(filterBlockerTree(roots, 'VEHICLES'))).toEqual(['1', '  2']);
		expect(order(filterBlockerTree(roots, 'now()'))).toEqual(['3']);
		expect(order(filterBlockerTree(roots, ' '))).toEqual(['1', '  2', '3']);
	});
});
