import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import RoutesScreen, {driftCell, energyCell, progressCell} from '../../source/screens/RoutesScreen.js';
import {waitForFrame} from '../helpers/fakes.js';
import {fakeRoutes, route, routesSnapshot} from '../helpers/live-fakes.js';

const noop = () => {};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

function show(data: ReturnType<typeof fakeRoutes>, width = 140, height = 16) {
	const app = render(<RoutesScreen data={data} width={width} height={height} isActive navigate={noop} intervalMs={60_000}/>);
	cleanup.push(app.unmount);
	return app;
}

const line = (frame: string, text: string) => frame.split('\n').find(l => l.includes(text)) ?? '';

describe('RoutesScreen', () => {
	it('shows counts and flags assignments that cannot finish', async () => {
		const rows = [route({plate: 'CAI 1', cannotFinish: true, availableKwh: 4, neededKwh: 19, etaDriftSeconds: 900}), route({plate: 'CAI 2', etaDriftSeconds: 30})];
		const {lastFrame} = show(fakeRoutes([routesSnapshot(rows)]));
		const frame = await waitForFrame(lastFrame, f => f.includes('CAI 2'));
		expect(frame).toContain('routes in progress 2 · late 1 · cannot finish without a charge 1');
		expect(line(frame, 'CAI 1')).toContain("CAN'T FINISH");
		expect(line(frame, 'CAI 1')).toContain('4/19 kWh');
		expect(line(frame, 'CAI 1')).toContain('+15m');
		expect(line(frame, 'CAI 2')).toContain('on time');
	});

	it('marks an assignment that reached a waypoint since the last refresh', async () => {
		const a = route({plate: 'CAI 1', waypointsDone: 3});
		const b = route({plate: 'CAI 2'});
		const data = fakeRoutes([routesSnapshot([b, a]), routesSnapshot([b, {...a, waypointsDone: 4, nextWaypointSequence: 5}])]);
		const {lastFrame, stdin} = show(data);
		await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		stdin.write('r');
		const frame = await waitForFrame(lastFrame, f => f.includes('4/10'));
		expect(line(frame, 'CAI 1')).toMatch(/^\* CAI 1/);
	});

	it('fits 80 columns, keeping the can\'t-finish flag', async () => {
		const {lastFrame} = show(fakeRoutes([routesSnapshot([route({plate: 'CAI 1', cannotFinish: true, routeName: 'A route with a long long name', driverName: 'Someone With A Long Name'})])]), 80, 10);
		const frame = await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		for (const l of frame.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
		expect(line(frame, 'CAI 1')).toContain("CAN'T FINISH");
	});

	it('formats cells', () => {
		expect(progressCell(3, 10, true)).toBe('##... 3/10');
		expect(driftCell(-200)).toBe('-3m');
		expect(driftCell(null)).toBe('-');
		expect(energyCell({availableKwh: null, neededKwh: 3.4})).toBe('?/3 kWh');
	});
});
