import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {DataTable, layoutColumns, type Column} from '../../source/components/DataTable.js';
import {completeCommand} from '../../source/components/CommandLine.js';

type Row = {id: string; name: string; city: string; note: string; count: number};
const rows: Row[] = Array.from({length: 50}, (_, i) => ({id: String(i), name: `Row number ${i}`, city: 'Alexandria, Egypt', note: 'a fairly long note that takes room', count: i * 1000}));
const columns: Column<Row>[] = [
	{key: 'name', header: 'Name', value: r => r.name, priority: 0},
	{key: 'count', header: 'Count', value: r => String(r.count), align: 'right', priority: 1},
	{key: 'city', header: 'City', value: r => r.city, priority: 2},
	{key: 'note', header: 'Note', value: r => r.note, priority: 3},
];

describe('DataTable', () => {
	it('drops the least important columns to fit 40 columns instead of wrapping', () => {
		const {lastFrame, unmount} = render(<DataTable columns={columns} rows={rows} width={40} height={6} selected={0}/>);
		const lines = (lastFrame() ?? '').split('\n');
		expect(lines[0]).toContain('NAME');
		expect(lines[0]).toContain('COUNT');
		expect(lines[0]).not.toContain('NOTE');
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
		unmount();
	});

	it('keeps every column when there is room', () => {
		expect(layoutColumns(columns, rows, 120).map(l => l.column.key)).toEqual(['name', 'count', 'city', 'note']);
	});

	it('renders only the visible window of rows', () => {
		const {lastFrame, unmount} = render(<DataTable columns={columns} rows={rows} width={80} height={4} selected={21} offset={20}/>);
		const frame = lastFrame() ?? '';
		expect(frame.split('\n')).toHaveLength(4);
		expect(frame).toContain('Row number 20');
		expect(frame).toContain('› Row number 21');
		expect(frame).not.toContain('Row number 19');
		expect(frame).not.toContain('Row number 23');
		unmount();
	});
});

describe('completeCommand', () => {
	const words = [{word: 'orgs'}, {word: 'org', hint: '<slug>'}, {word: 'vehicles'}, {word: 'vehicle', hint: '<VIN>'}];
	it('completes to the common prefix of matching view names', () => {
		expect(completeCommand('veh', words).completed).toBe('vehicle');
		expect(completeCommand('veh', words).matches).toEqual(['vehicles', 'vehicle']);
	});
	it('completes arguments from the given words', () => {
		expect(completeCommand('org ac', words, ['acme', 'beta']).completed).toBe('org acme');
	});
});
