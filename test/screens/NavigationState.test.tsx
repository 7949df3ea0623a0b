// esc returns to the previous view exactly as it was left (selection, filter, tab, refresh interval), and
// after a `:` jump to where the jump was made from.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {ConsoleData} from '../../source/app/views.js';
import {fakeConsoleData, fleet, organization, telematics, vehicle, vehicleDetail, waitForFrame} from '../helpers/fakes.js';
import {fakeData} from '../helpers/maintenance-fakes.js';
import {liveSnapshot, liveVehicle} from '../helpers/live-fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
const escape = '\u001B';
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

const footer = (frame: string) => frame.split('\n').at(-1) ?? '';
const selectedLine = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';

function world(extra: Partial<ConsoleData> = {}) {
	const acme = organization({name: 'Acme Mobility', slug: 'acme'});
	const north = fleet({name: 'North depot', organizationId: acme.id});
	const vehicles = Array.from({length: 30}, (_, i) => vehicle({vin: `WVWZZZ1KZAW0000${String(i + 1).padStart(2, '0')}`, plate: `HH-EV ${i + 1}`, fleetId: north.id, fleetName: north.name}));
	const details = vehicles.map(v => vehicleDetail({id: v.id, vin: v.vin, plate: v.plate}));
	return {...fakeConsoleData({orgs: [acme], fleets: [north], vehicles, details, history: telematics(10)}), ...extra};
}

function open(data: ConsoleData, initialView = 'vehicles') {
	const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView={initialView}/>);
	cleanup.push(view.unmount);
	return view;
}

it('keeps the selected row and scroll position across enter and esc', async () => {
	const {lastFrame, stdin} = open(world());
	await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && footer(f).includes('enter inspect'));
	stdin.write('jjjjjjjjjjjjjjjjjjjjj'); // 21 down: past the first screen of rows
	await waitForFrame(lastFrame, f => selectedLine(f).includes('WVWZZZ1KZAW000022'));
	const before = lastFrame()!;
	stdin.write('\r');
	await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000022 ·') && f.includes('Telematics'));
	stdin.write(escape);
	const after = await waitForFrame(lastFrame, f => selectedLine(f).includes('WVWZZZ1KZAW000022') && footer(f).includes('enter inspect'));
	// The same rows in the same place, the same one selected (the ages in the last-seen column may have ticked).
	const rowsShown = (frame: string) => frame.split('\n').slice(2, -1).map(line => line.slice(0, 30));
	expect(rowsShown(after)).toEqual(rowsShown(before));
});

it('keeps the filter across enter and esc', async () => {
	const {lastFrame, stdin} = open(world());
	await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && footer(f).includes('/ filter'));
	stdin.write('/');
	await waitForFrame(lastFrame, f => footer(f).includes('enter apply'));
	stdin.write('HH-EV 7\r');
	await waitForFrame(lastFrame, f => f.includes('filter: "HH-EV 7"') && selectedLine(f).includes('WVWZZZ1KZAW000007'));
	stdin.write('\r');
	await waitForFrame(lastFrame, f => f.includes('Telematics'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => f.includes('filter: "HH-EV 7"') && selectedLine(f).includes('WVWZZZ1KZAW000007'));
});

it('esc after a : jump returns to where the jump was made from, as it was', async () => {
	const {lastFrame, stdin} = open(world());
	await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && footer(f).includes('enter inspect'));
	stdin.write('jjj');
	await waitForFrame(lastFrame, f => selectedLine(f).includes('WVWZZZ1KZAW000004'));
	stdin.write(':orgs\r');
	await waitForFrame(lastFrame, f => f.includes('Acme Mobility') && f.includes('Vehicles › Organizations'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => selectedLine(f).includes('WVWZZZ1KZAW000004') && !f.includes('› Organizations'));
});

it('keeps the section (tab) of :maint across a jump and esc', async () => {
	const maintenance = fakeData();
	const {lastFrame, stdin} = open(world({maintenance: maintenance.data}), 'maint');
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING') && footer(f).includes('tab section'));
	stdin.write('\t');
	await waitForFrame(lastFrame, f => f.includes('vehicles') && f.includes('fleets') && !f.includes('NEXT MONTH MISSING'));
	const tables = lastFrame()!;
	stdin.write(':vehicles\r');
	await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => f.split('\n')[3] === tables.split('\n')[3] && !f.includes('NEXT MONTH MISSING'));
});

it('keeps a live view\'s refresh interval across enter and esc', async () => {
	const rows = [liveVehicle({vin: 'LGXCE4CB0P0000001', plate: 'CAI 101'}), liveVehicle({vin: 'LGXCE4CB0P0000002', plate: 'CAI 102'})];
	const details = rows.map(r => vehicleDetail({id: r.id, vin: r.vin, plate: r.plate}));
	const data = {...fakeConsoleData({details, history: telematics(5)}), live: {snapshot: async () => liveSnapshot(rows)}};
	const {lastFrame, stdin} = open(data as ConsoleData, 'live');
	await waitForFrame(lastFrame, f => f.includes('every 2 s') && f.includes('CAI 101') && footer(f).includes('space pause'));
	stdin.write('+');
	await waitForFrame(lastFrame, f => f.includes('every 3 s'));
	stdin.write('\r');
	await waitForFrame(lastFrame, f => f.includes('Telematics'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => f.includes('every 3 s') && f.includes('CAI 101'));
});
