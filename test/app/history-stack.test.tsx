// The views kept in the history under the one on screen (for esc) cost nothing while hidden: they do not render
// again when the shell or the view on top changes, and a hidden live view issues no queries. Shown again, each is
// as it was left and drawn with the terminal's size of now.
import React, {useState} from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it} from 'vitest';
import {Text} from '../../source/components/Styled.js';
import {Shell, type ShellProps} from '../../source/app/Shell.js';
import {useKeyBindings} from '../../source/app/keys.js';
import type {Clock} from '../../source/app/refresh.js';
import type {ViewContext, ViewDefinition} from '../../source/app/views.js';
import LiveVehiclesScreen from '../../source/screens/LiveVehiclesScreen.js';
import {fakeConsoleData, waitForFrame} from '../helpers/fakes.js';
import {liveSnapshot, liveVehicle} from '../helpers/live-fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', readOnly: true};
const escape = '\u001B';
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

/** Renders of each probe view, by its argument. */
let renders = new Map<string, number>();
afterEach(() => {
	renders = new Map();
});

/** A view that counts its renders, and x presses (its own state, to see it kept). */
function Probe({ctx}: {readonly ctx: ViewContext}) {
	const name = ctx.arg ?? '';
	renders.set(name, (renders.get(name) ?? 0) + 1);
	const [presses, setPresses] = useState(0);
	useKeyBindings([{key: 'x', label: 'press', handler: () => setPresses(n => n + 1)}], {isActive: ctx.isActive});
	return <Text>probe {name} pressed {presses} at {ctx.width}x{ctx.height}</Text>;
}

function probeView(extra: Partial<ViewDefinition> = {}): ViewDefinition {
	return {name: 'probe', aliases: [], title: 'Probe', description: 'counts its renders', argument: {name: '<n>'}, render: ctx => <Probe ctx={ctx}/>, ...extra};
}

function open(registry: ViewDefinition[], props: Partial<ShellProps> = {}) {
	const shellProps = {data: fakeConsoleData(), session, onQuit() {}, width: 80, height: 24, healthIntervalMs: 0, registry, initialView: 'probe', initialArg: '1', ...props};
	const view = render(<Shell {...shellProps}/>);
	cleanup.push(view.unmount);
	return {...view, rerender: (next: Partial<ShellProps>) => view.rerender(<Shell {...shellProps} {...next}/>)};
}

const probeLine = (frame: string) => frame.split('\n').find(line => line.startsWith('probe')) ?? '';

it('does not render the views kept under the one on screen again: jumps, the command line, help, messages, keys on top', async () => {
	const {lastFrame, stdin} = open([probeView()]);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 1 '));
	for (let n = 2; n <= 17; n++) {
		stdin.write(`:probe ${n}\r`);
		await waitForFrame(lastFrame, f => probeLine(f).startsWith(`probe ${n} `));
	}
	stdin.write('xx');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 17 pressed 2'));
	const hidden = Array.from({length: 16}, (_, i) => String(i + 1));
	const before = hidden.map(name => renders.get(name));

	stdin.write(':probe 18\r');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 18 '));
	stdin.write('x');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 18 pressed 1'));
	stdin.write('?');
	await waitForFrame(lastFrame, f => f.includes('Keys everywhere'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 18 '));
	stdin.write(':nosuchview\r');
	await waitForFrame(lastFrame, f => f.includes('unknown command ":nosuchview"'));

	expect(hidden.map(name => renders.get(name))).toEqual(before);
	// The one just left is kept too, and comes back as it was.
	const seventeen = renders.get('17');
	stdin.write(':probe 19\r');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 19 '));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 18 pressed 1'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 17 pressed 2'));
	expect(renders.get('17')).toBeGreaterThan(seventeen!);
	expect(hidden.map(name => renders.get(name))).toEqual(before);
});

it('draws a view shown again with the terminal size of now, not of when it was hidden', async () => {
	const {lastFrame, stdin, rerender} = open([probeView()]);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 1 ') && probeLine(f).includes('at 80x'));
	stdin.write(':probe 2\r');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 2 '));
	rerender({width: 60});
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 2 ') && probeLine(f).includes('at 60x'));
	stdin.write(escape);
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 1 ') && probeLine(f).includes('at 60x'));
});

/** A clock whose timers run only when the test says so. */
function manualClock(): Clock & {fire(): void} {
	let timers = new Map<number, () => void>();
	let next = 0;
	return {
		now: () => Date.now(),
		setTimeout(callback) {
			timers.set(++next, callback);
			return next;
		},
		clearTimeout(handle) {
			timers.delete(handle as number);
		},
		fire() {
			const due = timers;
			timers = new Map();
			for (const callback of due.values()) callback();
		},
	};
}

it('a live view kept under another issues no queries, and refreshes when it is shown again', async () => {
	const clock = manualClock();
	let queries = 0;
	const live = {
		async snapshot() {
			queries++;
			return liveSnapshot([liveVehicle({vin: 'LGXCE4CB0P0000001', plate: 'CAI 101'})]);
		},
	};
	const liveView: ViewDefinition = {name: 'live', aliases: [], title: 'Live vehicles', description: 'live', render: ctx => <LiveVehiclesScreen {...ctx} data={live} clock={clock}/>};
	const {lastFrame, stdin} = open([liveView, probeView()], {initialView: 'live', initialArg: undefined});
	await waitForFrame(lastFrame, f => f.includes('CAI 101') && f.includes('space pause'));
	expect(queries).toBe(1);
	clock.fire();
	await expect.poll(() => queries).toBe(2);
	await waitForFrame(lastFrame, f => !f.includes('refreshing'));

	stdin.write(':probe 1\r');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 1 '));
	clock.fire();
	clock.fire();
	stdin.write('x');
	await waitForFrame(lastFrame, f => probeLine(f).startsWith('probe 1 pressed 1'));
	expect(queries).toBe(2);

	stdin.write(escape);
	await waitForFrame(lastFrame, f => f.includes('CAI 101'));
	await expect.poll(() => queries).toBe(3);
});
