// The console's navigation as data: a history stack of crumbs, the shell's mode and its one-line message,
// changed only by the reducer below (tested without Ink in test/app/navigation.test.ts). The Shell renders it.

/** One place in the history: a view of the registry, its argument, the label its breadcrumb shows. */
export type Crumb = {readonly id: number; readonly view: string; readonly arg?: string; readonly label: string};

/** normal: the view has the keys; command: the `:` line; help: `?`; quit: "an action is still running — quit anyway?". */
export type ShellMode = 'normal' | 'command' | 'help' | 'quit';

export type ShellMessage = {readonly kind: 'error' | 'info'; readonly text: string};

export type NavigationState = {
	/** Never empty: the last crumb is the view on screen. */
	readonly stack: readonly Crumb[];
	readonly nextId: number;
	readonly mode: ShellMode;
	readonly message?: ShellMessage;
	/** Text the command line starts with (a pasted ":vehicle WVW…" without its enter). */
	readonly commandInitial: string;
	/** Bumped to remount the current view (reconnected, organization changed). */
	readonly epoch: number;
};

/** What the reducer needs to know about the view registry: the name a word or alias stands for, and its title. */
export type ViewLookup = (word: string) => {name: string; title: string; argument?: {name: string; required?: boolean}} | undefined;

export type NavigationAction =
	/** enter on a row: push a view on the history. */
	| {type: 'open'; view: string; arg?: string; label?: string}
	/** esc: back one crumb (the first one stays). */
	| {type: 'back'}
	/** `:view arg`: pushed on the history, as in k9s, so `esc` returns to where the jump was made from. */
	| {type: 'jump'; view: string; arg?: string}
	/** After `:org`: back to the first view of the trail, remounted. */
	| {type: 'restart'}
	| {type: 'reload'}
	| {type: 'mode'; mode: ShellMode; commandInitial?: string}
	| {type: 'message'; message?: ShellMessage};

/** Places kept for `esc` (each one a view kept as it was left). */
export const historyLimit = 20;

export function initialNavigation(lookup: ViewLookup, view: string, arg?: string, fallback = 'orgs'): NavigationState {
	const start = lookup(view) ? view : fallback;
	return {stack: [crumb(lookup, 1, start, arg)], nextId: 2, mode: 'normal', commandInitial: '', epoch: 0};
}

function crumb(lookup: ViewLookup, id: number, view: string, arg?: string, label?: string): Crumb {
	const definition = lookup(view);
	const title = definition?.title ?? view;
	return {id, view: definition?.name ?? view, arg, label: label ?? (arg ? `${title} ${arg}` : title)};
}

/** The error for a view word that cannot be opened as typed, or undefined when it can. */
function refusal(lookup: ViewLookup, view: string, arg: string | undefined, unknown: string): ShellMessage | undefined {
	const target = lookup(view);
	if (!target) return {kind: 'error', text: unknown};
	if (target.argument?.required && !arg) return {kind: 'error', text: `:${target.name} needs ${target.argument.name}`};
	return undefined;
}

export function current(state: NavigationState): Crumb {
	return state.stack[state.stack.length - 1]!;
}

export function createNavigationReducer(lookup: ViewLookup) {
	return function navigationReducer(state: NavigationState, action: NavigationAction): NavigationState {
		switch (action.type) {
			case 'open': {
				const message = refusal(lookup, action.view, action.arg, `unknown view "${action.view}" — :help lists them`);
				if (message) return {...state, message};
				return {...state, message: undefined, stack: [...state.stack, crumb(lookup, state.nextId, action.view, action.arg, action.label)], nextId: state.nextId + 1};
			}
			case 'back':
				return {...state, message: undefined, stack: state.stack.length > 1 ? state.stack.slice(0, -1) : state.stack};
			case 'jump': {
				const message = refusal(lookup, action.view, action.arg, `unknown command ":${action.view}" — :help lists them`);
				if (message) return {...state, mode: 'normal', message};
				const name = lookup(action.view)!.name;
				const here = current(state);
				const same = here.view === name && here.arg === action.arg;
				// The history is bounded: the oldest places go first (each one kept is a mounted view).
				const pushed = [...state.stack, crumb(lookup, state.nextId, name, action.arg)].slice(-historyLimit);
				return {...state, mode: 'normal', message: undefined, ...(same ? {} : {stack: pushed, nextId: state.nextId + 1})};
			}
			case 'restart':
				return {...state, stack: [crumb(lookup, state.nextId, state.stack[0]!.view)], nextId: state.nextId + 1, epoch: state.epoch + 1};
			case 'reload':
				return {...state, epoch: state.epoch + 1};
			case 'mode':
				return {...state, mode: action.mode, commandInitial: action.commandInitial ?? (action.mode === 'command' ? '' : state.commandInitial)};
			case 'message':
				return {...state, message: action.message};
		}
	};
}
