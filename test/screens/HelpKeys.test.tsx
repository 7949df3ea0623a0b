// `?` help and its footer offer only keys that do something where they are shown.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import {fakeConsoleData, fleet, organization, telematics, vehicle, vehicleDetail, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

function open(props: Partial<React.ComponentProps<typeof Shell>> = {}) {
	const acme = organization({name: 'Acme Mobility', slug: 'acme'});
	const north = fleet({name: 'North depot', organizationId: acme.id});
	const v = vehicle({vin: 'WVWZZZ1KZAW000001', plate: 'HH-EV 1', fleetId: north.id});
	const data = fakeConsoleData({orgs: [acme], fleets: [north], vehicles: [v], details: [vehicleDetail({id: v.id, vin: v.vin, plate: v.plate})], history: telematics(30)});
	const result = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} {...props}/>);
	cleanup.push(result.unmount);
	return result;
}

/** The lines of one help section, up to the blank line that ends it. */
function section(frame: string, title: string): string[] {
	const lines = frame.split('\n');
	const start = lines.findIndex(line => line.trim() === title);
	if (start === -1) return [];
	const end = lines.findIndex((line, i) => i > start && line.trim() === '');
	return lines.slice(start + 1, end === -1 ? undefined : end).map(line => line.trim());
}

const footer = (frame: string) => frame.split('\n').filter(line => line.trim()).at(-1) ?? '';

describe('help offers only working keys', () => {
	it('lists only the shell\'s own keys as "Keys everywhere" (no filter or sort on the inspector)', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicle', initialArg: 'WVWZZZ1KZAW000001'});
		await waitForFrame(lastFrame, f => f.includes('Telematics') && f.includes('t time jump'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, f => f.includes('Keys everywhere'));
		const keys = section(frame, 'Keys everywhere').map(line => line.split(/\s+/)[0]);
		expect(keys).toEqual(['esc', ':', '?', 'q']);
	});

	it('says on a list that g/G go to the first/last row of the whole list', async () => {
		const {lastFrame, stdin} = open({initialView: 'vehicles'});
		await waitForFrame(lastFrame, f => f.includes('enter inspect'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, f => f.includes('Keys on Vehicles'));
		const lines = section(frame, 'Keys on Vehicles');
		expect(lines.join('\n')).toContain('first / last row of the whole list');
		// One line per key: the view's own "enter" (inspect), not also the generic "open the selected row".
		expect(lines.filter(line => line.startsWith('enter '))).toEqual([expect.stringContaining('inspect the vehicle')]);
	});

	it('offers ↑↓ in the help footer only when the help is longer than the screen', async () => {
		const short = open({initialView: 'vehicles'});
		await waitForFrame(short.lastFrame, f => f.includes('enter inspect'));
		short.stdin.write('?');
		expect(footer(await waitForFrame(short.lastFrame, f => f.includes('close help')))).toContain('↑↓ scroll');

		const tall = open({initialView: 'vehicles', height: 120});
		await waitForFrame(tall.lastFrame, f => f.includes('enter inspect'));
		tall.stdin.write('?');
		const frame = await waitForFrame(tall.lastFrame, f => f.includes('close help'));
		expect(frame).toContain(':help');
		expect(footer(frame)).not.toContain('scroll');
	});
});
