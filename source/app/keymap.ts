// The user's keymap (config file, "keymap": {"q": "x"}): a key name to the key that does its job instead.
// Checked once at start against every view's keys, so a remap can never make two jobs share a key unseen.
import {UsageError} from '../model/errors.js';

/** A validated keymap: key name (as bindings match it) -> the key name that fires instead. */
export type Keymap = ReadonlyMap<string, string>;

export const emptyKeymap: Keymap = new Map();

/** Named keys (as `match` in a KeyBinding) and the words accepted for them in the config. */
const namedKeys: Record<string, string> = {
	up: 'up', down: 'down', left: 'left', right: 'right', pageup: 'pageup', pgup: 'pageup', pagedown: 'pagedown', pgdn: 'pagedown',
	home: 'home', end: 'end', enter: 'enter', return: 'enter', escape: 'escape', esc: 'escape', tab: 'tab', backtab: 'backtab', 'shift-tab': 'backtab', backspace: 'backspace', space: ' ',
};

/** How a key name is shown in the footer and help. */
export function keyLabel(name: string): string {
	return ({' ': 'space', escape: 'esc', pageup: 'PgUp', pagedown: 'PgDn', backtab: 'S-tab', home: 'Home', end: 'End', up: '↑', down: '↓', left: '←', right: '→'} as Record<string, string>)[name] ?? name;
}

/** A key name from the config: one printable character (case matters: G is not g) or a named key. */
export function parseKeyName(text: string): string | undefined {
	if ([...text].length === 1 && /^[\x21-\x7E]$/.test(text)) return text;
	return namedKeys[text.toLowerCase()];
}

/** What one view (or the shell everywhere) binds: key names and what each does. */
export type KeyUse = {readonly where: string; readonly name: string; readonly label: string; /** The same entry (g/G) under several names. */ readonly entry: string};

const displayTokens: Record<string, string[]> = {'S-tab': ['backtab'], '↑↓': ['up', 'down'], '↑': ['up'], '↓': ['down'], PgUp: ['pageup'], PgDn: ['pagedown'], space: [' '], esc: ['escape'], Home: ['home'], End: ['end']};

/** The key names a help entry stands for: its `match`, else its shown key ('g/G', '↑↓ j/k', '+ / -', 'enter'). */
export function keyNamesOf(entry: {readonly key: string; readonly match?: readonly string[]}): string[] {
	if (entry.match) return [...entry.match];
	const names: string[] = [];
	for (const token of entry.key.split(/[\s/]+/).filter(Boolean)) {
		if (displayTokens[token]) names.push(...displayTokens[token]);
		else if (parseKeyName(token)) names.push(parseKeyName(token)!);
	}
	return names;
}

/**
 * Reads and checks the config's keymap against the keys in use (the shell's and every view's). Throws a
 * UsageError (exit 2) naming the entry: an unknown key name, two keys remapped onto one, or a key remapped
 * onto one that still does something else in the same view.
 */
export function parseKeymap(raw: unknown, uses: readonly KeyUse[], source = 'keymap'): Keymap {
	if (raw === undefined || raw === null) return emptyKeymap;
	if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${source} must be an object of key names, e.g. {"q": "x"}`, 'fix or remove it in the config file (evfleet profile list shows where it is)');
	const map = new Map<string, string>();
	const hint = 'a key is one character (G is not g) or up, down, left, right, pageup, pagedown, home, end, enter, escape, tab, shift-tab, backspace, space';
	for (const [fromText, toValue] of Object.entries(raw as Record<string, unknown>)) {
		const from = parseKeyName(fromText);
		if (!from) throw new UsageError(`${source}: unknown key "${fromText}"`, hint);
		const to = typeof toValue === 'string' ? parseKeyName(toValue) : undefined;
		if (!to) throw new UsageError(`${source}: "${fromText}" is remapped to an unknown key ${JSON.stringify(toValue)}`, hint);
		if (from !== to) map.set(from, to);
	}
	// Two keys onto one.
	const byTarget = new Map<string, string>();
	for (const [from, to] of map) {
		const other = byTarget.get(to);
		if (other !== undefined) throw new UsageError(`${source}: "${keyLabel(other)}" and "${keyLabel(from)}" are both remapped to "${keyLabel(to)}"`, 'give each its own key');
		byTarget.set(to, from);
	}
	// A key remapped onto one that keeps its own job in the same place (the shell's keys count everywhere).
	const places = [...new Set(uses.map(use => use.where))].filter(where => where !== 'everywhere');
	for (const [from, to] of map) {
		if (map.has(to)) continue; // that key moves away itself
		for (const place of places.length > 0 ? places : ['everywhere']) {
			const here = uses.filter(use => use.where === place || use.where === 'everywhere');
			const mover = here.find(use => use.name === from);
			const holder = here.find(use => use.name === to);
			if (mover && holder && holder.entry !== mover.entry) {
				const where = holder.where === 'everywhere' ? 'everywhere' : `on ${holder.where}`;
				throw new UsageError(
					`${source}: "${keyLabel(from)}" (${mover.label}) is remapped to "${keyLabel(to)}", which already does "${holder.label}" ${where}`,
					`remap "${keyLabel(to)}" as well, or choose a free key`,
				);
			}
		}
	}
	return map;
}

/** Every key the shell (`everywhere`) and each view (`:name`) binds, from their help tables. */
export function keyUses(places: ReadonlyArray<{where: string; keys: ReadonlyArray<{key: string; label: string; match?: readonly string[]}>}>): KeyUse[] {
	return places.flatMap(({where, keys}) => keys.flatMap((entry, index) => keyNamesOf(entry).map(name => ({where, name, label: entry.label, entry: `${where}#${index}`}))));
}

/** The key names a binding fires on once remapped. */
export function remapNames(names: readonly string[], keymap: Keymap): string[] {
	return names.map(name => keymap.get(name) ?? name);
}

/** What the footer shows for a binding shown as `key` that matches `names`, once remapped ('g/G' -> 'g/e'). */
export function remapLabel(key: string, names: readonly string[], keymap: Keymap): string {
	if (keymap.size === 0) return key;
	const direct = parseKeyName(key) ?? displayTokens[key]?.[0];
	if (direct !== undefined && names.length <= 1 && keymap.has(direct)) return keyLabel(keymap.get(direct)!);
	return key
		.split(/([\s/]+)/)
		.map(token => {
			const name = parseKeyName(token);
			return name !== undefined && names.includes(name) && keymap.has(name) ? keyLabel(keymap.get(name)!) : token;
		})
		.join('');
}
