import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import ChargingScreen, {directionCell, formatElapsed, socProgressCell} from '../../source/screens/ChargingScreen.js';
import {waitForFrame} from '../helpers/fakes.js';
import {chargingSession, chargingSnapshot, fakeCharging, station} from '../helpers/live-fakes.js';

const noop = () => {};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

type Props = {width?: number; height?: number; navigate?: (view: string, arg?: string) => void; near?: {latitude: number; longitude: number; radiusKm: number}};

function show(data: ReturnType<typeof fakeCharging>, props: Props = {}) {
	const app = render(
		<ChargingScreen data={data} width={props.width ?? 140} height={props.height ?? 20} isActive navigate={props.navigate ?? noop} intervalMs={60_000} near={props.near}/>,
	);
	cleanup.push(app.unmount);
	return app;
}

const line = (frame: string, text: string) => frame.split('\n').find(l => l.includes(text)) ?? '';

describe('ChargingScreen', () => {
	it('shows sessions, connectors by status and stale stations in the header', async () => {
		const snapshot = chargingSnapshot(
			[chargingSession({plate: 'CAI 1', isV2g: true, direction: 'to_grid'}), chargingSession({plate: 'CAI 2'})],
			[station({name: 'Bab stn', available: 1, occupied: 2, faulted: 1, offline: 0, heartbeatStale: true}), station({name: 'Maadi', available: 3, occupied: 0, faulted: 0, offline: 1})],
		);
		const {lastFrame} = show(fakeCharging([snapshot]));
		const frame = await waitForFrame(lastFrame, f => f.includes('Maadi'));
		expect(frame).toContain('sessions 2 (V2G 1) · stations 2 (stale 1) · connectors free 4 · busy 2 · fault 1 · off 1');
		expect(line(frame, 'CAI 1')).toContain('V2G→grid');
		expect(line(frame, 'Bab stn')).toMatch(/s !/);
	});

	it('marks sessions whose meter moved since the last refresh', async () => {
		const a = chargingSession({plate: 'CAI 1', energyKwh: 10});
		const b = chargingSession({plate: 'CAI 2', energyKwh: 20});
		const s = station({name: 'Tahrir'});
		const data = fakeCharging([chargingSnapshot([b, a], [s]), chargingSnapshot([b, {...a, energyKwh: 10.8}], [s])]);
		const {lastFrame, stdin} = show(data);
		await waitForFrame(lastFrame, f => f.includes('CAI 1'));
		stdin.write('r');
		const frame = await waitForFrame(lastFrame, f => f.includes('10.8'));
		expect(line(frame, 'CAI 1')).toMatch(/^\* CAI 1/);
		expect(line(frame, 'CAI 2')).not.toMatch(/^\*/);
		expect(line(frame, 'Tahrir')).not.toMatch(/^\*/);
	});

	it('fits 80 columns without wrapping, with a compact header', async () => {
		const snapshot = chargingSnapshot([chargingSession({plate: 'CAI 1', isV2g: true, stationName: 'A station with a very long name indeed'})], [station({name: 'Tahrir', heartbeatStale: true})]);
		const {lastFrame} = show(fakeCharging([snapshot]), {width: 80, height: 16});
		const frame = await waitForFrame(lastFrame, f => f.includes('Tahrir'));
		for (const l of frame.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
		expect(frame).toContain('sess 1 V2G 1 │ stn 1 stale 1 │ free 2 busy 1 flt 1 off 0');
		expect(line(frame, 'CAI 1')).toMatch(/\d+\.\d/);
	});

	it('shows distances when watching an area', async () => {
		const snapshot = chargingSnapshot([], [station({name: 'Zamalek', distanceM: 1234})]);
		const {lastFrame} = show(fakeCharging([snapshot]), {near: {latitude: 30.06, longitude: 31.22, radiusKm: 5}});
		const frame = await waitForFrame(lastFrame, f => f.includes('Zamalek'));
		expect(line(frame, 'Zamalek')).toContain('1.2 km');
		expect(frame).toContain('within 5 km of 30.06,31.22');
		expect(frame).toContain('no charging session in progress');
	});

	it('s filters the station board by connector status and reloads', async () => {
		const data = fakeCharging([chargingSnapshot([], [station({name: 'Tahrir'})])]);
		const {lastFrame, stdin} = show(data);
		await waitForFrame(lastFrame, f => f.includes('Tahrir'));
		stdin.write('s');
		await waitForFrame(lastFrame, () => data.requests.length === 2);
		expect(data.requests[1]).toMatchObject({connectorStatus: 'available'});
	});

	it('enter on a session opens its vehicle', async () => {
		const opened: string[] = [];
		const session = chargingSession({plate: 'CAI 9'});
		const {lastFrame, stdin} = show(fakeCharging([chargingSnapshot([session], [])]), {navigate: (view, arg) => opened.push(`${view} ${arg}`)});
		await waitForFrame(lastFrame, f => f.includes('CAI 9'));
		stdin.write('\r');
		await waitForFrame(lastFrame, () => opened.length === 1);
		expect(opened).toEqual([`vehicle ${session.vehicleId}`]);
	});

	it('formats cells', () => {
		expect(formatElapsed(754)).toBe('12m 34s');
		expect(formatElapsed(3900)).toBe('1h 05m');
		expect(socProgressCell(22, 58, true)).toBe('22→58% ##..');
		expect(directionCell({isV2g: true, direction: 'from_grid'})).toBe('V2G←grid');
		expect(directionCell({isV2g: false, direction: 'from_grid'})).toBe('');
	});
});
