import {EventEmitter} from 'node:events';
import React from 'react';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {render as inkRender} from 'ink';
import BatteryScreen from '../../source/screens/BatteryScreen.js';
import type {BatteryData, BatteryReport, BatteryRequest, EnergyReport, FadeEntry} from '../../source/model/battery-data.js';
import {waitForFrame} from '../helpers/fakes.js';

const escape = '\u001B[';

// A terminal of any width (ink-testing-library's is fixed at 100 columns).
class Output extends EventEmitter {
	frames: string[] = [];
	constructor(readonly columns: number) {
		super();
	}
	write = (frame: string) => {
		this.frames.push(frame);
	};
	lastFrame = () => this.frames.at(-1);
}

class Input extends EventEmitter {
	isTTY = true;
	data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};
}

let cleanup: Array<() => void> = [];

function renderAt(node: React.ReactElement, columns: number) {
	const stdout = new Output(columns);
	const stdin = new Input();
	const instance = inkRender(node, {stdout: stdout as never, stderr: new Output(columns) as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false});
	cleanup.push(() => instance.unmount());
	return {lastFrame: stdout.lastFrame, stdin};
}

function months(count: number, start = Date.UTC(2024, 11, 1)): Date[] {
	return Array.from({length: count}, (_, i) => {
		const date = new Date(start);
		date.setUTCMonth(date.getUTCMonth() + i);
		return date;
	});
}

function fadeEntry(overrides: Partial<FadeEntry> = {}): FadeEntry {
	return {
		rank: 1, vehicleId: 'v1', vin: 'WVWZZZ1KZAW000001', plate: 'HH-EV 101', fleetName: 'North depot', reports: 104,
		fadePctPerYear: 2.4, projection: {kind: 'projected', month: '2031-04'}, projectionText: '2031-04', latestSohPct: 93.2,
		cycleCount: 480, capacityMeasuredKwh: 71.8, nominalCapacityKwh: 77, capacityPct: 93.2, outlier: false,
		...overrides,
	};
}

function batteryReport(overrides: Partial<BatteryReport> = {}): BatteryReport {
	const dates = months(24);
	const median = dates.map((_, i) => 99 - i * 0.2);
	return {
		scope: {kind: 'fleet', label: 'fleet North depot (Acme)'},
		months: 24,
		dates,
		series: [
			{name: 'median', values: median, color: 'green'},
			{name: 'p10', values: median.map(value => value - 2), color: 'red'},
			{name: 'p90', values: median.map(value => value + 1), color: 'cyan'},
		],
		vehiclesPerMonth: dates.map(() => 40),
		fade: [
			fadeEntry({rank: 1, vehicleId: 'v9', vin: 'WVWZZZ1KZAW000009', plate: 'HH-EV 109', fadePctPerYear: 7.4, projectionText: '2027-07', outlier: true}),
			fadeEntry({rank: 2, vehicleId: 'v3', vin: 'WVWZZZ1KZAW000003', plate: 'HH-EV 103', fadePctPerYear: 3.1}),
			fadeEntry({rank: 3, vehicleId: 'v1', fadePctPerYear: -0.4, projection: {kind: 'not-within', years: 10}, projectionText: 'not within 10 years'}),
		],
		ranked: 40,
		medianFadePctPerYear: 2.6,
		refresh: {view: 'battery_health_trends', lastRefreshedAt: new Date(Date.now() - 3 * 3_600_000), durationMs: 120, stale: false, command: 'evfleet maint refresh battery_health_trends'},
		...overrides,
	};
}

function energyReport(overrides: Partial<EnergyReport> = {}): EnergyReport {
	const dates = Array.from({length: 52}, (_, i) => new Date(Date.UTC(2025, 11, 1) + i * 7 * 86_400_000));
	return {
		scope: {kind: 'fleet', label: 'fleet North depot (Acme)'},
		months: 24,
		dates,
		series: [
			{name: 'fleet Wh/km', values: dates.map((_, i) => 170 + 20 * Math.cos(i / 8)), color: 'green'},
			{name: 'median of the organization’s fleets', values: dates.map((_, i) => 175 + 15 * Math.cos(i / 8)), color: 'cyan'},
		],
		peerLabel: 'median of the organization’s fleets',
		regenShare: 0.125,
		regenShareRecent: 0.121,
		whPerKm: 175,
		distanceKm: 4_113_650,
		temperature: [
			{fromC: -10, toC: -5, records: 3040, distanceKm: 436_776, whPerKm: 204, regenShare: 0.109},
			{fromC: 15, toC: 20, records: 4640, distanceKm: 662_430, whPerKm: 155, regenShare: 0.139},
		],
		v2g: [{month: new Date(Date.UTC(2026, 10, 1)), currency: 'EUR', exportedKwh: 1395, importedKwh: 240, revenue: 432.45, cost: 43.2, transactions: 120}],
		refresh: {view: 'energy_efficiency_metrics', lastRefreshedAt: new Date(Date.now() - 3 * 86_400_000), durationMs: 892, stale: true, command: 'evfleet maint refresh energy_efficiency_metrics'},
		...overrides,
	};
}

type FakeBattery = BatteryData & {requests: Array<{area: string; request: BatteryRequest}>};

function fakeBatteryData({battery = batteryReport(), energy = energyReport(), fail}: {battery?: BatteryReport; energy?: EnergyReport; fail?: Error} = {}): FakeBattery {
	const requests: FakeBattery['requests'] = [];
	return {
		requests,
		async battery(request) {
			requests.push({area: 'battery', request});
			if (fail) throw fail;
			return battery;
		},
		async energy(request) {
			requests.push({area: 'energy', request});
			if (fail) throw fail;
			return energy;
		},
	};
}

function screen(data: BatteryData, {width = 80, height = 20, arg}: {width?: number; height?: number; arg?: string} = {}) {
	const navigate = vi.fn();
	const reportError = vi.fn();
	const view = renderAt(<BatteryScreen data={data} width={width} height={height} isActive navigate={navigate} arg={arg} reportError={reportError}/>, width);
	return {...view, navigate, reportError};
}

const hasChart = (frame: string) => frame.includes('State of health') && frame.includes('└');

beforeEach(() => {
	vi.stubEnv('NO_COLOR', '1');
});

afterEach(() => {
	for (const done of cleanup) done();
	cleanup = [];
	vi.unstubAllEnvs();
});

describe('BatteryScreen', () => {
	it('shows the SoH chart, its legend and the fade table within 80 columns and the given height', async () => {
		const {lastFrame} = screen(fakeBatteryData());
		const frame = await waitForFrame(lastFrame, hasChart);
		expect(frame).toContain('fleet North depot (Acme)');
		expect(frame).toMatch(/median/);
		expect(frame).toMatch(/p10/);
		expect(frame).toContain('WVWZZZ1KZAW000009');
		expect(frame).toContain('2027-07');
		expect(frame).toContain('OUTLIER');
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(20);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
	});

	it('shows more of the fade table at 160 columns', async () => {
		const narrow = screen(fakeBatteryData(), {width: 80});
		const wide = screen(fakeBatteryData(), {width: 160, height: 30});
		const narrowFrame = await waitForFrame(narrow.lastFrame, hasChart);
		const wideFrame = await waitForFrame(wide.lastFrame, hasChart);
		expect(narrowFrame).not.toContain('North depot  ');
		expect(wideFrame).toContain('HH-EV 109');
		expect(wideFrame).toContain('71.8/77');
		for (const line of wideFrame.split('\n')) expect(line.length).toBeLessThanOrEqual(160);
		// The chart grows with the width: its x axis is longer.
		const axis = (frame: string) => frame.split('\n').find(line => line.includes('└'))!.trim().length;
		expect(axis(wideFrame)).toBeGreaterThan(axis(narrowFrame) + 60);
	});

	it('has no escape codes under NO_COLOR and keeps the series apart by line characters', async () => {
		const {lastFrame} = screen(fakeBatteryData());
		const frame = await waitForFrame(lastFrame, hasChart);
		expect(frame).not.toContain(escape);
		expect(frame).toMatch(/─── median +··· p10 +\+\+\+ p90/);
		expect(frame).toContain('···');
	});

	it('says when the view was refreshed, and warns with the refresh key when it is older than a day', async () => {
		const stale = batteryReport({refresh: {...batteryReport().refresh, lastRefreshedAt: new Date(Date.now() - 2 * 86_400_000), stale: true}});
		const {lastFrame, stdin, navigate} = screen(fakeBatteryData({battery: stale}));
		const frame = await waitForFrame(lastFrame, hasChart);
		expect(frame).toMatch(/battery_health_trends refreshed 2d ago/);
		expect(frame).toMatch(/older than a day — refresh with R or :maint/);
		stdin.write('R');
		await vi.waitFor(() => expect(navigate).toHaveBeenCalledWith('maint', 'battery_health_trends', 'maintenance'));
	});

	it('does not warn about a fresh view', async () => {
		const {lastFrame} = screen(fakeBatteryData());
		const frame = await waitForFrame(lastFrame, hasChart);
		expect(frame).toMatch(/refreshed 3h ago/);
		expect(frame).not.toMatch(/older than a day/);
	});

	it('opens the selected vehicle’s own chart with enter', async () => {
		const {lastFrame, stdin, navigate} = screen(fakeBatteryData());
		await waitForFrame(lastFrame, hasChart);
		stdin.write('j');
		await waitForFrame(lastFrame, frame => /› .*WVWZZZ1KZAW000003/.test(frame));
		stdin.write('\r');
		await vi.waitFor(() => expect(navigate).toHaveBeenCalledWith('battery', 'vehicle:v3', 'HH-EV 103'));
	});

	it('asks for a longer window with m', async () => {
		const data = fakeBatteryData();
		const {lastFrame, stdin} = screen(data);
		await waitForFrame(lastFrame, hasChart);
		stdin.write('m');
		await vi.waitFor(() => expect(data.requests.at(-1)).toEqual({area: 'battery', request: {target: undefined, months: 36}}));
		await waitForFrame(lastFrame, frame => frame.includes('36 months'));
	});

	it('says "not enough data" when the vehicle has one month of reports', async () => {
		const one = batteryReport({
			scope: {kind: 'vehicle', label: 'vehicle WVWZZZ1KZAW000001'},
			dates: months(1),
			series: [{name: 'SoH', values: [97]}, {name: 'fleet median', values: [96]}],
			vehiclesPerMonth: [1],
			fade: [fadeEntry({fadePctPerYear: null, projection: {kind: 'not-enough-data'}, projectionText: 'not enough data'})],
		});
		const {lastFrame} = screen(fakeBatteryData({battery: one}), {arg: 'WVWZZZ1KZAW000001'});
		const frame = await waitForFrame(lastFrame, value => value.includes('Fade: rank'));
		expect(frame).toMatch(/not enough data to chart/);
	});

	it('shows a failed load as one line and reports it to the shell', async () => {
		const error = new Error('permission denied for view battery_health_trends_scoped\nDETAIL: x');
		const {lastFrame, reportError} = screen(fakeBatteryData({fail: error}));
		const frame = await waitForFrame(lastFrame, value => value.includes('cannot load'));
		expect(frame).toMatch(/cannot load battery health — r retries\npermission denied for view battery_health_trends_scoped\n/);
		expect(frame).not.toContain('DETAIL');
		expect(reportError).toHaveBeenCalledWith(error);
	});

	it('shows a fleet without reports as such', async () => {
		const empty = batteryReport({series: batteryReport().series.map(series => ({...series, values: series.values.map(() => null)})), fade: [], ranked: 0, medianFadePctPerYear: null});
		const {lastFrame} = screen(fakeBatteryData({battery: empty}));
		const frame = await waitForFrame(lastFrame, value => value.includes('no battery reports'));
		expect(frame).toMatch(/not enough data to chart/);
	});
});

describe('BatteryScreen energy tab', () => {
	it('switches to Energy with tab: Wh/km chart, summary, temperature table, and V2G with p at 80 columns', async () => {
		const data = fakeBatteryData();
		const {lastFrame, stdin} = screen(data);
		await waitForFrame(lastFrame, hasChart);
		stdin.write('\t');
		let frame = await waitForFrame(lastFrame, value => value.includes('Consumption by ambient temperature'));
		expect(frame).toMatch(/Wh\/km ┤/);
		expect(frame).toContain('175 Wh/km');
		expect(frame).toContain('regeneration 12.5 %');
		expect(frame).toContain('204');
		expect(frame).toMatch(/older than a day — refresh with R or :maint/);
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		stdin.write('p');
		frame = await waitForFrame(lastFrame, value => value.includes('V2G energy per month'));
		expect(frame).toContain('2026-11');
		expect(frame).toContain('432.45 EUR');
		expect(data.requests.map(call => call.area)).toContain('energy');
	});

	it('scrolls the table under the energy chart with ↓', async () => {
		const temperature = Array.from({length: 14}, (_, i) => ({fromC: -20 + 5 * i, toC: -15 + 5 * i, records: 100, distanceKm: 1000, whPerKm: 150 + i, regenShare: 0.12}));
		const {lastFrame, stdin} = screen(fakeBatteryData({energy: energyReport({temperature})}));
		await waitForFrame(lastFrame, hasChart);
		stdin.write('\t');
		await waitForFrame(lastFrame, value => value.includes('-20…-15 °C'));
		for (let i = 0; i < 13; i++) stdin.write('j');
		const frame = await waitForFrame(lastFrame, value => value.includes('45…50 °C'));
		expect(frame).not.toContain('-20…-15 °C');
	});

	it('puts the temperature and V2G tables side by side at 160 columns', async () => {
		const {lastFrame, stdin} = screen(fakeBatteryData(), {width: 160, height: 34});
		await waitForFrame(lastFrame, hasChart);
		stdin.write('\t');
		const frame = await waitForFrame(lastFrame, value => value.includes('Consumption by ambient temperature'));
		const titleLine = frame.split('\n').find(line => line.includes('Consumption by ambient temperature'))!;
		expect(titleLine).toContain('V2G energy per month');
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(160);
	});
});
