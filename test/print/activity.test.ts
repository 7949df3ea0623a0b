// The activity printer on a terminal: the tree drawn before the pids, everything within the width, no control
// character from the server reaching the terminal; JSON keeps the exact text.
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import type {ActivityBackend, ActivitySnapshot} from '../../source/model/activity.js';
import {printActivity} from '../../source/print/activity.js';

function backend(fields: Partial<ActivityBackend> & {pid: number}): ActivityBackend {
	return {
		database: 'evfleet', user: 'alice', application: 'psql', clientAddr: '10.0.0.5', clientPort: 50000, state: 'active',
		waitEventType: null, waitEvent: null, backendStart: new Date('2026-12-06T12:00:00Z'), xactStart: null, queryStart: null,
		backendStartText: '2026-12-06 12:00:00.123456+00', queryStartText: null, xactSeconds: 30, querySeconds: 3,
		query: 'select 1', blockedBy: [], lockWait: null, ...fields,
	};
}

const waiting = (pid: number, blockedBy: number[]) =>
	backend({pid, blockedBy, waitEventType: 'Lock', waitEvent: 'relation', lockWait: {lockType: 'relation', mode: 'ExclusiveLock', relation: 'public.fleets'}, query: 'lock table fleets in exclusive mode'});

function snapshot(): ActivitySnapshot {
	return {
		takenAt: new Date('2026-12-06T12:01:00Z'),
		scope: 'database',
		database: 'evfleet',
		backends: [backend({pid: 100, state: 'idle in transaction', query: 'update fleets set name = $1 -- \u001B]0;pwned\u0007 and a long tail of text that does not fit'}), waiting(101, [100]), waiting(102, [100, 101]), backend({pid: 104, state: 'idle', xactSeconds: null})],
	};
}

function capture(columns: number): {out: NodeJS.WritableStream & {columns: number}; text: () => string} {
	let text = '';
	const out = Object.assign(new Writable({write(chunk, _, done) { text += String(chunk); done(); }}), {columns, isTTY: true});
	return {out, text: () => text};
}

describe('printActivity', () => {
	it.each([80, 120])('draws the blocker tree within %i columns, control characters shown visibly', columns => {
		const {out, text} = capture(columns);
		printActivity(snapshot(), 'table', {out});
		const lines = text().trimEnd().split('\n');
		expect(lines[0]).toBe('database evfleet, 12:01:00Z: 4 backends, 2 waiting for a lock, 1 root blocker');
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
		expect(text()).toMatch(/│ 100 +│/);
		expect(text()).toMatch(/│ └─ 101 +│/);
		expect(text()).toMatch(/│    └─ 102 │/);
		expect(text()).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
		expect(text()).toContain('Exclusive fleets');
	});

	it('JSON keeps the exact query text and the tree fields', () => {
		const {out, text} = capture(80);
		printActivity(snapshot(), 'json', {out});
		const parsed = JSON.parse(text()) as {backends: Array<{pid: number; depth: number; parentPid: number | null; alsoBlockedBy: number[]; query: string}>};
		expect(parsed.backends.map(b => [b.pid, b.depth, b.parentPid])).toEqual([[100, 0, null], [101, 1, 100], [102, 2, 101], [104, 0, null]]);
		expect(parsed.backends[2]!.alsoBlockedBy).toEqual([100]);
		expect(parsed.backends[0]!.query).toContain('\u001B]0;pwned\u0007');
	});
});
