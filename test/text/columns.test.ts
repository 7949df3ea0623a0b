// The one column fitter (text/columns.ts): shrink, then drop in the stated order, essentials kept, rest to `grow`.
import {describe, expect, it} from 'vitest';
import {boxedFrame, consoleFrame, fitColumns, type FitColumn} from '../../source/text/columns.js';

type Col = FitColumn & {name: string; natural: number};
const col = (name: string, natural: number, spec: FitColumn = {}): Col => ({name, natural, ...spec});
const fit = (columns: Col[], width: number, frame = consoleFrame) => fitColumns(columns, c => c.natural, frame(width));
const names = (fitted: Array<{column: Col}>) => fitted.map(f => f.column.name);
const used = (fitted: Array<{width: number}>, frame: {perColumn: number; fixed: number}) => fitted.reduce((sum, f) => sum + f.width + frame.perColumn, frame.fixed);

describe('fitColumns', () => {
	const columns = [col('vin', 17, {width: 17}), col('plate', 10, {priority: 1}), col('model', 20, {priority: 4, minWidth: 8}), col('status', 11), col('soc', 4), col('fleet', 24, {priority: 6, minWidth: 10}), col('org', 20, {priority: 7})];

	it('keeps every column at its natural width when there is room', () => {
		const fitted = fit(columns, 200);
		expect(names(fitted)).toEqual(['vin', 'plate', 'model', 'status', 'soc', 'fleet', 'org']);
		expect(fitted.map(f => f.width)).toEqual([17, 10, 20, 11, 4, 24, 20]);
	});

	it('shrinks columns that have a minWidth, least important first, before dropping any', () => {
		// natural total 106 + 7 + 1 = 114; 100 cells: fleet (priority 6) gives up 14 of its 24.
		const fitted = fit(columns, 100);
		expect(names(fitted)).toHaveLength(7);
		expect(fitted.find(f => f.column.name === 'fleet')!.width).toBe(10);
		expect(fitted.find(f => f.column.name === 'model')!.width).toBe(20);
		expect(used(fitted, consoleFrame(100))).toBe(100);
	});

	it('drops the highest priority number first when shrinking is not enough, and never the essential columns', () => {
		const fitted = fit(columns, 80);
		expect(names(fitted)).toEqual(['vin', 'plate', 'model', 'status', 'soc', 'fleet']);
		expect(used(fitted, consoleFrame(80))).toBeLessThanOrEqual(80);
		const narrow = fit(columns, 40);
		expect(names(narrow)).toEqual(['vin', 'status', 'soc']);
	});

	it('keeps the essential columns at their widths when even they do not fit (the line is cut, not the columns)', () => {
		expect(fit(columns, 20).map(f => [f.column.name, f.width])).toEqual([['vin', 17], ['status', 11], ['soc', 4]]);
	});

	it('drops the rightmost of equal priorities first', () => {
		const equal = [col('a', 30), col('b', 30, {priority: 2}), col('c', 30, {priority: 2})];
		expect(names(fit(equal, 70))).toEqual(['a', 'b']);
	});

	it('clamps natural widths to minWidth and maxWidth, and a fixed width wins', () => {
		const fitted = fit([col('short', 2, {minWidth: 6}), col('long', 90, {maxWidth: 30}), col('fixed', 50, {width: 5})], 200);
		expect(fitted.map(f => f.width)).toEqual([6, 30, 5]);
	});

	it('gives the room left to the grow column', () => {
		const fitted = fit([col('pid', 5), col('query', 20, {grow: true, minWidth: 20}), col('user', 8, {priority: 3})], 80);
		expect(fitted.map(f => f.width)).toEqual([5, 80 - 1 - 3 - 5 - 8, 8]);
	});

	it('counts cli-table3 borders: three cells per column and one closing border', () => {
		const fitted = fit([col('a', 10), col('b', 10, {priority: 1})], 24, boxedFrame);
		expect(names(fitted)).toEqual(['a']);
		expect(names(fit([col('a', 10), col('b', 10, {priority: 1})], 27, boxedFrame))).toEqual(['a', 'b']);
	});
});

describe('fitColumns with essential columns that may shrink', () => {
	it('drops the droppable columns before cutting an essential one, then cuts the essentials rightmost first', () => {
		const columns = [col('name', 20, {minWidth: 10}), col('email', 30, {minWidth: 12}), col('org', 18, {priority: 5})];
		// 68 + 3 + 1 = 72 > 60: the organization goes, name and email stay whole.
		expect(fit(columns, 60).map(f => [f.column.name, f.width])).toEqual([['name', 20], ['email', 30]]);
		// 45 cells: email gives up 8 first, name none.
		expect(fit(columns, 45).map(f => [f.column.name, f.width])).toEqual([['name', 20], ['email', 22]]);
	});
});
