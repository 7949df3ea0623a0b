import {describe, expect, it} from 'vitest';
import {createNavigationReducer, current, historyLimit, initialNavigation, type NavigationAction, type NavigationState, type ViewLookup} from '../../source/app/navigation.js';

const registry = [
	{name: 'orgs', title: 'Organizations', aliases: ['organizations']},
	{name: 'fleets', title: 'Fleets', aliases: []},
	{name: 'vehicle', title: 'Vehicle', aliases: ['v'], argument: {name: '<vin|plate|id>', required: true}},
];
const lookup: ViewLookup = word => registry.find(view => view.name === word || view.aliases.includes(word));
const reduce = createNavigationReducer(lookup);
const run = (state: NavigationState, ...actions: NavigationAction[]) => actions.reduce(reduce, state);
const views = (state: NavigationState) => state.stack.map(crumb => crumb.label);

describe('navigation reducer', () => {
	it('starts on the requested view, or on the fallback when the registry has no such view', () => {
		expect(views(initialNavigation(lookup, 'fleets'))).toEqual(['Fleets']);
		expect(views(initialNavigation(lookup, 'nope'))).toEqual(['Organizations']);
	});

	it('pushes opened views on the history and pops them with back, keeping the first', () => {
		const state = run(initialNavigation(lookup, 'orgs'), {type: 'open', view: 'fleets', arg: 'acme', label: 'Acme'}, {type: 'open', view: 'v', arg: 'WVW1'});
		expect(views(state)).toEqual(['Organizations', 'Acme', 'Vehicle WVW1']);
		expect(current(state)).toMatchObject({view: 'vehicle', arg: 'WVW1'});
		expect(views(run(state, {type: 'back'}, {type: 'back'}, {type: 'back'}))).toEqual(['Organizations']);
	});

	it('gives every crumb its own id, so reopening the same view remounts it', () => {
		const state = run(initialNavigation(lookup, 'orgs'), {type: 'open', view: 'fleets'}, {type: 'back'}, {type: 'open', view: 'fleets'});
		const ids = [state.stack[0]!.id, current(state).id];
		expect(new Set(ids).size).toBe(2);
		expect(current(run(initialNavigation(lookup, 'orgs'), {type: 'open', view: 'fleets'})).id).not.toBe(current(state).id);
	});

	it('refuses an unknown view or a missing required argument with a message, leaving the history alone', () => {
		const start = initialNavigation(lookup, 'orgs');
		const unknown = run(start, {type: 'open', view: 'nope'});
		expect(unknown.stack).toBe(start.stack);
		expect(unknown.message).toEqual({kind: 'error', text: 'unknown view "nope" — :help lists them'});
		expect(run(start, {type: 'jump', view: 'vehicle'}).message?.text).toBe(':vehicle needs <vin|plate|id>');
	});

	it('pushes a : jump on the history, so esc returns to where it was made from; jumping to where it already is keeps it', () => {
		const deep = run(initialNavigation(lookup, 'orgs'), {type: 'open', view: 'fleets'}, {type: 'mode', mode: 'command'}, {type: 'jump', view: 'v', arg: 'X1'});
		expect(views(deep)).toEqual(['Organizations', 'Fleets', 'Vehicle X1']);
		expect(deep.mode).toBe('normal');
		const again = run(deep, {type: 'jump', view: 'vehicle', arg: 'X1'});
		expect(again.stack).toBe(deep.stack);
		const back = run(deep, {type: 'back'});
		expect(views(back)).toEqual(['Organizations', 'Fleets']);
		expect(back.stack[1]).toBe(deep.stack[1]);
	});

	it('keeps at most historyLimit places, dropping the oldest', () => {
		let state = initialNavigation(lookup, 'orgs');
		for (let i = 0; i < historyLimit + 5; i++) state = run(state, {type: 'jump', view: 'vehicle', arg: `X${i}`});
		expect(state.stack).toHaveLength(historyLimit);
		expect(state.stack.at(-1)!.arg).toBe(`X${historyLimit + 4}`);
	});

	it('clears the message when moving on', () => {
		const failed = run(initialNavigation(lookup, 'orgs'), {type: 'open', view: 'nope'});
		expect(run(failed, {type: 'open', view: 'fleets'}).message).toBeUndefined();
		expect(run(failed, {type: 'back'}).message).toBeUndefined();
	});

	it('restarts at the first view of the trail with a new epoch (organization changed)', () => {
		const state = run(initialNavigation(lookup, 'fleets'), {type: 'open', view: 'vehicle', arg: 'X'}, {type: 'restart'});
		expect(views(state)).toEqual(['Fleets']);
		expect(state.epoch).toBe(1);
		expect(run(state, {type: 'reload'}).epoch).toBe(2);
	});

	it('opens the command line empty unless it is given the text typed so far', () => {
		const state = run(initialNavigation(lookup, 'orgs'), {type: 'mode', mode: 'command', commandInitial: 'veh'});
		expect(state.commandInitial).toBe('veh');
		expect(run(state, {type: 'mode', mode: 'normal'}, {type: 'mode', mode: 'command'}).commandInitial).toBe('');
	});
});
