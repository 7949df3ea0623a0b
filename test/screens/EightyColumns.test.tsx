// 80x24 first (issue 18.4): the main list views through the shell at 80 columns: no line wider than 80, the
// essential columns of each view present, and the footer keeps the view's own keys.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import {fakeConsoleData, fleet, organization, telematics, user, vehicle, vehicleDetail, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

/** Long names everywhere, so every view has to shrink or drop columns to fit. */
function world() {
	const org = organization({name: 'Alexandria Coastal Mobility Services', slug: 'alexandria-coastal-mobility'});
	const depot = fleet({name: 'GIU, New Administrative Capital Depot', organizationId: org.id, organizationName: org.name, depotAddress: 'GIU Campus, Regional Ring Road, New Administrative Capital'});
	const vehicles = Array.from({length: 30}, (_, i) => vehicle({vin: `KMHKN81E0RU1001${String(i).padStart(2, '0')}`, plate: `JFR ${1100 + i}`, make: 'Hyundai', model: 'Ioniq 5 Long Range AWD', status: i % 7 === 0 ? 'maintenance' : 'active', socPct: 40 + i, fleetId: depot.id, fleetName: depot.name}));
	const users = Array.from({length: 10}, (_, i) => user({fullName: `Ahmed Abdelrahman Mostafa ${i}`, email: `ahmed.abdelrahman.mostafa.${i}@alexandria-coastal.example`, roles: ['fleet_manager', 'dispatcher'], organizationName: org.name}));
	const details = vehicles.map(v => vehicleDetail({id: v.id, vin: v.vin, plate: v.plate}));
	return fakeConsoleData({orgs: [org], fleets: [depot], vehicles, users, details, history: telematics(30)});
}

function open() {
	const result = render(<Shell data={world()} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} retryBaseMs={5}/>);
	cleanup.push(result.unmount);
	return result;
}

const headerLine = (frame: string, first: string) => frame.split('\n').find(line => line.trimStart().startsWith(first)) ?? '';

const views: Array<{view: string; title: string; first: string; essential: string[]; keys?: string[]}> = [
	{view: 'orgs', title: 'Organizations  ·', first: 'NAME', essential: ['NAME', 'VEHICLES'], keys: ['enter fleets', 'u users', 'v vehicles']},
	{view: 'fleets', title: 'Fleets  ·', first: 'FLEET', essential: ['FLEET', 'VEH'], keys: ['enter vehicles']},
	{view: 'users', title: 'Users  ·', first: 'NAME', essential: ['NAME', 'EMAIL', 'STATUS']},
	{view: 'vehicles', title: 'Vehicles  ·', first: 'VIN', essential: ['VIN', 'STATUS', 'SOC'], keys: ['enter inspect', 'f status', 'c conn']},
];

describe('the main list views at 80 columns', () => {
	for (const {view, title, first, essential, keys = []} of views) {
		it(`:${view} fits 80 columns, keeps ${essential.join(', ')} and the footer shows ${keys.join(', ') || 'the shell keys'}`, async () => {
			const {lastFrame, stdin} = open();
			await waitForFrame(lastFrame, f => f.includes('Alexandria Coastal'));
			stdin.write(`:${view}\r`);
			// The view with its rows, selection and footer (the footer lists enter only once a row is selected).
			const footer = (f: string) => f.split('\n').at(-1) ?? '';
			const frame = await waitForFrame(lastFrame, f => f.includes(title) && f.includes('›') && !f.includes('loading') && [...keys, '? help', 'q quit'].every(key => footer(f).includes(key)));
			for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
			const header = headerLine(frame, first).split(/\s+/);
			for (const column of essential) expect(header).toContain(column);
		});
	}

	it(':vehicles shows whole VINs, statuses and SoC on every row at 80 columns', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, f => f.includes('Alexandria Coastal'));
		stdin.write(':vehicles\r');
		const frame = await waitForFrame(lastFrame, f => f.includes('KMHKN81E0RU100100'));
		const rows = frame.split('\n').filter(line => /KMHKN81E0RU1001\d\d/.test(line));
		expect(rows.length).toBeGreaterThan(10);
		for (const row of rows) expect(row).toMatch(/KMHKN81E0RU1001\d\d .*(active|maintenance) +\d+%/);
	});
});
