// Key bindings: declared once per screen in a table that the screen's input handling AND the shell footer read.
import React, {createContext, useContext, useEffect, useId, useRef} from 'react';
import type {Key} from 'ink';
import {useKeyboard} from '../components/keyboard.js';
import {type KeyBinding} from '../components/key-binding.js';
import {OnScreenContext, useOnScreen} from '../components/visibility.js';
export {type KeyBinding};
import {emptyKeymap, remapLabel, remapNames, type Keymap} from './keymap.js';

/** The bindings that work in this session: write keys go when actions are off (--readonly). */
export function workingBindings<T extends {readonly writes?: boolean}>(bindings: readonly T[], actionsOff: boolean): T[] {
	return actionsOff ? bindings.filter(binding => !binding.writes) : [...bindings];
}

const namedKeys: Record<string, (key: Key) => boolean> = {
	up: key => key.upArrow,
	down: key => key.downArrow,
	left: key => key.leftArrow,
	right: key => key.rightArrow,
	pageup: key => key.pageUp,
	pagedown: key => key.pageDown,
	home: key => key.home,
	end: key => key.end,
	enter: key => key.return,
	escape: key => key.escape,
	tab: key => key.tab && !key.shift,
	backtab: key => key.tab && key.shift,
	backspace: key => key.backspace || key.delete,
};

/** Whether one keypress is the key called `name`. */
export function matchesKey(name: string, input: string, key: Key): boolean {
	const named = namedKeys[name];
	if (named) return named(key);
	if (key.ctrl || key.meta) return false;
	return input === name;
}

export function bindingMatches(binding: KeyBinding, input: string, key: Key): boolean {
	return (binding.match ?? [binding.key]).some(name => matchesKey(name, input, key));
}

/** Bindings as the user's keymap has them: they fire on the remapped keys and show those. */
export function applyKeymap<T extends KeyBinding>(bindings: readonly T[], keymap: Keymap): T[] {
	if (keymap.size === 0) return [...bindings];
	return bindings.map(binding => {
		const names = binding.match ?? [binding.key];
		return {...binding, key: remapLabel(binding.key, names, keymap), match: remapNames(names, keymap)};
	});
}

/** The first binding with a handler that matches, or undefined. */
export function findBinding(bindings: readonly KeyBinding[], input: string, key: Key): KeyBinding | undefined {
	return bindings.find(binding => binding.handler && bindingMatches(binding, input, key));
}

/**
 * A reader of keys, one keypress at a time, in order with every other reader of the console (see
 * components/keyboard.tsx): keys typed ahead reach what has the keyboard after the keys before them.
 * `waiting`: what the keys act on is still loading (keys typed ahead wait for it).
 */
export function useKeypress(handler: (input: string, key: Key) => void, options: {isActive?: boolean; waiting?: boolean} = {}): void {
	useKeyboard(handler, options);
}

/**
 * What the shell needs to know from the screen on view: its live keys, whether it has the keyboard to itself
 * (typing text, a confirmation), and then what its keys do (`captureHints`, shown in the footer instead).
 */
export type ScreenKeysState = {bindings: readonly KeyBinding[]; capturing: boolean; captureHints?: readonly KeyHint[]};

/** A key and what it does, for the footer only (nothing is bound by it). */
export type KeyHint = {readonly key: string; readonly label: string};

type Registry = {publish(id: string, state: ScreenKeysState | undefined): void};

const KeyRegistryContext = createContext<Registry | null>(null);
const ActionsOffContext = createContext(false);
const KeymapContext = createContext<Keymap>(emptyKeymap);

/**
 * A view kept in the history under the one on screen (so `esc` returns to it exactly as it was): its keys are
 * neither handled nor in the footer, and its refresh loop waits until it is shown again.
 */
export function ViewVisibility({visible, children}: {readonly visible: boolean; readonly children: React.ReactNode}) {
	return <OnScreenContext.Provider value={visible}>{children}</OnScreenContext.Provider>;
}

export function useViewVisible(): boolean {
	return useOnScreen();
}

/** `actionsOff` (--readonly): keys marked `writes` are neither handled nor shown anywhere below. `keymap`: the user's remapping. */
export function KeyRegistryProvider({registry, actionsOff = false, keymap = emptyKeymap, children}: {readonly registry: Registry; readonly actionsOff?: boolean; readonly keymap?: Keymap; readonly children: React.ReactNode}) {
	return (
		<KeyRegistryContext.Provider value={registry}>
			<ActionsOffContext.Provider value={actionsOff}>
				<KeymapContext.Provider value={keymap}>{children}</KeymapContext.Provider>
			</ActionsOffContext.Provider>
		</KeyRegistryContext.Provider>
	);
}

/**
 * A part of a screen that has the keyboard to itself (a confirmation, a running action) says what its keys do:
 * the footer shows exactly these while it is on screen. It binds nothing (the part handles its keys itself).
 */
export function useCaptureHints(hints: readonly KeyHint[] | undefined): void {
	useKeyBindings([], {isActive: false, capturing: hints !== undefined, captureHints: hints});
}

/** Whether maintenance actions are off in this console (--readonly): screens word their hints accordingly. */
export function useActionsOff(): boolean {
	return useContext(ActionsOffContext);
}

/**
 * A screen's keys: handles them with useInput while `isActive`, and tells the shell which keys work
 * now (the footer shows exactly those) and whether the screen is capturing text (a filter or time
 * prompt is open, so the shell's own keys `:` `?` `q` `esc` must not fire).
 */
export function useKeyBindings(bindings: readonly KeyBinding[], options: {isActive?: boolean; capturing?: boolean; captureHints?: readonly KeyHint[]; waiting?: boolean} = {}): void {
	const visible = useOnScreen();
	const isActive = (options.isActive ?? true) && visible;
	const capturing = (options.capturing ?? false) && visible;
	const {captureHints} = options;
	const registry = useContext(KeyRegistryContext);
	const actionsOff = useContext(ActionsOffContext);
	const keymap = useContext(KeymapContext);
	const id = useId();
	const working = applyKeymap(workingBindings(bindings, actionsOff), keymap);
	const latest = useRef(working);
	latest.current = working;
	useKeypress(
		(input, key) => {
			findBinding(latest.current, input, key)?.handler?.();
		},
		{isActive, waiting: options.waiting},
	);
	const signature = working.map(b => `${b.key}:${b.label}:${b.handler ? 1 : 0}:${b.hidden ? 1 : 0}:${b.footerPriority ?? 0}`).join('|');
	const hintSignature = captureHints?.map(h => `${h.key}:${h.label}`).join('|');
	const latestHints = useRef(captureHints);
	latestHints.current = captureHints;
	useEffect(() => {
		registry?.publish(id, visible ? {bindings: latest.current, capturing, captureHints: latestHints.current} : undefined);
		// The signatures stand for the tables: republish only when what the footer shows changes.
	}, [registry, id, signature, capturing, hintSignature, visible]);
	useEffect(() => () => registry?.publish(id, undefined), [registry, id]);
}
