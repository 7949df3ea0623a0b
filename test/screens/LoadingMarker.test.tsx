// While a query runs a view says it is loading, never "no rows" (first load, and a reload after a filter).
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {Page, PageRequest} from '../../source/model/page.js';
import type {VehicleRow} from '../../source/model/data-sources.js';
import {fakeConsoleData, pageOf, vehicle, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

/** A vehicles source whose answers the test releases one at a time. */
function heldVehicles(rows: VehicleRow[]) {
	const pending: Array<() => void> = [];
	const data = fakeConsoleData({vehicles: rows});
	data.vehicles.list = (request: PageRequest) => new Promise<Page<VehicleRow>>(resolve => pending.push(() => resolve(pageOf(rows, request))));
	return {data, release: () => pending.shift()?.(), pending};
}

it('says loading, not "no rows", until the first page is in', async () => {
	const {data, release, pending} = heldVehicles([vehicle({vin: 'WVWZZZ1KZAW000001'})]);
	const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView="vehicles"/>);
	cleanup.push(view.unmount);
	const frame = await waitForFrame(view.lastFrame, f => f.includes('Vehicles  ·') && pending.length === 1);
	expect(frame).toContain('loading…');
	expect(frame).not.toContain('no rows');
	expect(frame).not.toContain('no vehicles');
	release();
	await waitForFrame(view.lastFrame, f => f.includes('WVWZZZ1KZAW000001') && !f.includes('loading…'));
});

it('marks the rows on screen as loading while a filter reloads them', async () => {
	const {data, release, pending} = heldVehicles([vehicle({vin: 'WVWZZZ1KZAW000001'}), vehicle({vin: 'WVWZZZ1KZAW000002', plate: 'HH-EV 2'})]);
	const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView="vehicles"/>);
	cleanup.push(view.unmount);
	await waitForFrame(view.lastFrame, () => pending.length === 1);
	release();
	await waitForFrame(view.lastFrame, f => f.includes('WVWZZZ1KZAW000002') && f.includes('/ filter'));
	view.stdin.write('/');
	await waitForFrame(view.lastFrame, f => f.includes('enter apply'));
	view.stdin.write('HH-EV 2\r');
	await waitForFrame(view.lastFrame, f => f.includes('filter: "HH-EV 2"') && f.includes('loading…'));
	release();
	await waitForFrame(view.lastFrame, f => f.includes('filter: "HH-EV 2"') && !f.includes('loading…') && !f.includes('WVWZZZ1KZAW000001'));
});
