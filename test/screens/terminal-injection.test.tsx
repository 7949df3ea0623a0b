// Issue 16.6 on the screen: names, audit fields and query texts carrying escape sequences are drawn as visible
// text (`\x1b`), never as the bytes, and lines keep the terminal's width (measured on the sanitized text).
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import {KeyRegistryProvider} from '../../source/app/keys.js';
import {MaintenanceScreen, type MaintenanceTab} from '../../source/screens/MaintenanceScreen.js';
import {DataTable} from '../../source/components/DataTable.js';
import ActivityScreen from '../../source/screens/ActivityScreen.js';
import type {ActivityBackend, ActivitySource} from '../../source/model/activity.js';
import {Header} from '../../source/components/Header.js';
import type {ActionPlan, LogEntry, MaintenanceActions, MaintenanceData, MaintenanceHealth, MaintenanceRequest} from '../../source/model/maintenance-data.js';
import {fakeConsoleData, fleet, organization, vehicle, waitForFrame} from '../helpers/fakes.js';

const evil = (what: string) => `${what}\u001B]0;pwned\u0007\u001B[2J\u001B[1A\u009B31m\u202Eevil\nforged: all good`;
const raw = /[\u001B\u009B\u0007\u202E]/;
const shown = '\\x1b]0;pwned\\x07';

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

function expectSafe(frame: string, width = 80) {
	expect(frame).not.toMatch(raw);
	expect(frame).not.toContain('\nforged: all good');
	for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
}

type ActivityRow = MaintenanceHealth['activity'][number];

function backend(pid: number, overrides: Partial<ActivityRow> = {}): ActivityRow {
	return {pid, user: evil('user'), application: evil('app'), clientAddr: '10.0.0.5', state: 'active', seconds: 95, waitEventType: null, waitEvent: null, blockedBy: [], relations: [evil('rel')], query: `select 1 /* ${evil('query')} */`, ...overrides};
}

function logEntry(overrides: Partial<LogEntry> = {}): LogEntry {
	return {id: 1, dbUser: 'reader', osUser: evil('osuser'), clientHost: evil('host'), serverUser: 'reader', serverClientAddr: null, action: 'vacuum', target: evil('target'), sql: evil('sql'), startedAt: new Date(), finishedAt: new Date(), outcome: 'refused', error: evil('error'), ...overrides};
}

function plan(request: MaintenanceRequest): ActionPlan {
	return {
		action: request.action as 'cancel', title: `evfleet maint cancel 4242`, target: evil('target'),
		steps: [{sql: 'SELECT pg_cancel_backend(4242)', object: 'pid 4242', progress: 'none'}],
		atomic: false,
		affects: [{object: 'who', change: evil('who'), rows: null, bytes: null}, {object: 'query', change: evil('query'), rows: null, bytes: null}],
		notes: [evil('note')], destructive: false, confirmText: null, privileges: [], lockKeys: [], nothingToDo: null, followUp: null,
	};
}

function maintenance(tab: MaintenanceTab, entry: LogEntry = logEntry()) {
	const data: MaintenanceData = {
		health: vi.fn(async () => ({checkedAt: new Date(), currentMonth: '2026-11', partitions: [], matviews: [], tables: [], indexes: [], activity: [backend(4242)], issues: []})),
		log: vi.fn(async () => [entry]),
		prepare: vi.fn(async (request: MaintenanceRequest) => plan(request)),
		run: vi.fn(() => new Promise<never>(() => {})),
		refuse: vi.fn(async () => true),
	};
	const view = render(
		<KeyRegistryProvider registry={{publish: () => {}}}>
			<MaintenanceScreen data={data} width={80} height={22} isActive navigate={() => {}} initialTab={tab} />
		</KeyRegistryProvider>,
	);
	cleanup.push(view.unmount);
	return view;
}

describe(':maint shows database strings visibly', () => {
	it('Log tab: claimed os_user, client_host, target and error', async () => {
		const {lastFrame} = maintenance('log');
		const frame = await waitForFrame(lastFrame, f => f.includes('vacuum'));
		expectSafe(frame);
		expect(frame).toContain('\\x1b');
	});

	it('Log tab at 80 columns: the server\'s login@address beside the forged claim', async () => {
		const {lastFrame} = maintenance('log', logEntry({serverUser: 'mallory', serverClientAddr: '10.0.0.7', osUser: 'postgres', clientHost: evil('dba-laptop')}));
		const frame = await waitForFrame(lastFrame, f => f.includes('vacuum'));
		expectSafe(frame);
		const header = frame.split('\n').find(line => /who \(server\)/i.test(line));
		expect(header, frame).toMatch(/claimed/i);
		const row = frame.split('\n').find(line => line.includes('vacuum'))!;
		expect(row).toContain('mallory@10.0.0.7');
		expect(row).toContain('postgres@db'); // the claim, cut to its column's minimum at 80 columns
	});
});

describe(':activity shows other sessions\' strings visibly', () => {
	function hostileBackend(): ActivityBackend {
		const start = new Date();
		return {
			pid: 4242, database: 'fleet', user: evil('user'), application: evil('app'), clientAddr: '10.0.0.5', clientPort: 5000, state: 'active',
			waitEventType: null, waitEvent: null, backendStart: start, xactStart: start, queryStart: start,
			backendStartText: '2026-12-06 14:00:00.000001+00', queryStartText: '2026-12-06 14:00:01.000001+00',
			xactSeconds: 95, querySeconds: 95, query: `select 1 /* ${evil('query')} */`, blockedBy: [], lockWait: null,
		};
	}

	function activity() {
		const source: ActivitySource = {snapshot: async () => ({takenAt: new Date(), scope: 'database', database: 'fleet', backends: [hostileBackend()]})};
		const actions: MaintenanceActions = {prepare: async request => plan(request), run: () => new Promise<never>(() => {}), refuse: async () => true};
		const view = render(
			<KeyRegistryProvider registry={{publish: () => {}}}>
				<ActivityScreen data={source} actions={actions} width={80} height={22} isActive navigate={() => {}} intervalMs={60_000}/>
			</KeyRegistryProvider>,
		);
		cleanup.push(view.unmount);
		return view;
	}

	it('user, application and query text', async () => {
		const {lastFrame} = activity();
		const frame = await waitForFrame(lastFrame, f => f.includes('4242'));
		expectSafe(frame);
		expect(frame).toContain('\\x1b');
	});

	it('the cancel plan (who, query, notes) in the dialog', async () => {
		const {lastFrame, stdin} = activity();
		await waitForFrame(lastFrame, f => f.includes('4242'));
		stdin.write('c');
		const frame = await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		expectSafe(frame);
		expect(frame).toContain(shown);
	});
});

describe('browse screens show names visibly', () => {
	it('organizations, fleets, vehicles and the breadcrumbs', async () => {
		const acme = organization({name: evil('Org'), slug: 'acme'});
		const north = fleet({name: evil('Fleet'), organizationId: acme.id});
		const data = fakeConsoleData({orgs: [acme], fleets: [north], vehicles: [vehicle({vin: 'WVWZZZ1KZAW000001', plate: evil('Plate'), fleetId: north.id})]});
		const session = {location: 'db.example:5432/fleet', user: 'support', version: evil('PG'), readOnly: true};
		const view = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} retryBaseMs={5}/>);
		cleanup.push(view.unmount);
		const orgs = await waitForFrame(view.lastFrame, f => f.includes('enter fleets'));
		expectSafe(orgs);
		expect(orgs).toContain('Org\\x1b');
		view.stdin.write('\r');
		const fleets = await waitForFrame(view.lastFrame, f => f.includes('enter vehicles'));
		expectSafe(fleets);
		expect(fleets).toContain('Fleet\\x1b');
		view.stdin.write('\r');
		const vehicles = await waitForFrame(view.lastFrame, f => f.includes('WVWZZZ1KZAW000001'));
		expectSafe(vehicles);
		expect(vehicles).toContain('Plate\\x1b');
	});
});

describe('generic components', () => {
	it('DataTable measures and draws the sanitized cell', () => {
		const rows = [{name: evil('row')}, {name: 'short'}];
		const {lastFrame, unmount} = render(<DataTable columns={[{key: 'name', header: 'name', value: (r: {name: string}) => r.name, maxWidth: 200}]} rows={rows} width={200} height={4}/>);
		cleanup.push(unmount);
		const frame = lastFrame()!;
		expectSafe(frame, 200);
		expect(frame).toContain('row\\x1b]0;pwned\\x07\\x1b[2J\\x1b[1A\\x9b31m\\u202eevil forged: all good');
	});

	it('Header keeps its width with a hostile user, location and badge', () => {
		const {lastFrame, unmount} = render(<Header width={80} title="evfleet" location={evil('host')} user={evil('user')} version="PG 16" badges={[`org ${evil('acme')}`]} status="connected"/>);
		cleanup.push(unmount);
		expectSafe(lastFrame()!);
	});
});
