// The maintenance screen's Activity section: C cancels, K terminates the selected backend (fake data source).
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {KeyRegistryProvider, type ScreenKeysState} from '../../source/app/keys.js';
import {MaintenanceScreen} from '../../source/screens/MaintenanceScreen.js';
import type {ActionPlan, ActionResult, LogEntry, MaintenanceData, MaintenanceHealth, MaintenanceRequest} from '../../source/model/maintenance-data.js';
import {waitForFrame} from '../helpers/fakes.js';

type ActivityRow = MaintenanceHealth['activity'][number];

function backend(pid: number, overrides: Partial<ActivityRow> = {}): ActivityRow {
	return {pid, user: 'alice', application: 'psql', clientAddr: '10.0.0.5', state: 'active', seconds: 95, waitEventType: null, waitEvent: null, blockedBy: [], relations: ['vehicle_telematics'], query: 'select count(*) from vehicle_telematics', ...overrides};
}

function health(activity: ActivityRow[]): MaintenanceHealth {
	return {checkedAt: new Date(), currentMonth: '2026-11', partitions: [], matviews: [], tables: [], indexes: [], activity, issues: []};
}

function planFor(request: MaintenanceRequest): ActionPlan {
	if (request.action !== 'cancel' && request.action !== 'terminate') throw new Error(`unexpected ${request.action}`);
	const fn = request.action === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend';
	return {
		action: request.action, title: `evfleet maint ${request.action} ${request.pid}`, target: `pid ${request.pid} alice (psql)`,
		steps: [{sql: `SELECT ${fn}(${request.pid})`, object: `pid ${request.pid}`, progress: 'none'}],
		atomic: false,
		affects: [{object: 'who', change: 'alice · psql · 10.0.0.5:51234', rows: null, bytes: null}, {object: 'query', change: 'select count(*) from vehicle_telematics', rows: null, bytes: null}],
		notes: [], destructive: request.action === 'terminate', confirmText: request.action === 'terminate' ? String(request.pid) : null,
		privileges: [], lockKeys: [], nothingToDo: null, followUp: null,
	};
}

function fakeData(activity: ActivityRow[]) {
	const requests: MaintenanceRequest[] = [];
	const refusals: ActionPlan[] = [];
	const runs: Array<{plan: ActionPlan; resolve(result: ActionResult): void}> = [];
	const data: MaintenanceData = {
		health: vi.fn(async () => health(activity)),
		log: vi.fn(async (): Promise<LogEntry[]> => []),
		prepare: vi.fn(async (request: MaintenanceRequest) => {
			requests.push(request);
			return planFor(request);
		}),
		run: vi.fn((plan: ActionPlan) => new Promise<ActionResult>(resolve => runs.push({plan, resolve}))),
		refuse: vi.fn(async (plan: ActionPlan) => {
			refusals.push(plan);
			return true;
		}),
	};
	return {data, requests, refusals, runs};
}

let unmounts: Array<() => void> = [];
afterEach(() => {
	for (const unmount of unmounts) unmount();
	unmounts = [];
});

/** Opens the screen in the Activity section; `keys()` is what the footer would show now. */
function open(data: MaintenanceData) {
	const published = new Map<string, ScreenKeysState>();
	const registry = {publish: (id: string, state: ScreenKeysState | undefined) => (state ? published.set(id, state) : published.delete(id))};
	const view = render(
		<KeyRegistryProvider registry={registry}>
			<MaintenanceScreen data={data} width={80} height={20} isActive navigate={() => {}} initialTab="activity" />
		</KeyRegistryProvider>,
	);
	unmounts.push(view.unmount);
	const keys = () => [...published.values()].flatMap(state => state.bindings.filter(b => b.handler && !b.hidden).map(b => b.key));
	return {...view, keys};
}

describe('MaintenanceScreen activity: cancel and terminate', () => {
	it('offers no action keys at all when actions are off (--readonly), and C does nothing', async () => {
		const {data, requests} = fakeData([backend(4242)]);
		const {lastFrame, stdin, keys} = open({...data, readOnly: true});
		await waitForFrame(lastFrame, f => f.includes('4242'));
		await vi.waitFor(() => expect(keys()).toContain('r'));
		expect(keys()).not.toEqual(expect.arrayContaining(['C']));
		expect(keys()).not.toContain('K');
		stdin.write('C');
		stdin.write('r');
		await vi.waitFor(() => expect(keys()).toContain('r'));
		expect(requests).toEqual([]);
	});

	it('C on the selected backend shows the plan with y/N; n refuses (logged) and runs nothing', async () => {
		const {data, requests, refusals, runs} = fakeData([backend(4242), backend(5151, {user: 'bob'})]);
		const {lastFrame, stdin, keys} = open(data);
		await waitForFrame(lastFrame, f => f.includes('5151'));
		await vi.waitFor(() => expect(keys()).toEqual(expect.arrayContaining(['C', 'K'])));
		stdin.write('j');
		stdin.write('C');
		const frame = await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expect(requests).toEqual([{action: 'cancel', pid: 5151}]);
		expect(frame).toContain('SELECT pg_cancel_backend(5151);');
		expect(frame).toContain('Cancel query?');
		expect(frame).toContain('who: alice · psql · 10.0.0.5:51234');
		stdin.write('n');
		await waitForFrame(lastFrame, f => f.includes('not run: evfleet maint cancel 5151 (answered no'));
		expect(refusals).toHaveLength(1);
		expect(runs).toHaveLength(0);
	});

	it('K asks for the pid to be typed; a wrong pid runs nothing, the right one runs', async () => {
		const {data, requests, runs} = fakeData([backend(4242)]);
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('4242'));
		stdin.write('K');
		await waitForFrame(lastFrame, f => f.includes('Type 4242 to confirm'));
		expect(requests).toEqual([{action: 'terminate', pid: 4242}]);
		expect(lastFrame()).toContain('SELECT pg_terminate_backend(4242);');
		stdin.write('424');
		await waitForFrame(lastFrame, f => f.includes('> 424') && f.includes('(disabled)'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('does not match'));
		expect(runs).toHaveLength(0);
		stdin.write('2');
		await waitForFrame(lastFrame, f => f.includes('> 4242') && f.includes('[ Terminate ]') && !f.includes('(disabled)'));
		stdin.write('\r');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		const plan = runs[0]!.plan;
		runs[0]!.resolve({outcome: 'done', completed: plan.steps, interrupted: null, notRun: [], error: null, leftovers: [], durationMs: 12, logId: 7});
		await waitForFrame(lastFrame, f => f.includes('done: evfleet maint terminate 4242 (1 statement'));
	});

	it('C and K are offered only in the Activity section with a row selected', async () => {
		const {data, requests} = fakeData([]);
		const {lastFrame, stdin, keys} = open(data);
		await waitForFrame(lastFrame, f => f.includes('no long-running queries or lock waits'));
		await vi.waitFor(() => expect(keys()).toContain('tab'));
		expect(keys()).not.toContain('C');
		expect(keys()).not.toContain('K');
		stdin.write('C');
		stdin.write('K');
		// The next section (log): still no C/K.
		stdin.write('\t');
		await waitForFrame(lastFrame, f => f.includes('no maintenance recorded yet'));
		expect(keys()).not.toContain('C');
		expect(requests).toHaveLength(0);
		expect(lastFrame()).not.toContain('[y/N]');
	});

	it('leaving the Activity section takes C and K out of the footer', async () => {
		const {data} = fakeData([backend(4242)]);
		const {lastFrame, stdin, keys} = open(data);
		await waitForFrame(lastFrame, f => f.includes('4242'));
		await vi.waitFor(() => expect(keys()).toEqual(expect.arrayContaining(['C', 'K'])));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => f.includes('no maintenance recorded yet'));
		await vi.waitFor(() => expect(keys()).not.toContain('C'));
		expect(keys()).not.toContain('K');
	});
});
