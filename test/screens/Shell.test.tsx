import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import type {ConsoleData} from '../../source/app/views.js';
import type {MaintenanceData} from '../../source/model/maintenance-data.js';
import {fakeConsoleData, fleet, organization, telematics, vehicle, vehicleDetail, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

function open(data: ConsoleData, props: Partial<React.ComponentProps<typeof Shell>> = {}) {
	const result = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} retryBaseMs={5} {...props}/>);
	cleanup.push(result.unmount);
	return result;
}

function world() {
	const acme = organization({name: 'Acme Mobility', slug: 'acme'});
	const north = fleet({name: 'North depot', organizationId: acme.id});
	const vehicles = Array.from({length: 5}, (_, i) => vehicle({vin: `WVWZZZ1KZAW00000${i + 1}`, plate: `HH-EV ${i + 1}`, fleetId: north.id}));
	const details = vehicles.map(v => vehicleDetail({id: v.id, vin: v.vin, plate: v.plate}));
	return {acme, north, vehicles, data: fakeConsoleData({orgs: [acme, organization({name: 'Beta Logistics', slug: 'beta'})], fleets: [north], vehicles, details, history: telematics(30)})};
}

const lastLine = (frame: string) => frame.split('\n').at(-1) ?? '';

describe('Shell', () => {
	it('navigates organization → fleet → vehicle and back with esc, showing breadcrumbs', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility') && f.includes('enter fleets'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('North depot') && f.includes('enter vehicles'));
		expect(lastFrame()).toContain('Organizations › Acme Mobility');
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && f.includes('enter inspect'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('Telematics') && f.includes('battery 77 kWh'));
		expect(lastFrame()).toContain('Acme Mobility › North depot › HH-EV 1');
		stdin.write('\u001B');
		await waitForFrame(lastFrame, f => f.includes('Vehicles  ·') && !f.includes('Telematics'));
		stdin.write('\u001B');
		await waitForFrame(lastFrame, f => f.includes('Fleets  ·'));
	});

	it('puts a : jump on the history: the trail shows where it came from and esc goes back there', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility') && f.includes('enter fleets'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('Organizations › Acme Mobility'));
		stdin.write(':vehicles\r');
		await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && lastLine(f).includes('esc back'));
		expect(lastFrame()).toContain('Organizations › Acme Mobility › Vehicles');
		stdin.write('\u001B');
		await waitForFrame(lastFrame, f => f.includes('North depot') && !f.includes('› Vehicles'));
	});

	it('shows NO ACTIONS in the header of a --readonly console', async () => {
		const {data} = world();
		const {lastFrame} = open(data, {session: {...session, actionsOff: true}});
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		expect(lastFrame()!.split('\n')[0]).toContain('NO ACTIONS');
	});

	it('handles keys that arrive in one chunk in order (j j enter opens the third row)', async () => {
		const {data, north} = world();
		const {lastFrame, stdin} = open(data, {initialView: 'vehicles', initialArg: `fleet:${north.id}`});
		await waitForFrame(lastFrame, f => f.includes('enter inspect'));
		stdin.write('jj\r');
		await waitForFrame(lastFrame, f => f.includes('Telematics'));
		expect(lastFrame()).toContain('WVWZZZ1KZAW000003');
	});

	it('filters a list on the server with / and clears the filter with esc', async () => {
		const {data, north} = world();
		const {lastFrame, stdin} = open(data, {initialView: 'vehicles', initialArg: `fleet:${north.id}`});
		await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000005') && f.includes('/ filter'));
		stdin.write('/');
		await waitForFrame(lastFrame, f => lastLine(f).includes('enter apply'));
		stdin.write('W000004');
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('filter: "W000004"') && !f.includes('WVWZZZ1KZAW000005'));
		expect(lastFrame()).toContain('WVWZZZ1KZAW000004');
		expect(data.calls.some(c => c.area === 'vehicles' && (c.request as {search?: string}).search === 'W000004')).toBe(true);
		await waitForFrame(lastFrame, f => lastLine(f).includes('esc clear filter'));
		stdin.write('\u001B');
		await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000005') && !f.includes('filter:'));
		// esc cleared the filter, it did not leave the view
		expect(lastFrame()).toContain('Vehicles  ·');
	});

	it('completes view names on the command line with tab and opens the view', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write(':');
		await waitForFrame(lastFrame, f => f.includes('orgs  fleets  vehicles'));
		stdin.write('veh');
		await waitForFrame(lastFrame, f => lastLine(f).startsWith(':veh'));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => lastLine(f).startsWith(':vehicle'));
		stdin.write('s');
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('Vehicles  ·') && f.includes('WVWZZZ1KZAW000001'));
	});

	it('opens the inspector with :vehicle <plate> and says when nothing matches', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write(':vehicle HH-EV 2\r');
		await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000002') && f.includes('Telematics'));
		stdin.write(':vehicle WVWZZZ1KZAW999999\r');
		await waitForFrame(lastFrame, f => f.includes('no vehicle matches "WVWZZZ1KZAW999999"') && f.includes('did you mean: WVWZZZ1KZAW000001'));
	});

	it('shows unknown commands as a one-line message and keeps running', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write(':frobnicate\r');
		await waitForFrame(lastFrame, f => f.includes('unknown command ":frobnicate"'));
		expect(lastFrame()).toContain('Acme Mobility');
	});

	it('opens views of later issues as a "not available yet" placeholder', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data);
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write(':maint\r');
		await waitForFrame(lastFrame, f => f.includes('Maintenance') || f.includes('maint'));
		expect(lastFrame()).not.toContain('unknown');
	});

	it('lists every key and command in the ? help overlay and closes it with esc', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data, {height: 80});
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, f => f.includes('Commands'));
		for (const text of [':orgs', ':fleets', ':vehicles', ':vehicle <VIN|plate|id>', ':users', ':live', ':routes', ':charging', ':battery', ':maint', ':org <slug>', ':help', ':q', 'PgUp/PgDn', 'Keys on Organizations', "the organization's users"]) {
			expect(frame).toContain(text);
		}
		stdin.write('\u001B');
		await waitForFrame(lastFrame, f => !f.includes('Commands') && f.includes('Acme Mobility'));
	});

	it('lists no write keys in ? help when actions are off (--readonly)', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data, {width: 140, height: 80, initialView: 'maint', session: {...session, actionsOff: true}});
		await waitForFrame(lastFrame, f => f.includes('Maintenance'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, f => f.includes('Keys on Maintenance'));
		expect(frame).toContain('next section');
		expect(frame).toContain('reload');
		for (const text of ['create partitions', 'detach', 'VACUUM', 'ANALYZE', 'REINDEX', 'pg_cancel_backend', 'pg_terminate_backend', 'cancel it on the server']) expect(frame).not.toContain(text);
	});

	it('lists the write keys in ? help when actions are on', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data, {width: 140, height: 80, initialView: 'maint'});
		await waitForFrame(lastFrame, f => f.includes('Maintenance'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, f => f.includes('Keys on Maintenance'));
		for (const text of ['create partitions', 'VACUUM', 'pg_terminate_backend']) expect(frame).toContain(text);
	});

	it('fits header and footer in 80 columns: the whole server version, and the view\'s keys before ↑↓ move', async () => {
		const {data, north} = world();
		const {lastFrame} = open(data, {initialView: 'vehicles', initialArg: `fleet:${north.id}`, session: {location: '127.0.0.1:33699/evfleet', user: 'postgres', version: 'PG 15.14', readOnly: true}});
		const frame = await waitForFrame(lastFrame, f => f.includes('WVWZZZ1KZAW000001') && lastLine(f).includes('enter inspect'));
		const lines = frame.split('\n');
		expect(lines[0]).toContain('postgres@127.0.0.1:33699/evfleet  PG 15.14');
		for (const hint of ['enter inspect', '/ filter', 's sort:', 'f status', 'c conn', ': command', '? help', 'q quit']) expect(lastLine(frame)).toContain(hint);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
	});

	it('shows exactly the keys that work: enter only when there is a row, esc only when there is somewhere to go back', async () => {
		const empty = fakeConsoleData({orgs: []});
		const {lastFrame} = open(empty);
		const frame = await waitForFrame(lastFrame, f => f.includes('no organizations visible') && lastLine(f).includes('/ filter'));
		expect(lastLine(frame)).not.toContain('enter');
		expect(lastLine(frame)).not.toContain('esc');
		expect(lastLine(frame)).toContain('q quit');
	});

	it('footer key u works on organizations (opens its users)', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data, {width: 120});
		await waitForFrame(lastFrame, f => lastLine(f).includes('u users'));
		stdin.write('u');
		await waitForFrame(lastFrame, f => f.includes('Users  ·'));
	});

	it('shows a query error as one line in the view and retries with r', async () => {
		let fail = true;
		const data = fakeConsoleData({orgs: [organization({name: 'Acme Mobility'})]});
		const list = data.orgs.list.bind(data.orgs);
		data.orgs.list = async request => {
			if (fail) throw new Error('canceling statement due to statement timeout\nDETAIL: x');
			return list(request);
		};
		const {lastFrame, stdin} = open(data);
		const frame = await waitForFrame(lastFrame, f => f.includes('query failed: canceling statement due to statement timeout'));
		expect(frame).not.toContain('DETAIL');
		expect(frame).toContain('support@db.example:5432/fleet'); // the shell's header is still there
		fail = false;
		stdin.write('r');
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility') && !f.includes('query failed'));
	});

	it('shows a banner when the connection is lost, retries with backoff and reloads the view when it is back', async () => {
		let down = true;
		let pings = 0;
		const data = fakeConsoleData({
			orgs: [organization({name: 'Acme Mobility'})],
			ping: async () => {
				pings++;
				if (pings < 3) throw Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'});
				down = false;
			},
		});
		const list = data.orgs.list.bind(data.orgs);
		data.orgs.list = async request => {
			if (down) throw Object.assign(new Error('write CONNECTION_CLOSED'), {code: 'CONNECTION_CLOSED'});
			return list(request);
		};
		const {lastFrame} = open(data);
		await waitForFrame(lastFrame, f => f.includes('connection lost') && f.includes('reconnecting'));
		await waitForFrame(lastFrame, f => f.includes('reconnected') && f.includes('Acme Mobility') && f.includes('● connected'));
		expect(pings).toBe(3);
	});
});

describe('Shell: quitting, organizations, resizing, sorting', () => {
	const emptyHealth = {checkedAt: new Date(), currentMonth: '2026-11', partitions: [], matviews: [], tables: [], indexes: [], activity: [], issues: []};

	/** Maintenance whose actions run until the test resolves them. */
	function withRunningMaintenance(data: ConsoleData) {
		const runs: Array<{signal: AbortSignal}> = [];
		const maintenance: MaintenanceData = {
			health: async () => emptyHealth,
			log: async () => [],
			prepare: async () => ({
				action: 'refresh', title: 'evfleet maint refresh battery_health_trends', target: 'battery_health_trends',
				steps: [{sql: 'SELECT refresh_battery_health_trends()', object: 'battery_health_trends', progress: 'none'}],
				atomic: false, affects: [], notes: [], destructive: false, confirmText: null, privileges: [], lockKeys: [], nothingToDo: null, followUp: null,
			}),
			run: (_plan, {signal}) => new Promise(() => runs.push({signal})),
			refuse: async () => true,
		};
		return {data: {...data, maintenance}, runs};
	}

	it('asks before quitting while an action runs: n keeps it running, y quits', async () => {
		const {data: base} = world();
		const {data, runs} = withRunningMaintenance(base);
		const onQuit = vi.fn();
		const {lastFrame, stdin} = open(data, {initialView: 'maint', initialArg: 'battery_health_trends', onQuit});
		await waitForFrame(lastFrame, f => f.includes('Run? [y/N]'));
		stdin.write('q'); // the dialog has the keyboard: q is not "quit" there
		stdin.write('y');
		await waitForFrame(lastFrame, f => f.includes('esc or Ctrl-C cancels') && lastLine(f).includes('q quit'));
		expect(runs).toHaveLength(1);
		stdin.write('q');
		await waitForFrame(lastFrame, f => f.includes('an action is still running — quit anyway? y/n'));
		stdin.write('n');
		await waitForFrame(lastFrame, f => !f.includes('quit anyway') && f.includes('esc or Ctrl-C cancels'));
		expect(onQuit).not.toHaveBeenCalled();
		expect(runs[0]!.signal.aborted).toBe(false);
		stdin.write('q');
		await waitForFrame(lastFrame, f => f.includes('quit anyway? y/n'));
		stdin.write('y');
		await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
	});

	it('does not reload the view under a running action when the connection comes back (that would cancel it)', async () => {
		// The connection drops once, while the action runs.
		let dropped = false;
		const {data: base} = world();
		const {data, runs} = withRunningMaintenance({...base, connection: {...base.connection, ping: async () => {
			if (runs.length === 0 || dropped) return;
			dropped = true;
			throw Object.assign(new Error('write CONNECTION_CLOSED'), {code: 'CONNECTION_CLOSED'});
		}}});
		const {lastFrame, stdin} = open(data, {initialView: 'maint', initialArg: 'battery_health_trends', healthIntervalMs: 20});
		await waitForFrame(lastFrame, f => f.includes('Run? [y/N]'));
		stdin.write('y');
		await waitForFrame(lastFrame, f => f.includes('reconnected — the action carries on'), 5000);
		expect(lastFrame()).toContain('esc or Ctrl-C cancels');
		expect(runs).toHaveLength(1);
		expect(runs[0]!.signal.aborted).toBe(false);
	});

	it('quits at once on q when nothing runs', async () => {
		const {data} = world();
		const onQuit = vi.fn();
		const {lastFrame, stdin} = open(data, {onQuit});
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write('q');
		await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
		expect(lastFrame()).not.toContain('quit anyway');
	});

	it(':org scopes the console to an organization, back to the first view, and :org alone shows all again', async () => {
		const {data, acme} = world();
		const onOrgChange = vi.fn(async (slug: string | undefined) => {
			if (slug === 'nope') throw new Error('no organization "nope"');
		});
		function Scoped() {
			const [org, setOrg] = React.useState<string | undefined>(undefined);
			return <Shell data={data} session={session} org={org} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} orgSlugs={['acme', 'beta']} onOrgChange={async slug => {
				await onOrgChange(slug);
				setOrg(slug);
			}}/>;
		}
		const result = render(<Scoped/>);
		cleanup.push(result.unmount);
		const {lastFrame, stdin} = result;
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility') && f.includes('[all orgs]'));
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('Organizations › Acme Mobility'));
		const orgListsBefore = data.calls.filter(c => c.area === 'orgs').length;
		stdin.write(':org acme\r');
		await waitForFrame(lastFrame, f => f.includes('scoped to organization acme') && f.split('\n')[0]!.includes('[org acme]'));
		expect(onOrgChange).toHaveBeenLastCalledWith('acme');
		// A new trail from the first view, reloaded on the new connection.
		expect(lastFrame()).not.toContain('Organizations › Acme Mobility');
		await vi.waitFor(() => expect(data.calls.filter(c => c.area === 'orgs').length).toBeGreaterThan(orgListsBefore));
		stdin.write(':org nope\r');
		await waitForFrame(lastFrame, f => f.includes('no organization "nope"'));
		expect(lastFrame()!.split('\n')[0]).toContain('[org acme]');
		stdin.write(':org\r');
		await waitForFrame(lastFrame, f => f.includes('scope: all organizations') && f.split('\n')[0]!.includes('[all orgs]'));
		expect(onOrgChange).toHaveBeenLastCalledWith(undefined);
		expect(acme.slug).toBe('acme');
	});

	it('completes :org with the organization slugs', async () => {
		const {data} = world();
		const {lastFrame, stdin} = open(data, {onOrgChange: async () => {}, orgSlugs: ['acme', 'beta']});
		await waitForFrame(lastFrame, f => f.includes('Acme Mobility'));
		stdin.write(':org be');
		await waitForFrame(lastFrame, f => lastLine(f).startsWith(':org be'));
		stdin.write('\t');
		await waitForFrame(lastFrame, f => lastLine(f).startsWith(':org beta'));
	});

	it('draws again at the new width when the terminal is resized', async () => {
		const {data, north} = world();
		const result = render(<Shell data={data} session={session} onQuit={() => {}} healthIntervalMs={0} initialView="vehicles" initialArg={`fleet:${north.id}`}/>);
		cleanup.push(result.unmount);
		const {lastFrame, stdout} = result;
		const widest = (frame: string) => Math.max(...frame.split('\n').map(line => line.length));
		const resize = (columns: number, rows: number) => {
			Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
			Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
			stdout.emit('resize');
		};
		resize(120, 30);
		await waitForFrame(lastFrame, f => widest(f) === 120 && f.includes('LOCATION') && f.includes('evfleet  support@'));
		resize(60, 20);
		const narrow = await waitForFrame(lastFrame, f => widest(f) <= 60 && f.includes('WVWZZZ1KZAW000001'));
		expect(narrow).not.toContain('LOCATION');
		expect(narrow.split('\n')).toHaveLength(19);
		expect(lastLine(narrow)).toContain('q quit');
	});

	it('cycles the sort column with s, asking the server for the new order, and wraps around', async () => {
		const {data, north} = world();
		const {lastFrame, stdin} = open(data, {initialView: 'vehicles', initialArg: `fleet:${north.id}`});
		await waitForFrame(lastFrame, f => lastLine(f).includes('s sort:VIN'));
		const lastSort = () => (data.calls.filter(c => c.area === 'vehicles').at(-1)?.request as {sort?: string}).sort;
		expect(lastSort()).toBe('vin');
		const seen: string[] = [];
		for (const label of ['plate', 'silent longest', 'lowest SoC', 'status', 'fleet']) {
			stdin.write('s');
			await waitForFrame(lastFrame, f => f.includes(`sort: ${label}`));
			await vi.waitFor(() => expect(lastSort()).not.toBe(seen.at(-1) ?? 'vin'));
			seen.push(lastSort()!);
		}
		expect(seen).toEqual(['plate', 'lastSeen', 'soc', 'status', 'fleet']);
		stdin.write('s');
		await waitForFrame(lastFrame, f => f.includes('sort: VIN'));
		await vi.waitFor(() => expect(lastSort()).toBe('vin'));
	});
});
