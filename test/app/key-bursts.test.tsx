// Keys that arrive together (a paste, tmux send-keys, typing ahead over a slow link) are handled one after the
// other, each by whatever has the keyboard once the previous one has been handled: none is lost or misrouted.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {ActivitySource} from '../../source/model/activity.js';
import {fakeConsoleData, fleet, organization, vehicle, waitForFrame} from '../helpers/fakes.js';
import {liveSnapshot, liveVehicle} from '../helpers/live-fakes.js';
import type {LiveVehiclesData, LiveVehiclesSnapshot} from '../../source/model/live-data.js';

const session = {location: 'db.example:5432/fleet', user: 'support', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

const idleActivity: ActivitySource = {snapshot: async () => ({takenAt: new Date(), scope: 'database', database: 'fleet', backends: []})};

function world(vehicleCount = 40) {
	const acme = organization({name: 'Acme Mobility', slug: 'acme'});
	const north = fleet({name: 'North depot', organizationId: acme.id});
	const vehicles = Array.from({length: vehicleCount}, (_, i) => vehicle({vin: `WVWZZZ1KZAW0000${String(i + 1).padStart(2, '0')}`, plate: `HH-EV ${i + 1}`, fleetId: north.id}));
	return {...fakeConsoleData({orgs: [acme], fleets: [north], vehicles}), activity: idleActivity};
}

function open(props: Partial<React.ComponentProps<typeof Shell>> = {}) {
	const result = render(<Shell data={world()} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} retryBaseMs={5} {...props}/>);
	cleanup.push(result.unmount);
	return result;
}

const crumbs = (frame: string) => frame.split('\n')[1] ?? '';
const onOrganizations = (frame: string) => frame.includes('Acme Mobility') && frame.includes('enter fleets');
const onVehicles = (frame: string) => frame.includes('WVWZZZ1KZAW000001') && frame.includes('enter inspect');

describe('keys that arrive in a burst', () => {
	it('runs ":activity⏎" written in one chunk', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, onOrganizations);
		stdin.write(':activity\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('Activity'));
		expect(crumbs(frame)).toBe('Organizations › Activity');
	});

	it('runs ":", "activity", "⏎" written one after the other without waiting', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, onOrganizations);
		stdin.write(':');
		stdin.write('activity');
		stdin.write('\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('Activity') || crumbs(f).includes('Acme'));
		expect(crumbs(frame)).toBe('Organizations › Activity');
	});

	it('runs both commands of ":users⏎:activity⏎" written in one chunk, in order', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, onOrganizations);
		stdin.write(':users\r:activity\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('Activity'));
		expect(crumbs(frame)).toBe('Organizations › Users › Activity');
	});

	// Enter at the end opens the row the moves ended on: the inspector names it, whatever frames came between.
	it('opens the 13th row after 12 j and enter written in one chunk', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicles'});
		await waitForFrame(lastFrame, onVehicles);
		stdin.write(`${'j'.repeat(12)}\r`);
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('›'));
		expect(crumbs(frame)).toBe('Vehicles › HH-EV 13');
	});

	it('opens the 13th row after 12 j and enter written one at a time without waiting', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicles'});
		await waitForFrame(lastFrame, onVehicles);
		for (let i = 0; i < 12; i++) stdin.write('j');
		stdin.write('\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('›'));
		expect(crumbs(frame)).toBe('Vehicles › HH-EV 13');
	});

	it('filters with "/EV 3⏎" written in one chunk', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicles'});
		await waitForFrame(lastFrame, onVehicles);
		stdin.write('/EV 3\r');
		// HH-EV 3 and HH-EV 30 to 39.
		const frame = await waitForFrame(lastFrame, f => f.includes('filter: "EV 3"') && f.includes('rows 1–11 of 11'));
		expect(frame).not.toContain('HH-EV 1 ');
	});

	it('gives keys typed after a jump to the view jumped to, once its rows are in', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, onOrganizations);
		stdin.write(':vehicles\rjjj\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).split('›').length > 2);
		expect(crumbs(frame)).toBe('Organizations › Vehicles › HH-EV 4');
	});

	it('runs a command typed after some moves in the same chunk', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicles'});
		await waitForFrame(lastFrame, onVehicles);
		stdin.write('jj:users\r');
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('Users'));
		expect(crumbs(frame)).toBe('Vehicles › Users');
	});

	it('gives keys typed after a jump to a live view to it once its first snapshot is in', async () => {
		const plates = ['CAI 101', 'CAI 102', 'CAI 103', 'CAI 104'];
		const pending: Array<(snapshot: LiveVehiclesSnapshot) => void> = [];
		const live: LiveVehiclesData = {snapshot: () => new Promise(resolve => pending.push(resolve))};
		const {lastFrame, stdin} = open({data: {...world(), live}});
		await waitForFrame(lastFrame, onOrganizations);
		stdin.write(':live\rjj\r');
		await waitForFrame(lastFrame, f => crumbs(f).includes('Live vehicles') && pending.length > 0);
		pending[0]!(liveSnapshot(plates.map(plate => liveVehicle({plate}))));
		const frame = await waitForFrame(lastFrame, f => crumbs(f).split('›').length > 2);
		expect(crumbs(frame)).toBe('Organizations › Live vehicles › CAI 103');
	});
});
