import React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {render} from 'ink-testing-library';
import LineChart, {chartText, layoutChart, type ChartInput} from '../../source/components/LineChart.js';

const escape = '\u001B[';

function months(count: number): Date[] {
	return Array.from({length: count}, (_, i) => new Date(Date.UTC(2024, i, 1)));
}

function percentiles(count: number) {
	const median = Array.from({length: count}, (_, i) => 99 - i * 0.25);
	return [
		{name: 'median', values: median},
		{name: 'p10', values: median.map(value => value - 2)},
		{name: 'p90', values: median.map(value => value + 1.5)},
	];
}

function input(overrides: Partial<ChartInput> = {}): ChartInput {
	return {series: percentiles(24), dates: months(24), width: 80, height: 10, unit: '%', color: false, ...overrides};
}

/** The widest line. */
function plotWidth(text: string): number {
	return Math.max(...text.split('\n').map(line => line.length));
}

describe('layoutChart', () => {
	it('fills the width it is given and never more', () => {
		for (const width of [40, 80, 160]) {
			const text = chartText(input({width}));
			expect(plotWidth(text)).toBeLessThanOrEqual(width);
			expect(plotWidth(text)).toBeGreaterThanOrEqual(width - 2);
		}
	});

	it('draws as many plot rows as asked, then the x axis, labels and legend', () => {
		const lines = chartText(input({height: 8})).split('\n');
		expect(lines).toHaveLength(8 + 3);
		expect(lines[8]).toMatch(/^ +└[─┬]+$/);
		expect(lines[9]).toMatch(/Jan 24/);
		expect(lines[10]).toMatch(/median/);
	});

	it('labels the y axis with the unit', () => {
		const lines = chartText(input()).split('\n');
		expect(lines[0]).toMatch(/^ *100\.\d %/);
		expect(lines.slice(0, 10).every(line => / % [┤┼]/.test(line))).toBe(true);
	});

	it('puts each month label under its point: the first at the axis, a tick above each', () => {
		const layout = layoutChart(input());
		if (layout.kind !== 'chart') throw new Error('expected a chart');
		const [rule, labels] = layout.lines.slice(-2).map(line => line.map(segment => segment.text).join(''));
		expect(labels!.indexOf('Jan 24')).toBe(layout.plotStart + layout.pointColumn[0]!);
		const april = labels!.indexOf('Apr 24');
		if (april >= 0) {
			expect(april).toBe(layout.plotStart + layout.pointColumn[3]!);
			expect(rule![april]).toBe('┬');
		}
		expect(rule!.indexOf('└')).toBe(layout.plotStart);
	});

	it('uses distinct line characters per series without color, and no escape codes', () => {
		const text = chartText(input({color: false}));
		expect(text).not.toContain(escape);
		expect(text).toContain('─');
		expect(text).toContain('·');
		expect(text).toContain('+');
		expect(text).toMatch(/─── median +··· p10 +\+\+\+ p90/);
	});

	it('colors each series and its legend sample when colors are on', () => {
		const text = chartText(input({color: true}));
		expect(text).toContain(`${escape}32m`); // green median
		expect(text).toContain(`${escape}33m`); // yellow p10 (the palette's second color)
		expect(text).toContain(`${escape}36m`); // cyan p90
		expect(text).not.toContain('···');
	});

	it('says "not enough data" for an empty or one-point series instead of failing', () => {
		expect(chartText(input({series: [{name: 'SoH', values: []}], dates: []}))).toMatch(/not enough data/);
		expect(chartText(input({series: [{name: 'SoH', values: [91]}], dates: months(1)}))).toMatch(/not enough data/);
		expect(chartText(input({series: [{name: 'SoH', values: [null, 91, null]}], dates: months(3)}))).toMatch(/not enough data/);
	});

	it('draws a flat series in the middle instead of collapsing to one row', () => {
		const text = chartText(input({series: [{name: 'SoH', values: Array.from({length: 12}, () => 95)}], dates: months(12), height: 6}));
		expect(text.split('\n')).toHaveLength(9);
		expect(text).toMatch(/95\.\d+ % ┼─+$/m);
	});

	it('bridges missing months and marks a series without data in the legend', () => {
		const values = [95, null, null, 94, 93.5, null, 93];
		const text = chartText(input({series: [{name: 'SoH', values}, {name: 'fleet median', values: values.map(() => null)}], dates: months(7)}));
		expect(text).toMatch(/fleet median \(no data\)/);
		expect(text).not.toMatch(/not enough data/);
	});
});

describe('<LineChart>', () => {
	let unmount: (() => void) | undefined;
	afterEach(() => unmount?.());

	it('renders the same chart as the text form, without colors when told', () => {
		const props = {series: percentiles(24), dates: months(24), unit: '%', height: 8, width: 80, color: false} as const;
		const view = render(<LineChart {...props}/>);
		unmount = view.unmount;
		const frame = view.lastFrame()!;
		expect(frame).not.toContain(escape);
		expect(frame.split('\n').map(line => line.trimEnd())).toEqual(chartText({...props}).split('\n'));
	});

	it('renders "not enough data" for one point', () => {
		const view = render(<LineChart series={[{name: 'SoH', values: [90]}]} dates={months(1)} unit="%" height={8} width={80} color={false}/>);
		unmount = view.unmount;
		expect(view.lastFrame()).toMatch(/not enough data/);
	});
});
