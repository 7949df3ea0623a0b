// The one reader of the keyboard: keys are queued as they arrive and handed out one at a time, each only once React
// has finished the work the previous key caused (its renders and their effects). So a key typed fast, pasted or sent
// by tmux in one burst reaches whatever has the keyboard after the keys before it: the command line that `:` just
// opened, the filter prompt that `/` opened, the view a `:jump⏎` just mounted. Without it each part read stdin with
// its own Ink useInput, subscribed in an effect: keys landing before that effect ran went to the part below, or nowhere.
import React, {createContext, useContext, useLayoutEffect, useRef, useState} from 'react';
import {useInput, type Key} from 'ink';
import scheduler from 'scheduler';

export type KeyHandler = (input: string, key: Key) => void;

type Entry = {handler: KeyHandler; active: boolean; waiting: boolean};

/** How long typed-ahead keys wait for a view that is still loading its first rows before they are handed out anyway. */
export const typeAheadLimitMs = 2000;

const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

/** One character of a chunk as the keypress Ink would have reported had it come alone. */
function keypressOf(char: string): [string, Key] {
	if (char === '\r' || char === '\n') return ['', {...noKey, return: true}];
	if (char === '\t') return ['', {...noKey, tab: true}];
	if (char === '\u007F' || char === '\b') return ['', {...noKey, backspace: true}];
	const code = char.codePointAt(0) ?? 0;
	if (code >= 1 && code <= 26) return [String.fromCodePoint(code + 96), {...noKey, ctrl: true}];
	return [char, {...noKey, shift: char !== char.toLowerCase()}];
}

/**
 * A chunk as single keypresses. Ink already cuts escape sequences (arrows, esc, PgUp) into chunks of their own;
 * what arrives together otherwise is plain characters ("jj⏎", ":activity⏎", a pasted VIN).
 */
export function splitKeypresses(input: string, key: Key): Array<[string, Key]> {
	if (input.length <= 1 || key.meta || input.includes('\u001B')) return [[input, key]];
	return [...input].map(keypressOf);
}

/**
 * Runs `work` once React has no render or effect left to do: an idle-priority task in React's own scheduler, which
 * runs after every render and effect task. It is queued from a microtask because React queues the render of a state
 * change from one too (the one a key handler's setState queued comes first).
 */
function whenReactIsIdle(work: () => void): () => void {
	let task: unknown;
	let cancelled = false;
	queueMicrotask(() => {
		if (!cancelled) task = scheduler.unstable_scheduleCallback(scheduler.unstable_IdlePriority, work);
	});
	return () => {
		cancelled = true;
		if (task !== undefined) scheduler.unstable_cancelCallback(task);
	};
}

/** The queue and its readers (no React in here; KeyboardProvider and useKeyboard wire it to Ink). */
export class KeyDispatcher {
	private readonly entries = new Set<Entry>();
	private readonly queue: Array<[string, Key]> = [];
	private cancelScheduled: (() => void) | undefined;
	private heldSince: number | undefined;
	private holdTimer: NodeJS.Timeout | undefined;
	private closed = false;

	constructor(private readonly schedule: (work: () => void) => () => void = whenReactIsIdle) {}

	register(entry: Entry): () => void {
		this.entries.add(entry);
		return () => {
			this.entries.delete(entry);
			this.kick();
		};
	}

	push(input: string, key: Key): void {
		this.queue.push(...splitKeypresses(input, key));
		this.kick();
	}

	/** Something that reads keys changed (rendered): held keys may go now. */
	changed(): void {
		if (this.heldSince === undefined || this.someoneWaits()) return;
		this.heldSince = undefined;
		clearTimeout(this.holdTimer);
		this.kick();
	}

	private someoneWaits(): boolean {
		return [...this.entries].some(entry => entry.active && entry.waiting);
	}

	close(): void {
		this.closed = true;
		this.queue.length = 0;
		this.cancelScheduled?.();
		clearTimeout(this.holdTimer);
	}

	private kick(): void {
		if (this.closed || this.cancelScheduled || this.queue.length === 0) return;
		this.cancelScheduled = this.schedule(() => {
			this.cancelScheduled = undefined;
			this.deliverOne();
		});
	}

	private deliverOne(): void {
		if (this.queue.length === 0) return;
		const readers = [...this.entries].filter(entry => entry.active);
		// A view still loading its rows gets the keys typed ahead for it (`:vehicles⏎jjj`) once they are in; past the
		// limit every key goes (to a view that still loads) until the wait is over.
		if (readers.some(entry => entry.waiting)) {
			this.heldSince ??= Date.now();
			const leftMs = typeAheadLimitMs - (Date.now() - this.heldSince);
			if (leftMs > 0) {
				clearTimeout(this.holdTimer);
				this.holdTimer = setTimeout(() => this.kick(), leftMs);
				return;
			}
		} else {
			this.heldSince = undefined;
		}
		const [input, key] = this.queue.shift()!;
		for (const entry of readers) entry.handler(input, key);
		this.kick();
	}
}

const KeyboardContext = createContext<KeyDispatcher | null>(null);

/** Reads the keyboard once for everything below it (the console shell, a full-screen command). */
export function KeyboardProvider({children}: {readonly children: React.ReactNode}) {
	const [dispatcher] = useState(() => new KeyDispatcher());
	useInput((input, key) => dispatcher.push(input, key));
	useLayoutEffect(() => () => dispatcher.close(), [dispatcher]);
	return <KeyboardContext.Provider value={dispatcher}>{children}</KeyboardContext.Provider>;
}

export type KeyboardOptions = {
	/** Whether this part reads keys now (several may: each gets every key). */
	readonly isActive?: boolean;
	/** Still loading what the keys act on: keys typed ahead wait for it (up to typeAheadLimitMs). */
	readonly waiting?: boolean;
};

/**
 * useInput, one keypress at a time and in order with every other reader. Under a KeyboardProvider the part joins its
 * queue; alone (a screen rendered by itself in a test) it reads stdin itself, still one key at a time.
 */
export function useKeyboard(handler: KeyHandler, {isActive = true, waiting = false}: KeyboardOptions = {}): void {
	const shared = useContext(KeyboardContext);
	const [own] = useState(() => (shared ? undefined : new KeyDispatcher()));
	const dispatcher = shared ?? own!;
	useInput((input, key) => own?.push(input, key), {isActive: !shared && isActive});
	const entry = useRef<Entry>({handler, active: isActive, waiting: isActive && waiting});
	// Layout effects run in the commit itself: the next key already sees who reads keys after this render.
	useLayoutEffect(() => {
		entry.current.handler = handler;
		entry.current.active = isActive;
		entry.current.waiting = isActive && waiting;
		dispatcher.changed();
	});
	useLayoutEffect(() => dispatcher.register(entry.current), [dispatcher]);
	useLayoutEffect(() => () => own?.close(), [own]);
}
