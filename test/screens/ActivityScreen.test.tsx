// The :activity view against fake sources (model ports only): the blocker tree, the data-age and loading markers,
// a timed-out refresh keeping its rows, filter, full text, and the cancel / terminate confirmations.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {KeyRegistryProvider, type ScreenKeysState} from '../../source/app/keys.js';
import type {Clock} from '../../source/app/refresh.js';
import ActivityScreen from '../../source/screens/ActivityScreen.js';
import type {ActivityBackend, ActivitySnapshot, ActivitySource} from '../../source/model/activity.js';
import type {ActionPlan, ActionResult, MaintenanceActions, MaintenanceRequest} from '../../source/model/maintenance-data.js';
import {waitForFrame} from '../helpers/fakes.js';

function backend(pid: number, overrides: Partial<ActivityBackend> = {}): ActivityBackend {
	const start = new Date('2026-12-06T14:00:00Z');
	return {
		pid, database: 'fleet', user: 'alice', application: 'psql', clientAddr: '10.0.0.5', clientPort: 51234, state: 'active',
		waitEventType: null, waitEvent: null, backendStart: start, xactStart: start, queryStart: start,
		backendStartText: `2026-12-06 14:00:00.${String(pid).padStart(6, '0')}+00`, queryStartText: `2026-12-06 14:00:01.${String(pid).padStart(6, '0')}+00`,
		xactSeconds: 60, querySeconds: 30, query: `select ${pid}`, blockedBy: [], lockWait: null,
		...overrides,
	};
}

function snapshot(backends: ActivityBackend[], overrides: Partial<ActivitySnapshot> = {}): ActivitySnapshot {
	return {takenAt: new Date(), scope: 'database', database: 'fleet', backends, ...overrides};
}

/** A lock chain: 100 holds fleets, 200 waits for it, 300 waits for 200; 400 is idle. */
function chain(): ActivityBackend[] {
	return [
		backend(400, {state: 'idle', xactSeconds: null, query: 'commit'}),
		backend(300, {waitEventType: 'Lock', waitEvent: 'advisory', blockedBy: [200], lockWait: {lockType: 'advisory', mode: 'ExclusiveLock', relation: null}, query: 'select pg_advisory_xact_lock(1)', user: 'carol'}),
		backend(200, {waitEventType: 'Lock', waitEvent: 'relation', blockedBy: [100], lockWait: {lockType: 'relation', mode: 'ExclusiveLock', relation: 'public.fleets'}, query: 'lock table fleets', user: 'bob'}),
		backend(100, {state: 'idle in transaction', xactSeconds: 600, query: 'lock table fleets in exclusive mode'}),
	];
}

/** Answers each snapshot() with the next step: a snapshot, an error, or 'hang' (a promise the test settles). */
function fakeSource(steps: Array<ActivitySnapshot | Error | 'hang'>) {
	const calls: Array<{all: boolean}> = [];
	const hanging: Array<{resolve(s: ActivitySnapshot): void; reject(e: Error): void}> = [];
	const source: ActivitySource = {
		snapshot: ({all = false} = {}) => {
			calls.push({all});
			const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
			if (step === 'hang') return new Promise((resolve, reject) => hanging.push({resolve, reject}));
			return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
		},
	};
	return {source, calls, hanging};
}

function planFor(request: MaintenanceRequest): ActionPlan {
	if (request.action !== 'cancel' && request.action !== 'terminate') throw new Error(`unexpected ${request.action}`);
	const fn = request.action === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend';
	return {
		action: request.action, title: `evfleet maint ${request.action} ${request.pid}`, target: `pid ${request.pid}`,
		steps: [{sql: `SELECT ${fn}(pid) FROM pg_stat_activity WHERE pid = ${request.pid}`, object: `pid ${request.pid}`, progress: 'none'}],
		atomic: false, affects: [], notes: [], destructive: request.action === 'terminate', confirmText: request.action === 'terminate' ? String(request.pid) : null,
		privileges: [], lockKeys: [], nothingToDo: null, followUp: null,
	};
}

function fakeActions() {
	const requests: MaintenanceRequest[] = [];
	const runs: Array<{plan: ActionPlan; resolve(result: ActionResult): void}> = [];
	const actions: MaintenanceActions = {
		prepare: async request => {
			requests.push(request);
			return planFor(request);
		},
		run: plan => new Promise<ActionResult>(resolve => runs.push({plan, resolve})),
		refuse: async () => true,
	};
	return {actions, requests, runs};
}

/** A clock the test moves: the refresh loop and the "updated Ns ago" line read it; timers never fire on their own. */
function manualClock(start = 1_000_000): Clock & {advance(ms: number): void} {
	let now = start;
	return {
		now: () => now,
		setTimeout: () => ({}),
		clearTimeout: () => {},
		advance(ms: number) {
			now += ms;
		},
	};
}

let unmounts: Array<() => void> = [];
afterEach(() => {
	for (const unmount of unmounts) unmount();
	unmounts = [];
});

function open(source: ActivitySource, props: {actions?: MaintenanceActions & {readOnly?: boolean}; clock?: Clock; width?: number; height?: number} = {}) {
	const published = new Map<string, ScreenKeysState>();
	const registry = {publish: (id: string, state: ScreenKeysState | undefined) => (state ? published.set(id, state) : published.delete(id))};
	const view = render(
		<KeyRegistryProvider registry={registry}>
			<ActivityScreen data={source} actions={props.actions} width={props.width ?? 100} height={props.height ?? 16} isActive navigate={() => {}} intervalMs={60_000} clock={props.clock}/>
		</KeyRegistryProvider>,
	);
	unmounts.push(view.unmount);
	const footer = () => [...published.values()].flatMap(state => state.bindings.filter(b => b.handler && !b.hidden).map(b => b.key));
	return {...view, footer};
}

const lineOf = (frame: string, text: string) => frame.split('\n').find(l => l.includes(text)) ?? '';

describe('ActivityScreen', () => {
	it('draws the blocker tree: the root blocker first, each waiter under who blocks it, with the lock', async () => {
		const {source} = fakeSource([snapshot(chain())]);
		const {lastFrame} = open(source);
		const frame = await waitForFrame(lastFrame, f => f.includes('400'));
		const pids = frame.split('\n').map(l => /^[› ] [│├└─ ]*(\d+) /.exec(l)?.[1]).filter(Boolean);
		expect(pids).toEqual(['100', '200', '300', '400']);
		expect(lineOf(frame, '└─ 200')).toContain('bob');
		expect(lineOf(frame, 'pg_advisory')).toMatch(/^ {5}└─ 300/);
		expect(lineOf(frame, 'pg_advisory')).toContain('Exclusive advisory');
		expect(lineOf(frame, '└─ 200')).toContain('Exclusive fleets');
		expect(lineOf(frame, '100')).toMatch(/\b2\b/); // two wait behind it
		expect(frame).toContain('database fleet: 4 backends, 2 waiting, 1 root blocker');
	});

	it('sorts by blocked count with s, and shows every database with a', async () => {
		const other = backend(500, {xactSeconds: 9000, query: 'select long'});
		const {source, calls} = fakeSource([snapshot([...chain(), other]), snapshot([...chain(), other], {scope: 'cluster'})]);
		const {lastFrame, stdin} = open(source);
		let frame = await waitForFrame(lastFrame, f => f.includes('select long'));
		// By age the blocker still comes first (root blockers lead), then the longest transaction.
		expect(frame.indexOf('› 100')).toBeLessThan(frame.indexOf('select long'));
		stdin.write('s');
		frame = await waitForFrame(lastFrame, f => f.includes('sort: blocked'));
		expect(frame.indexOf('100')).toBeLessThan(frame.indexOf('select long'));
		stdin.write('a');
		frame = await waitForFrame(lastFrame, f => f.includes('all databases'));
		expect(calls.at(-1)).toEqual({all: true});
		expect(lineOf(frame, 'select long')).toContain('fleet');
	});

	it('shows a loading marker, never "no backends", while the first refresh runs', async () => {
		const {source, hanging} = fakeSource(['hang']);
		const {lastFrame} = open(source);
		const frame = await waitForFrame(lastFrame, f => f.includes('reading pg_stat_activity'));
		expect(frame).toContain('loading…');
		expect(frame).not.toContain('no other backends');
		hanging[0]!.resolve(snapshot([]));
		await waitForFrame(lastFrame, f => f.includes('no other backends on database fleet'));
	});

	it('shows the age of the data, and a refresh that does not come back as running, not as calm', async () => {
		const clock = manualClock();
		const {source, hanging} = fakeSource([snapshot(chain()), 'hang']);
		const {lastFrame, stdin} = open(source, {clock});
		await waitForFrame(lastFrame, f => f.includes('updated 0s ago'));
		clock.advance(5000);
		stdin.write('r');
		await vi.waitFor(() => expect(hanging).toHaveLength(1)); // keys are handled in turn, after the write
		clock.advance(70_000);
		// the 1 s tick redraws the line from the clock
		const frame = await waitForFrame(lastFrame, f => f.includes('refresh running for 70 s'), 4000);
		expect(frame).toContain('updated 75s ago');
		expect(frame).toContain('lock table fleets'); // the last rows stay
		stdin.write('r');
		stdin.write('r');
		stdin.write('s'); // handled after both r: once the sort changed, they were too
		await waitForFrame(lastFrame, f => f.includes('sort: blocked'));
		expect(hanging).toHaveLength(1); // r while a refresh runs starts none
	});

	it('a statement timeout says so, keeps the last rows with their age', async () => {
		const clock = manualClock();
		const timeout = Object.assign(new Error('canceling statement due to statement timeout'), {code: '57014'});
		const {source} = fakeSource([snapshot(chain()), timeout]);
		const {lastFrame, stdin} = open(source, {clock});
		await waitForFrame(lastFrame, f => f.includes('updated 0s ago'));
		clock.advance(12_000);
		stdin.write('r');
		const frame = await waitForFrame(lastFrame, f => f.includes('timed out'));
		expect(frame).toMatch(/query timed out after \d+ ms, retrying in 60 s · showing data from 12s ago/);
		expect(frame).toContain('lock table fleets');
	});

	it('filters with / and keeps the blocker of a match', async () => {
		const {source} = fakeSource([snapshot(chain())]);
		const {lastFrame, stdin} = open(source);
		await waitForFrame(lastFrame, f => f.includes('400'));
		stdin.write('/');
		await waitForFrame(lastFrame, f => f.includes('/'));
		stdin.write('carol');
		stdin.write('\r');
		const frame = await waitForFrame(lastFrame, f => f.includes('filter: "carol"'));
		expect(frame).toContain('300');
		expect(frame).toContain('└─ 200');
		expect(lineOf(frame, 'commit')).toBe('');
	});

	it('enter shows the whole query text, control characters made visible', async () => {
		const query = 'select 1\nfrom fleets\n-- \u001B]0;pwned\u0007 end';
		const {source} = fakeSource([snapshot([backend(700, {query})])]);
		const {lastFrame, stdin} = open(source);
		await waitForFrame(lastFrame, f => f.includes('700'));
		stdin.write('\r');
		const frame = await waitForFrame(lastFrame, f => f.includes('ages'));
		expect(frame).toMatch(/^select 1$/m);
		expect(frame).not.toContain('\u001B]0');
		expect(frame).not.toContain('\u0007');
	});

	it('c asks to cancel the selected backend showing its pid, user and query, guarded by what was shown', async () => {
		const {source} = fakeSource([snapshot(chain())]);
		const {actions, requests, runs} = fakeActions();
		const {lastFrame, stdin} = open(source, {actions});
		await waitForFrame(lastFrame, f => f.includes('400'));
		stdin.write('j');
		stdin.write('c');
		const frame = await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expect(frame).toContain('cancel the query of pid 200 · bob · psql');
		expect(frame).toContain('query: lock table fleets');
		expect(requests).toEqual([{action: 'cancel', pid: 200, expect: {backendStartText: '2026-12-06 14:00:00.000200+00', queryStartText: '2026-12-06 14:00:01.000200+00'}}]);
		stdin.write('y');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
	});

	it('k asks for the pid to be typed before terminating, and names who and what', async () => {
		const {source} = fakeSource([snapshot(chain())]);
		const {actions, requests, runs} = fakeActions();
		const {lastFrame, stdin} = open(source, {actions});
		await waitForFrame(lastFrame, f => f.includes('400'));
		stdin.write('k');
		let frame = await waitForFrame(lastFrame, f => f.includes('Type 100 to confirm'));
		expect(frame).toContain('terminate pid 100 · alice · psql · idle in xact');
		expect(frame).toContain('query: lock table fleets in exclusive mode');
		expect(requests).toEqual([{action: 'terminate', pid: 100, expect: {backendStartText: '2026-12-06 14:00:00.000100+00'}}]);
		stdin.write('100');
		await waitForFrame(lastFrame, f => f.includes('> 100') && !f.includes('(disabled)'));
		stdin.write('\r');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		const plan = runs[0]!.plan;
		runs[0]!.resolve({outcome: 'done', completed: plan.steps, interrupted: null, notRun: [], error: null, leftovers: [], durationMs: 3, logId: 9});
		frame = await waitForFrame(lastFrame, f => f.includes('done: evfleet maint terminate 100'));
		expect(frame).toContain('lock table fleets');
	});

	it('offers neither c nor k when actions are off', async () => {
		const {source} = fakeSource([snapshot(chain())]);
		const {actions, requests} = fakeActions();
		const {lastFrame, stdin, footer} = open(source, {actions: {...actions, readOnly: true}});
		await waitForFrame(lastFrame, f => f.includes('400'));
		await vi.waitFor(() => expect(footer()).toContain('/'));
		expect(footer()).not.toContain('c');
		expect(footer()).not.toContain('k');
		stdin.write('c');
		stdin.write('k');
		stdin.write('r');
		await waitForFrame(lastFrame, f => f.includes('400'));
		expect(requests).toEqual([]);
	});
});
