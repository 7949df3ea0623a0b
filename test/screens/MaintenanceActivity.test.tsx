// The maintenance screen's Activity section leads to the one Activity view (:activity), where cancel and terminate live.
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
function open(data: MaintenanceData, navigate: (view: string) => void = () => {}) {
	const published = new Map<string, ScreenKeysState>();
	const registry = {publish: (id: string, state: ScreenKeysState | undefined) => (state ? published.set(id, state) : published.delete(id))};
	const view = render(
		<KeyRegistryProvider registry={registry}>
			<MaintenanceScreen data={data} width={80} height={20} isActive navigate={navigate} initialTab="activity" />
		</KeyRegistryProvider>,
	);
	unmounts.push(view.unmount);
	const keys = () => [...published.values()].flatMap(state => state.bindings.filter(b => b.handler && !b.hidden).map(b => b.key));
	return {...view, keys};
}

describe('MaintenanceScreen activity section', () => {
	it('counts what waits and opens :activity on enter; cancel and terminate are not duplicated here', async () => {
		const {data, requests} = fakeData([backend(4242), backend(5151, {blockedBy: [4242]})]);
		const opened: string[] = [];
		const {lastFrame, stdin, keys} = open(data, view => opened.push(view));
		const frame = await waitForFrame(lastFrame, f => f.includes('enter opens :activity'));
		expect(frame).toContain('2 long-running or waiting, 1 waiting for a lock');
		await vi.waitFor(() => expect(keys()).toContain('enter'));
		expect(keys()).not.toContain('C');
		expect(keys()).not.toContain('K');
		stdin.write('C');
		stdin.write('K');
		stdin.write('\r');
		await vi.waitFor(() => expect(opened).toEqual(['activity']));
		expect(requests).toEqual([]);
	});

	it('enter opens nothing from the other sections', async () => {
		const {data} = fakeData([backend(4242)]);
		const opened: string[] = [];
		const {lastFrame, stdin, keys} = open(data, view => opened.push(view));
		await waitForFrame(lastFrame, f => f.includes('enter opens :activity'));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => f.includes('no maintenance recorded yet'));
		await vi.waitFor(() => expect(keys()).not.toContain('enter'));
		stdin.write('\r');
		stdin.write('\u001B[Z'); // Shift-Tab back: handled after enter, so enter has been handled once it shows
		await waitForFrame(lastFrame, f => f.includes('enter opens :activity'));
		expect(opened).toEqual([]);
	});
});
