import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, expect, it, vi} from 'vitest';
import {Spinner} from '../../source/components/Spinner.js';
import {OnScreenContext} from '../../source/components/visibility.js';

afterEach(() => {
	vi.restoreAllMocks();
});

it('does not tick while its view is kept hidden, and ticks once the view is shown', async () => {
	const setInterval = vi.spyOn(globalThis, 'setInterval');
	const ticking = () => setInterval.mock.calls.filter(([, ms]) => ms === 120).length;
	const spinner = (onScreen: boolean) => (
		<OnScreenContext.Provider value={onScreen}>
			<Spinner label="loading rows"/>
		</OnScreenContext.Provider>
	);
	const {lastFrame, rerender, unmount} = render(spinner(false));
	expect(lastFrame()).toContain('loading rows');
	await new Promise(resolve => setImmediate(resolve)); // effects of the first render
	expect(ticking()).toBe(0);
	rerender(spinner(true));
	await expect.poll(ticking).toBe(1);
	unmount();
});
