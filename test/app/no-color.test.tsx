// NO_COLOR: no color and no faint in anything the console draws; bold and inverse stay, so the selected row is
// still visible. Rendered with Ink's own chalk set to a color terminal's level (tests run without a TTY).
import React from 'react';
import chalk from 'chalk';
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Shell} from '../../source/app/Shell.js';
import {colorParameters, hasBold, hasInverse} from '../helpers/ansi.js';
import {fakeConsoleData, vehicle, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
const levelBefore = chalk.level;
let unmount: (() => void) | undefined;
beforeEach(() => {
	chalk.level = 3;
	vi.stubEnv('FORCE_COLOR', '1'); // a terminal, as far as the console's own checks go
});
afterEach(() => {
	unmount?.();
	unmount = undefined;
	chalk.level = levelBefore;
	vi.unstubAllEnvs();
});

async function vehiclesFrame(): Promise<string> {
	const data = fakeConsoleData({vehicles: [vehicle({vin: 'WVWZZZ1KZAW000001', connectivity: 'offline'}), vehicle({vin: 'WVWZZZ1KZAW000002'})]});
	const result = render(<Shell data={data} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} initialView="vehicles"/>);
	unmount = result.unmount;
	return waitForFrame(result.lastFrame, f => f.includes('WVWZZZ1KZAW000002') && f.includes('enter'));
}

describe('NO_COLOR in the console', () => {
	it('draws no color and no faint text, but keeps bold and the inverse selected row', async () => {
		vi.stubEnv('NO_COLOR', '1');
		const frame = await vehiclesFrame();
		expect(colorParameters(frame)).toEqual([]);
		expect(hasBold(frame)).toBe(true);
		const selected = frame.split('\n').find(line => line.includes('WVWZZZ1KZAW000001'))!;
		expect(hasInverse(selected)).toBe(true);
		expect(selected).toContain('›');
	});

	it('draws colors and faint hints without it', async () => {
		const frame = await vehiclesFrame();
		expect(colorParameters(frame)).toEqual(expect.arrayContaining([2, 36]));
	});
});
