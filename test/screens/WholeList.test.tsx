// g/G and Home/End on a list longer than a page go to the first/last row of the whole list, reading only that
// page (the last one backwards from the end); k and PgUp walk back up from there across page boundaries.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {PageRequest} from '../../source/model/page.js';
import {fakeConsoleData, fleet, organization, vehicle, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

const vinOf = (n: number) => `WVWZZZ1KZAW000${String(n).padStart(3, '0')}`;

/** 250 vehicles: two and a half pages of the list's 100 rows. */
function open() {
	const acme = organization({name: 'Acme Mobility', slug: 'acme'});
	const north = fleet({name: 'North depot', organizationId: acme.id});
	const vehicles = Array.from({length: 250}, (_, i) => vehicle({vin: vinOf(i + 1), plate: `HH-EV ${i + 1}`, fleetId: north.id}));
	const data = fakeConsoleData({orgs: [acme], fleets: [north], vehicles});
	const result = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView="vehicles"/>);
	cleanup.push(result.unmount);
	return {...result, requests: () => data.calls.filter(c => c.area === 'vehicles').map(c => c.request as PageRequest)};
}

const selected = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';
const crumbs = (frame: string) => frame.split('\n')[1] ?? '';
const ready = (frame: string) => frame.includes('enter inspect') && !frame.includes('loading');

describe('whole-list movement', () => {
	it('G shows the true last row, reading the last page and nothing between', async () => {
		const {lastFrame, stdin, requests} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('G');
		const frame = await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(250)));
		expect(frame).toContain('rows 234–250 of 250');
		expect(requests().map(r => ({after: r.after ?? null, before: r.before ?? null, last: r.last ?? false}))).toEqual([
			{after: null, before: null, last: false},
			{after: null, before: null, last: true},
		]);
	});

	it('End and Home do what G and g do', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('\u001B[F');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(250)));
		stdin.write('\u001B[H');
		const frame = await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(1)));
		expect(frame).toContain('rows 1–17 of 250');
	});

	it('k walks back up from the last row across a page boundary without skipping a row', async () => {
		const {lastFrame, stdin} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('G');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(250)));
		// The last page holds rows 151–250, 17 on screen: six PgUp reach its top row 151, the first k row 150 on the
		// page above (read with \`before\`), the second 149.
		stdin.write(`${'\u001B[5~'.repeat(6)}kk\r`);
		const frame = await waitForFrame(lastFrame, f => crumbs(f).includes('›'));
		expect(crumbs(frame)).toBe('Vehicles › HH-EV 149');
	});

	it('PgUp at the top of the last page shows the last rows of the page above', async () => {
		const {lastFrame, stdin, requests} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('G');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(250)));
		// 17 rows per PgUp: 250 → 233 → … → 165 → 151 (the page's top) → the page above, on its last row.
		stdin.write('\u001B[5~'.repeat(7));
		const frame = await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(150)));
		expect(frame).toContain('–150 of 250');
		expect(requests().at(-1)?.before).toBeTruthy();
	});

	it('g after G returns to the first row of the list', async () => {
		const {lastFrame, stdin, requests} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('Gg');
		await waitForFrame(lastFrame, f => ready(f) && selected(f).includes(vinOf(1)) && requests().length === 3);
		expect(requests().at(-1)).toMatchObject({limit: 100});
		expect(requests().at(-1)?.after ?? null).toBeNull();
		expect(requests().at(-1)?.before ?? null).toBeNull();
	});

	it('G on a list that fits in one page moves to its last row without reading anything', async () => {
		const {lastFrame, stdin, requests} = open();
		await waitForFrame(lastFrame, ready);
		stdin.write('/EV 1\r'); // HH-EV 1, 10–19, 100–199: 111 rows, still two pages
		await waitForFrame(lastFrame, f => ready(f) && f.includes('of 111'));
		stdin.write('/\u0015EV 2\r'); // (ctrl-u clears the filter typed before) HH-EV 2, 20–29, 200–250: 62 rows, one page
		await waitForFrame(lastFrame, f => ready(f) && f.includes('of 62'));
		const before = requests().length;
		stdin.write('G');
		await waitForFrame(lastFrame, f => selected(f).includes(vinOf(250)));
		expect(requests()).toHaveLength(before);
	});
});
