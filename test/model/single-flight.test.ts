import {describe, expect, it} from 'vitest';
import {singleFlight} from '../../source/model/single-flight.js';

function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return {promise, resolve, reject};
}

describe('singleFlight', () => {
	it('joins the running load instead of starting another, and starts a new one after it ends', async () => {
		const pending = [deferred<number>(), deferred<number>()];
		let calls = 0;
		const guard = singleFlight(() => pending[calls++]!.promise);
		const first = guard.run();
		const second = guard.run();
		await Promise.resolve();
		expect(guard.running).toBe(true);
		expect(calls).toBe(1);
		pending[0]!.resolve(1);
		expect(await Promise.all([first, second])).toEqual([1, 1]);
		expect(guard.running).toBe(false);
		const third = guard.run();
		pending[1]!.resolve(2);
		expect(await third).toBe(2);
		expect(guard.started).toBe(2);
	});

	it('a failed load frees the guard for the next attempt', async () => {
		let calls = 0;
		const guard = singleFlight(async () => {
			calls++;
			if (calls === 1) throw new Error('boom');
			return 'ok';
		});
		await expect(guard.run()).rejects.toThrow('boom');
		expect(await guard.run()).toBe('ok');
	});
});
