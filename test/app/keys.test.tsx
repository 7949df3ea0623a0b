import React from 'react';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {KeyRegistryProvider, useKeyBindings, type KeyBinding, type ScreenKeysState} from '../../source/app/keys.js';
import {waitForFrame} from '../helpers/fakes.js';

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

function Screen({bindings}: {readonly bindings: KeyBinding[]}) {
	useKeyBindings(bindings);
	return <Text>ready</Text>;
}

function open(actionsOff: boolean) {
	const vacuum = vi.fn();
	const reload = vi.fn();
	const published: ScreenKeysState[] = [];
	const registry = {publish: (_id: string, state: ScreenKeysState | undefined) => state && published.push(state)};
	const result = render(
		<KeyRegistryProvider registry={registry} actionsOff={actionsOff}>
			<Screen bindings={[{key: 'v', label: 'vacuum', handler: vacuum, writes: true}, {key: 'r', label: 'reload', handler: reload}]}/>
		</KeyRegistryProvider>,
	);
	cleanup.push(result.unmount);
	return {...result, vacuum, reload, footer: () => published.at(-1)?.bindings.map(b => b.key) ?? []};
}

describe('write keys with actions off (--readonly)', () => {
	it('neither handles nor publishes a key marked writes', async () => {
		const {lastFrame, stdin, vacuum, reload, footer} = open(true);
		await waitForFrame(lastFrame, f => f.includes('ready'));
		await vi.waitFor(() => expect(footer()).toEqual(['r']));
		stdin.write('v');
		stdin.write('r');
		await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
		expect(vacuum).not.toHaveBeenCalled();
	});

	it('handles and publishes it when actions are on', async () => {
		const {lastFrame, stdin, vacuum, footer} = open(false);
		await waitForFrame(lastFrame, f => f.includes('ready'));
		await vi.waitFor(() => expect(footer()).toEqual(['v', 'r']));
		stdin.write('v');
		await vi.waitFor(() => expect(vacuum).toHaveBeenCalledTimes(1));
	});
});
