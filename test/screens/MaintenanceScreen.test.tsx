import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {MaintenanceScreen} from '../../source/screens/MaintenanceScreen.js';
import type {MaintenanceData} from '../../source/model/maintenance-data.js';
import {waitForFrame} from '../helpers/fakes.js';
import {fakeData, result} from '../helpers/maintenance-fakes.js';

const escape = '\u001B';

let unmounts: Array<() => void> = [];
afterEach(() => {
	for (const unmount of unmounts) unmount();
	unmounts = [];
});

function open(data: MaintenanceData, props: {arg?: string} = {}) {
	const view = render(<MaintenanceScreen data={data} width={80} height={20} isActive navigate={() => {}} {...props} />);
	unmounts.push(view.unmount);
	return view;
}

describe('MaintenanceScreen', () => {
	it('shows partitions ahead, view freshness and what needs attention', async () => {
		const {data} = fakeData();
		const {lastFrame} = open(data);
		const frame = await waitForFrame(lastFrame, f => f.includes('vehicle_telematics') && f.includes('battery_health_trends'));
		expect(frame).toContain('NEXT MONTH MISSING');
		expect(frame).toContain('refreshed 10m ago');
		expect(frame).toContain('! vehicle_telematics: no partition for 2026-12');
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
	});

	it('shows the error state when health cannot be read', async () => {
		const {data} = fakeData({health: async () => Promise.reject(new Error('permission denied for table pg_class'))});
		const {lastFrame} = open(data);
		await waitForFrame(lastFrame, f => f.includes('could not read maintenance health: permission denied'));
	});

	it('create partitions: shows the SQL, and n refuses (logged), nothing runs', async () => {
		const {data, runs, refusals} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('c');
		const frame = await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expect(frame).toContain(`SELECT do_partitions_create('vehicle_telematics');`);
		stdin.write('n');
		await waitForFrame(lastFrame, f => f.includes('not run: evfleet maint partitions.create vehicle_telematics (answered no'));
		expect(refusals).toHaveLength(1);
		expect(runs).toHaveLength(0);
	});

	it('runs after y, shows progress, then the outcome, and reloads', async () => {
		const {data, runs} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('c');
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('y');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		runs[0]!.onProgress({step: 1, steps: 1, object: 'vehicle_telematics', elapsedMs: 900, phase: 'scanning heap', done: 40, total: 100, waitingFor: null});
		await waitForFrame(lastFrame, f => f.includes(' 40%') && f.includes('scanning heap') && f.includes('esc or Ctrl-C cancels'));
		const loads = (data.health as ReturnType<typeof vi.fn>).mock.calls.length;
		runs[0]!.resolve(result(runs[0]!.plan));
		await waitForFrame(lastFrame, f => f.includes('done: evfleet maint partitions.create vehicle_telematics (1 statement, 1.5 s)'));
		await vi.waitFor(() => expect((data.health as ReturnType<typeof vi.fn>).mock.calls.length).toBeGreaterThan(loads));
	});

	it('shows who holds the lock the action waits for', async () => {
		const {data, runs} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('c');
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('y');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		runs[0]!.onProgress({step: 1, steps: 1, object: 'vehicle_telematics', elapsedMs: 2000, phase: null, done: null, total: null, waitingFor: 'pid 4242 alice (psql)'});
		await waitForFrame(lastFrame, f => f.includes('waiting for a lock held by pid 4242 alice (psql)'));
		runs[0]!.resolve(result(runs[0]!.plan));
	});

	it('esc while running cancels on the server and reports what was not done', async () => {
		const {data, runs} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('c');
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('y');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		await waitForFrame(lastFrame, f => f.includes('esc or Ctrl-C cancels'));
		stdin.write(escape);
		await vi.waitFor(() => expect(runs[0]!.signal.aborted).toBe(true));
		await waitForFrame(lastFrame, f => f.includes('cancelling on the server'));
		const plan = runs[0]!.plan;
		runs[0]!.resolve(result(plan, {outcome: 'cancelled', completed: [], interrupted: plan.steps[0]!, error: 'cancelled during vehicle_telematics'}));
		await waitForFrame(lastFrame, f => f.includes('cancelled: cancelled during vehicle_telematics'));
	});

	it('detach asks for the name; a wrong name keeps it disabled and runs nothing', async () => {
		const {data, runs, requests} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('d');
		await waitForFrame(lastFrame, f => f.includes('Type vehicle_telematics_2024_01 to confirm'));
		expect(requests.at(-1)).toEqual({action: 'partitions.detach', olderThanMonths: 12, table: 'vehicle_telematics'});
		stdin.write('vehicle_telematics_2024_1');
		await waitForFrame(lastFrame, f => f.includes('> vehicle_telematics_2024_1'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('(disabled)') && f.includes('does not match'));
		expect(runs).toHaveLength(0);
		stdin.write('\u007F');
		await waitForFrame(lastFrame, f => f.includes('> vehicle_telematics_2024_') && !f.includes('2024_1'));
		stdin.write('01');
		await waitForFrame(lastFrame, f => f.includes('> vehicle_telematics_2024_01') && !f.includes('(disabled)'));
		stdin.write('\r');
		await vi.waitFor(() => expect(runs).toHaveLength(1));
		runs[0]!.resolve(result(runs[0]!.plan));
	});

	it('opened with a view name (from the battery view) offers to refresh it', async () => {
		const {data, requests} = fakeData();
		const {lastFrame} = open(data, {arg: 'battery_health_trends'});
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expect(requests).toEqual([{action: 'refresh', view: 'battery_health_trends'}]);
		expect(lastFrame()).toContain(`SELECT do_refresh('battery_health_trends');`);
	});

	it('tab to tables, v vacuums the selected table', async () => {
		const {data, requests} = fakeData();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => f.includes('DEAD') && f.includes('fleets'));
		stdin.write('j');
		stdin.write('v');
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expect(requests.at(-1)).toEqual({action: 'vacuum', table: 'fleets', analyze: false});
	});

	it('shows a refusal for missing privileges without running anything', async () => {
		const {data, runs} = fakeData({prepare: async () => Promise.reject(Object.assign(new Error('evfleet maint vacuum must run as the owner of vehicles ("postgres")'), {hint: 'connect as "postgres"', exitCode: 1}))});
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => f.includes('DEAD'));
		stdin.write('v');
		await waitForFrame(lastFrame, f => f.includes('must run as the owner of vehicles'));
		expect(runs).toHaveLength(0);
	});
});
