// The `:` line completes view names and their arguments (from a data source), Tab forwards, Shift-Tab backwards.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it, vi} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {CompletionData, CompletionKind} from '../../source/model/completion.js';
import {fakeConsoleData, fleet, organization, vehicle, vehicleDetail, telematics, waitForFrame} from '../helpers/fakes.js';
import {fakeData} from '../helpers/maintenance-fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
const tab = '\t';
const shiftTab = '\u001B[Z';
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

const promptLine = (frame: string) => frame.split('\n').at(-1) ?? '';

function world() {
	const acme = organization({name: 'Nile Green Logistics', slug: 'nile-green-logistics'});
	const nasr = fleet({name: 'Nasr City Depot', organizationId: acme.id});
	const maadi = fleet({name: 'Maadi Depot', organizationId: acme.id});
	const vehicles = [
		vehicle({vin: 'JN1FE0000RA000101', plate: 'EV 101', fleetId: nasr.id, fleetName: nasr.name}),
		vehicle({vin: 'JN1FE0000RA000102', plate: 'EV 102', fleetId: nasr.id, fleetName: nasr.name}),
		vehicle({vin: 'KMHKR81CXPU000201', plate: 'EV 201', fleetId: maadi.id, fleetName: maadi.name}),
	];
	const details = vehicles.map(v => vehicleDetail({id: v.id, vin: v.vin, plate: v.plate}));
	const values: Record<CompletionKind, string[]> = {fleet: [maadi.name, nasr.name], vehicle: vehicles.map(v => v.vin), organization: [acme.slug]};
	const completion: CompletionData = {
		complete: vi.fn(async (kind: CompletionKind, prefix: string) => values[kind].filter(value => value.toLowerCase().startsWith(prefix.toLowerCase()))),
	};
	const data = {...fakeConsoleData({orgs: [acme], fleets: [nasr, maadi], vehicles, details, history: telematics(5)}), completion};
	return {data, completion, vehicles};
}

function open(data: React.ComponentProps<typeof Shell>['data'], initialView = 'orgs') {
	const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView={initialView}/>);
	cleanup.push(view.unmount);
	return view;
}

it('Tab and Tab again cycle through the view names that start with what is typed', async () => {
	const {data} = world();
	const {lastFrame, stdin} = open(data);
	await waitForFrame(lastFrame, f => f.includes('nile-green-logistics'));
	stdin.write(':');
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':'));
	stdin.write('vehicle');
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle'));
	// "vehicle" and "vehicles" both match: Tab cycles through them.
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicles'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle') && !promptLine(f).startsWith(':vehicles'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicles'));
});

it('completes a vehicle argument from the data source: the common prefix first, then Tab and Shift-Tab cycle', async () => {
	const {data, completion} = world();
	const {lastFrame, stdin} = open(data);
	await waitForFrame(lastFrame, f => f.includes('nile-green-logistics'));
	stdin.write(':');
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':'));
	stdin.write('vehicle JN1');
	// Both JN1 VINs are offered in the hint line once the source answered.
	// (The keys are typed one at a time: the source is asked for "", "J", "JN", then "JN1".)
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle JN1') && f.includes('JN1FE0000RA000101  JN1FE0000RA000102'));
	await vi.waitFor(() => expect(completion.complete).toHaveBeenCalledWith('vehicle', 'JN1', 20));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle JN1FE0000RA00010'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle JN1FE0000RA000101'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle JN1FE0000RA000102'));
	stdin.write(shiftTab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle JN1FE0000RA000101'));
	stdin.write('\r');
	await waitForFrame(lastFrame, f => f.includes('JN1FE0000RA000101 ·'));
});

it(':vehicles <fleet> completes the fleet name and opens that fleet\'s vehicles', async () => {
	const {data} = world();
	const {lastFrame, stdin} = open(data);
	await waitForFrame(lastFrame, f => f.includes('nile-green-logistics'));
	stdin.write(':');
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':'));
	stdin.write('vehicles na');
	await waitForFrame(lastFrame, f => f.includes('Nasr City Depot'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicles Nasr City Depot'));
	stdin.write('\r');
	const frame = await waitForFrame(lastFrame, f => f.includes('JN1FE0000RA000101') && f.includes('rows'));
	expect(frame).toContain('JN1FE0000RA000102');
	expect(frame).not.toContain('KMHKR81CXPU000201');
});

it('says when nothing matches an argument instead of offering a key that does nothing', async () => {
	const {data} = world();
	const {lastFrame, stdin} = open(data);
	await waitForFrame(lastFrame, f => f.includes('nile-green-logistics'));
	stdin.write(':');
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':'));
	stdin.write('vehicle ZZZ');
	await waitForFrame(lastFrame, f => f.includes('<VIN|plate|id> — nothing matches'));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => promptLine(f).startsWith(':vehicle ZZZ'));
});

it('Shift-Tab moves to the previous section of a view with tabs', async () => {
	const maintenance = fakeData();
	const data = {...fakeConsoleData(), maintenance: maintenance.data};
	const {lastFrame, stdin} = open(data, 'maint');
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
	stdin.write(shiftTab);
	await waitForFrame(lastFrame, f => /no maintenance recorded yet/.test(f));
	stdin.write(tab);
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
});
