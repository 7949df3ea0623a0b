import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import VehicleInspectorScreen from '../../source/screens/VehicleInspectorScreen.js';
import {formatClock} from '../../source/text/formats.js';
import {fakeConsoleData, telematics, vehicleDetail, waitForFrame} from '../helpers/fakes.js';

function open(history = telematics(40, {gapAt: 5})) {
	const detail = vehicleDetail({vin: 'WVWZZZ1KZAW000007', plate: 'HH-EV 7'});
	const data = fakeConsoleData({details: [detail], history});
	const result = render(<VehicleInspectorScreen data={data.vehicle} reference="HH-EV 7" width={80} height={22} isActive navigate={() => {}}/>);
	return {...result, data};
}

describe('VehicleInspectorScreen', () => {
	it('shows identity, latest state with distance and bearing to the depot, battery report and nearest connector', async () => {
		const {lastFrame, unmount} = open();
		const frame = await waitForFrame(lastFrame, f => f.includes('Hafen Hub') && f.includes('RECORDED'));
		expect(frame).toContain('WVWZZZ1KZAW000007 · HH-EV 7 · VW ID.4 2024');
		expect(frame).toContain('3.2 km NE of depot');
		expect(frame).toContain('SoH 97.5%');
		expect(frame).toContain('310 cycles');
		unmount();
	});

	it('marks a gap in reporting in the history', async () => {
		const {lastFrame, unmount} = open();
		const frame = await waitForFrame(lastFrame, f => f.includes('RECORDED'));
		expect(frame).toMatch(/! .*gap 30m/);
		unmount();
	});

	it('jumps back in time with t and says what it accepts on bad input', async () => {
		const {lastFrame, stdin, data, unmount} = open();
		await waitForFrame(lastFrame, f => f.includes('RECORDED'));
		stdin.write('t');
		await waitForFrame(lastFrame, f => f.includes('time (2h'));
		stdin.write('yesterday\r');
		await waitForFrame(lastFrame, f => f.includes('invalid time "yesterday"'));
		stdin.write('t');
		await waitForFrame(lastFrame, f => f.includes('time (2h'));
		stdin.write('5m\r');
		await waitForFrame(lastFrame, f => f.includes('Telematics before'));
		const last = data.calls.filter(c => c.area === 'telematics').at(-1)?.request as {before?: Date};
		expect(last.before).toBeInstanceOf(Date);
		expect(Date.now() - last.before!.getTime()).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
		unmount();
	});

	it('gives a route ETA that is not today its date', async () => {
		const tomorrow = new Date(Date.now() + 86_400_000);
		const routeAssignment = {id: 'a', status: 'in_progress', routeId: 'r', routeName: 'Ring', plannedStartAt: new Date(), plannedEndAt: tomorrow, actualStartAt: new Date(), plannedDistanceKm: 40, driverName: null, waypoints: 5, waypointsReached: 2};
		const detail = vehicleDetail({vin: 'WVWZZZ1KZAW000008', plate: 'HH-EV 8'}, {routeAssignment});
		const data = fakeConsoleData({details: [detail], history: telematics(5)});
		const {lastFrame, unmount} = render(<VehicleInspectorScreen data={data.vehicle} reference="HH-EV 8" width={100} height={22} isActive navigate={() => {}}/>);
		const frame = await waitForFrame(lastFrame, f => f.includes('route Ring'));
		expect(frame).toContain(`ETA ${formatClock(tomorrow)}`);
		expect(formatClock(tomorrow)).toMatch(/^(\w{3} \d{2}|\d{4}-\d{2}-\d{2}) \d{2}:\d{2}$/);
		unmount();
	});

	it('marks no gap for silences up to the gap threshold', async () => {
		const {lastFrame, unmount} = open(telematics(10, {stepMs: 10 * 60_000}));
		const frame = await waitForFrame(lastFrame, f => f.includes('RECORDED'));
		expect(frame).not.toContain('gap 10m');
		unmount();
	});

	it('titles the history with the rows shown of how many, as the lists do', async () => {
		// 120 rows read 50 a page: the total comes with the first page, not only once the last page is in.
		const {lastFrame, unmount} = open(telematics(120));
		const frame = await waitForFrame(lastFrame, f => f.includes('RECORDED') && !f.includes('loading'));
		const title = frame.split('\n').find(line => line.startsWith('Telematics')) ?? '';
		expect(title).toMatch(/rows 1–\d+ of 120 /);
		unmount();
	});

	it('marks an estimated history total with ~, before and after G', async () => {
		// The fake estimates totals above 1 000 rows, as the server's count estimate is for a long history.
		const {lastFrame, stdin, unmount} = open(telematics(2000));
		const title = (frame: string) => frame.split('\n').find(line => line.startsWith('Telematics')) ?? '';
		const ready = (frame: string) => frame.includes('RECORDED') && !frame.includes('loading');
		const first = await waitForFrame(lastFrame, ready);
		expect(title(first)).toMatch(/rows 1–\d+ of ~2,000 /);
		stdin.write('G');
		const last = await waitForFrame(lastFrame, f => ready(f) && title(f).includes('–~2,000'));
		expect(title(last)).toMatch(/rows ~[\d,]+–~2,000 of ~2,000 /);
		unmount();
	});

	it('G selects the oldest row of the whole history, reading only its last page; k walks back up across the page edge', async () => {
		// 120 rows: the history reads 50 a page, so the oldest row is on the third page.
		const history = telematics(120, {gapAt: 100});
		const {lastFrame, stdin, data, unmount} = open(history);
		const time = (row: (typeof history)[number]) => row.recordedAt.toISOString().replace('T', ' ').slice(0, 19);
		const selected = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';
		const ready = (frame: string) => frame.includes('RECORDED') && !frame.includes('loading');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(time(history[0]!)));
		stdin.write('G');
		const frame = await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(time(history.at(-1)!)));
		expect(frame).toContain('–120');
		const requests = data.calls.filter(c => c.area === 'telematics').map(c => c.request as {after?: unknown; previous?: unknown; last?: boolean});
		expect(requests.map(r => ({after: r.after ?? null, previous: r.previous ?? null, last: r.last ?? false}))).toEqual([
			{after: null, previous: null, last: false},
			{after: null, previous: null, last: true},
		]);
		// The last page holds rows 71–120 (50 a page, read back from the end): 50 k reach row 70 on the page above.
		stdin.write('k'.repeat(50));
		// a deadline, not a wait: 50 keys are handed out one render at a time, which a loaded machine spreads over seconds
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(time(history[69]!)), 15_000);
		stdin.write('g');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(time(history[0]!)));
		unmount();
	});
});
