import {describe, expect, it} from 'vitest';
import {Refresher, type Clock} from '../../source/app/refresh.js';
import {describeLoaded, loadedFromRefresh} from '../../source/app/use-load.js';

const idleClock: Clock = {now: () => 1000, setTimeout: () => 0, clearTimeout: () => undefined};

describe('the one loading shape', () => {
	it('a live view is loading until its first answer, never empty while it waits', () => {
		const refresher = new Refresher<string[]>({load: async () => [], clock: idleClock});
		expect(loadedFromRefresh(refresher.state)).toEqual({status: 'loading'});
	});

	it('a live view with an answer is ready with the answer and its time, even when the answer is empty', async () => {
		const refresher = new Refresher<string[]>({load: async () => [], clock: idleClock});
		refresher.start();
		await new Promise<void>(resolve => refresher.subscribe(() => refresher.state.inFlight || resolve()));
		expect(loadedFromRefresh(refresher.state)).toEqual({status: 'ready', data: [], updatedAt: 1000});
		refresher.stop();
	});

	it('a failed refresh keeps the last data beside the first line of the error', () => {
		const error = new Error('canceling statement due to statement timeout\nCONTEXT: x');
		const state = {...new Refresher<number>({load: async () => 1, clock: idleClock}).state, data: 7, updatedAt: 5, error};
		expect(loadedFromRefresh(state)).toEqual({status: 'error', data: 7, updatedAt: 5, error: 'canceling statement due to statement timeout'});
	});

	it('describes each state in one line', () => {
		expect(describeLoaded({status: 'loading'}, () => 'x')).toBe('…');
		expect(describeLoaded({status: 'error', error: 'boom'}, () => 'x')).toBe('query failed: boom');
		expect(describeLoaded({status: 'ready', data: 3}, n => `${n} rows`)).toBe('3 rows');
	});
});
