import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import LiveVehiclesScreen, {socCell} from '../../source/screens/LiveVehiclesScreen.js';
import {waitForFrame} from '../helpers/fakes.js';
import {fakeLive, liveSnapshot, liveVehicle} from '../helpers/live-fakes.js';

const noop = () => {};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

function show(data: ReturnType<typeof fakeLive>, props: {width?: number; height?: number; navigate?: (view: string, arg?: string) => void; reportError?: (error: unknown) => void} = {}) {
	const app = render(
		<LiveVehiclesScreen data={data} width={props.width ?? 120} height={props.height ?? 20} isActive navigate={props.navigate ?? noop} reportError={props.reportError} intervalMs={60_000}/>,
	);
	cleanup.push(app.unmount);
	return app;
}

const line = (frame: string, text: string) => frame.split('\n').find(l => l.includes(text)) ?? '';

describe('LiveVehiclesScreen', () => {
	it('shows counts by status and connectivity in the header', async () => {
		const rows = [
			liveVehicle({plate: 'CAI 1', status: 'active'}),
			liveVehicle({plate: 'CAI 2', status: 'charging', connectivity: 'stale'}),
			liveVehicle({plate: 'CAI 3', status: 'offline', connectivity: 'offline', attention: 'offline'}),
		];
		const {lastFrame} = show(fakeLive([liveSnapshot(rows)]));
		const frame = await waitForFrame(lastFrame, f => f.includes('CAI 3'));
		expect(frame).toContain('3 vehicles  active 1 · charging 1 · idle 0 · maint 0 · offline 1');
		expect(frame).toContain('online 1 · stale 1 · offline 1');
		expect(frame).toMatch(/updated 0s ago · query \d+ ms · every 60 s/);
	});

	it('marks the rows whose values changed in the last refresh, for one cycle only', async () => {
		const a = liveVehicle({plate: 'CAI 10', socPct: 50});
		const b = liveVehicle({plate: 'CAI 11', socPct: 70});
		const data = fakeLive([
			liveSnapshot([b, a]),
			liveSnapshot([b, {...a, socPct: 49}]),
			liveSnapshot([b, {...a, socPct: 49}]),
		]);
		const {lastFrame, stdin} = show(data);
		let frame = await waitForFrame(lastFrame, f => f.includes('CAI 11'));
		expect(line(frame, 'CAI 10')).not.toMatch(/^\*/);
		stdin.write('r');
		frame = await waitForFrame(lastFrame, f => f.includes(' 49%'));
		expect(line(frame, 'CAI 10')).toMatch(/^\* CAI 10/);
		expect(line(frame, 'CAI 11')).toMatch(/^› CAI 11/);
		stdin.write('r');
		await waitForFrame(lastFrame, () => data.requests.length === 3);
		frame = await waitForFrame(lastFrame, f => !/^\* CAI 10/m.test(f));
		expect(line(frame, 'CAI 10')).toContain('49%');
	});

	it('fits 80 columns by dropping columns instead of wrapping', async () => {
		const rows = [liveVehicle({plate: 'CAI 1', fleetName: 'A very long fleet name indeed', make: 'Mercedes-Benz', model: 'eSprinter 113 kWh'})];
		const {lastFrame} = show(fakeLive([liveSnapshot(rows)]), {width: 80, height: 12});
		const frame = await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		for (const l of frame.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
		expect(frame).toContain('SOC');
		expect(frame).not.toContain('eSprinter');
	});

	it('space pauses and resumes; the status line says so', async () => {
		const data = fakeLive([liveSnapshot([liveVehicle({plate: 'CAI 1'})])]);
		const {lastFrame, stdin} = show(data);
		await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		stdin.write(' ');
		await waitForFrame(lastFrame, f => f.includes('PAUSED'));
		stdin.write(' ');
		await waitForFrame(lastFrame, f => !f.includes('PAUSED') && data.requests.length === 2);
	});

	it('enter opens the inspector of the selected vehicle', async () => {
		const opened: Array<[string, string | undefined]> = [];
		const rows = [liveVehicle({plate: 'CAI 1'}), liveVehicle({plate: 'CAI 2'})];
		const {lastFrame, stdin} = show(fakeLive([liveSnapshot(rows)]), {navigate: (view, arg) => opened.push([view, arg])});
		await waitForFrame(lastFrame, f => f.includes('CAI 2'));
		stdin.write('j');
		await waitForFrame(lastFrame, f => /^› CAI 2/m.test(f));
		stdin.write('\r');
		await waitForFrame(lastFrame, () => opened.length === 1);
		expect(opened[0]).toEqual(['vehicle', rows[1]!.id]);
	});

	it('f cycles the status filter and reloads with it', async () => {
		const data = fakeLive([liveSnapshot([liveVehicle({plate: 'CAI 1'})])]);
		const {lastFrame, stdin} = show(data);
		await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		stdin.write('f');
		await waitForFrame(lastFrame, f => f.includes('status: active') && data.requests.length === 2);
		expect(data.requests[1]).toMatchObject({status: 'active', connectivity: null});
	});

	it('keeps the last rows and shows the banner when the connection is lost', async () => {
		const lost = Object.assign(new Error('terminating connection due to administrator command'), {code: '57P01'});
		const data = fakeLive([liveSnapshot([liveVehicle({plate: 'CAI 1'})]), lost]);
		const reported: unknown[] = [];
		const {lastFrame, stdin} = show(data, {reportError: error => reported.push(error)});
		await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		stdin.write('r');
		const frame = await waitForFrame(lastFrame, f => f.includes('connection lost'));
		expect(frame).toMatch(/connection lost — retrying in 1 s/);
		expect(frame).toContain('CAI 1');
		// the shell is told too (its header indicator and reconnect banner)
		expect(reported).toEqual([lost]);
	});

	it('draws SoC as a bar, in ASCII without color', () => {
		expect(socCell(40)).toBe('██░░░  40%');
		expect(socCell(40, true)).toBe('##...  40%');
		expect(socCell(null)).toBe('-');
	});
});
