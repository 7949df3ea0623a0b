// The keyboard queue without Ink: keys go one at a time to the readers active then; a reader that is loading holds
// the keys typed ahead for it, up to typeAheadLimitMs, after which keys flow until it is done.
import type {Key} from 'ink';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {KeyDispatcher, splitKeypresses, typeAheadLimitMs} from '../../source/components/keyboard.js';

const plain = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false} satisfies Key;

/** A dispatcher whose "React is idle" turns are run by the test. */
function dispatcher() {
	const turns: Array<() => void> = [];
	const keys = new KeyDispatcher(work => {
		turns.push(work);
		return () => turns.splice(turns.indexOf(work), 1);
	});
	const idle = () => {
		while (turns.length > 0) turns.shift()!();
	};
	return {keys, idle};
}

function reader(options: {active?: boolean; waiting?: boolean} = {}) {
	const got: string[] = [];
	return {got, entry: {handler: (input: string, key: Key) => got.push(key.return ? '⏎' : input), active: options.active ?? true, waiting: options.waiting ?? false}};
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('KeyDispatcher', () => {
	it('cuts a chunk into keypresses: enter, tab, backspace and ctrl letters as Ink names them alone', () => {
		expect(splitKeypresses('a\r\t\u007F\u0015', plain).map(([input, key]) => [input, key.return, key.tab, key.backspace, key.ctrl])).toEqual([
			['a', false, false, false, false],
			['', true, false, false, false],
			['', false, true, false, false],
			['', false, false, true, false],
			['u', false, false, false, true],
		]);
	});

	it('hands out one key per idle turn, to the readers active at that turn', () => {
		const {keys, idle} = dispatcher();
		const first = reader();
		const second = reader({active: false});
		keys.register(first.entry);
		keys.register(second.entry);
		keys.push('ab', plain);
		idle();
		expect(first.got).toEqual(['a', 'b']);
		expect(second.got).toEqual([]);
	});

	it('holds keys while an active reader is loading and hands them over once it is done', () => {
		const {keys, idle} = dispatcher();
		const list = reader({waiting: true});
		keys.register(list.entry);
		keys.push('jj\r', plain);
		idle();
		expect(list.got).toEqual([]);
		list.entry.waiting = false;
		keys.changed();
		idle();
		expect(list.got).toEqual(['j', 'j', '⏎']);
	});

	it('after the type-ahead limit, keys flow to a reader that is still loading, without a new wait per key', () => {
		const {keys, idle} = dispatcher();
		const list = reader({waiting: true});
		keys.register(list.entry);
		keys.push('q', plain);
		idle();
		vi.advanceTimersByTime(typeAheadLimitMs);
		idle();
		expect(list.got).toEqual(['q']);
		keys.push('x', plain);
		idle();
		expect(list.got).toEqual(['q', 'x']);
	});
});
