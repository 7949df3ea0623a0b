// A confirmation's footer says what its keys really do: on a y/N question enter answers no.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it, vi} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import {fakeConsoleData, waitForFrame} from '../helpers/fakes.js';
import {fakeData, planFor} from '../helpers/maintenance-fakes.js';
import type {MaintenanceRequest} from '../../source/model/maintenance-data.js';

const session = {location: 'db.example:5432/fleet', user: 'dba', version: 'PG 16.4', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

const lastLine = (frame: string) => frame.split('\n').at(-1) ?? '';

function open(maintenance = fakeData()) {
	const data = {...fakeConsoleData(), maintenance: maintenance.data};
	const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView="maint"/>);
	cleanup.push(view.unmount);
	return {...view, ...maintenance};
}

it('a y/N confirmation: the footer says enter cancels, and enter does cancel (nothing runs)', async () => {
	const {lastFrame, stdin, runs, refusals} = open();
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
	stdin.write('c');
	const frame = await waitForFrame(lastFrame, f => f.includes('[y/N]') && lastLine(f).includes('y run'));
	expect(lastLine(frame)).toMatch(/n\/enter\/esc cancel/);
	expect(lastLine(frame)).not.toContain('apply');
	stdin.write('\r');
	await vi.waitFor(() => expect(refusals).toHaveLength(1));
	expect(runs).toHaveLength(0);
});

it('a typed confirmation: the footer says enter runs once the name matches, and a wrong name runs nothing', async () => {
	const maintenance = fakeData({
		prepare: vi.fn(async (request: MaintenanceRequest) => planFor({...request, action: 'partitions.detach'} as MaintenanceRequest)),
	});
	const {lastFrame, stdin, runs} = open(maintenance);
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
	stdin.write('c');
	const frame = await waitForFrame(lastFrame, f => f.includes('to confirm') && lastLine(f).includes('enter detach (once the name matches)'));
	expect(lastLine(frame)).toContain('esc cancel');
	stdin.write('wrong');
	await waitForFrame(lastFrame, f => f.includes('> wrong'));
	stdin.write('\r');
	await waitForFrame(lastFrame, f => f.includes('does not match'));
	expect(runs).toHaveLength(0);
});

it('a running action: the footer offers esc to cancel it and q to quit', async () => {
	const {lastFrame, stdin, runs} = open();
	await waitForFrame(lastFrame, f => f.includes('NEXT MONTH MISSING'));
	stdin.write('c');
	await waitForFrame(lastFrame, f => f.includes('[y/N]'));
	stdin.write('y');
	await vi.waitFor(() => expect(runs).toHaveLength(1));
	const frame = await waitForFrame(lastFrame, f => lastLine(f).includes('esc cancel the action'));
	expect(lastLine(frame)).toContain('q quit');
	stdin.write('\u001B');
	await vi.waitFor(() => expect(runs[0]!.signal.aborted).toBe(true));
});
