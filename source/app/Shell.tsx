// The console shell: header, breadcrumbs, the current view, footer; global keys, command line, help,
// connection banner with reconnect. Views come from the registry (views.tsx); data from ConsoleData.
import React, {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {Box, useStdout} from 'ink';
import {KeyboardProvider} from '../components/keyboard.js';
import {Text} from '../components/Styled.js';
import {Banner} from '../components/Banner.js';
import {Breadcrumbs} from '../components/Breadcrumbs.js';
import {CommandLine, type Completion} from '../components/CommandLine.js';
import {Header} from '../components/Header.js';
import {KeyHints} from '../components/KeyHints.js';
import {errorMessage} from './use-load.js';
import {createNavigationReducer, current as currentCrumb, initialNavigation, type ViewLookup} from './navigation.js';
import {useConnectionHealth} from './use-connection-health.js';
import {emptyKeymap, keyLabel, keyNamesOf, keyUses, remapLabel, type Keymap, type KeyUse} from './keymap.js';
import {applyKeymap, findBinding, KeyRegistryProvider, ViewVisibility, useKeypress, matchesKey, workingBindings, type KeyBinding, type ScreenKeysState} from './keys.js';
import {findView, views as defaultViews, type ConsoleData, type ViewContext, type ViewDefinition} from './views.js';
import HelpScreen, {helpScrolls, type HelpSection} from '../screens/HelpScreen.js';

/** readOnly: browsing runs in read-only transactions; actionsOff: --readonly, no maintenance actions either. */
export type SessionInfo = {location: string; user: string; version?: string; readOnly: boolean; actionsOff?: boolean};

export type ShellProps = {
	readonly data: ConsoleData;
	readonly session: SessionInfo;
	readonly org?: string;
	readonly initialView?: string;
	readonly initialArg?: string;
	readonly registry?: readonly ViewDefinition[];
	/** `:org <slug>` (undefined: all organizations). Rejects with a message when the organization is unknown. */
	onOrgChange?(org: string | undefined): Promise<void>;
	/** Words `:org` completes with. */
	readonly orgSlugs?: readonly string[];
	onQuit(): void;
	/** Fixed size (tests); otherwise the terminal's, following resizes. */
	readonly width?: number;
	readonly height?: number;
	/** Health check period while connected (0: none). */
	readonly healthIntervalMs?: number;
	/** First reconnect delay; doubles up to 30 s. */
	readonly retryBaseMs?: number;
	/** The user's key remapping (checked at start with parseKeymap). */
	readonly keymap?: Keymap;
	/** Shown in the message line at start, until the first move (the demo's URL). */
	readonly notice?: string;
};

/** The shell's own keys: they work on every view (each view's keys, lists' included, are listed under the view in help). */
export const everywhereKeys: ReadonlyArray<{key: string; label: string; match?: readonly string[]}> = [
	{key: 'esc', label: 'back to the previous view (as you left it)', match: ['escape']},
	{key: ':', label: 'command line (tab completes)'},
	{key: '?', label: 'this help'},
	{key: 'q', label: 'quit'},
];

/** The keys in use, by place (the shell's own everywhere, each view's), to check a keymap against. */
export function consoleKeyUses(registry: readonly ViewDefinition[] = defaultViews): KeyUse[] {
	const shell = [{key: ':', label: 'command line'}, {key: '?', label: 'help'}, {key: 'q', label: 'quit'}, {key: 'esc', label: 'back'}];
	return keyUses([{where: 'everywhere', keys: shell}, ...registry.map(view => ({where: `:${view.name}`, keys: view.keys ?? []}))]);
}

const noWords: readonly string[] = [];

/** A view's key table with one line per key: a view's own entry (listed after the shared list keys) wins. */
function lastOfEachKey<T extends {key: string}>(entries: readonly T[]): T[] {
	return entries.filter((entry, i) => !entries.slice(i + 1).some(later => later.key === entry.key));
}

/** Commands that are not views. */
const shellCommands: Array<{word: string; hint?: string; description: string}> = [
	{word: 'org', hint: '<slug>', description: 'scope everything to one organization (:org with nothing: all)'},
	{word: 'help', description: 'this help'},
	{word: 'q', description: 'quit'},
];

export function useTerminalSize(fixed?: {width?: number; height?: number}): {width: number; height: number} {
	const {stdout} = useStdout();
	const read = () => ({width: fixed?.width ?? stdout.columns ?? 80, height: fixed?.height ?? stdout.rows ?? 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- `read` reads the same stdout and fixed size that are the deps
	}, [stdout, fixed?.width, fixed?.height]);
	return fixed?.width && fixed?.height ? {width: fixed.width, height: fixed.height} : size;
}

/** The console: one reader of the keyboard for all of it, so keys typed ahead reach what has the keyboard by then. */
export function Shell(props: ShellProps) {
	return (
		<KeyboardProvider>
			<ShellScreen {...props}/>
		</KeyboardProvider>
	);
}

function ShellScreen(props: ShellProps) {
	const {data, session, org, initialView = 'orgs', initialArg, registry = defaultViews, onOrgChange, orgSlugs = noWords, onQuit, healthIntervalMs = 15_000, retryBaseMs = 1000, keymap = emptyKeymap} = props;
	const terminal = useTerminalSize({width: props.width, height: props.height});
	// One line short of the terminal: Ink redraws the whole screen on every frame that fills it (flicker).
	const width = Math.max(20, terminal.width);
	const height = Math.max(8, terminal.height - 1);

	const lookup: ViewLookup = useCallback((word: string) => findView(word, registry), [registry]);
	const reducer = useMemo(() => createNavigationReducer(lookup), [lookup]);
	const [nav, dispatch] = useReducer(reducer, undefined, () => ({
		...initialNavigation(lookup, initialView, initialArg),
		...(props.notice ? {message: {kind: 'info' as const, text: props.notice}} : {}),
	}));
	const {stack, mode, message, commandInitial, epoch} = nav;
	const setMode = (next: typeof mode, initial?: string) => dispatch({type: 'mode', mode: next, commandInitial: initial});
	const setMessage = (next: typeof message) => dispatch({type: 'message', message: next});
	const [busy, setBusy] = useState(false);
	const busyNow = useRef(false);
	busyNow.current = busy;
	const [screenKeys, setScreenKeys] = useState<ScreenKeysState>({bindings: [], capturing: false});

	const registryApi = useMemo(() => {
		const states = new Map<string, ScreenKeysState>();
		return {
			publish(id: string, state: ScreenKeysState | undefined) {
				if (state) states.set(id, state);
				else states.delete(id);
				const all = [...states.values()];
				const capturing = all.filter(s => s.capturing);
				const told = capturing.some(s => s.captureHints !== undefined);
				setScreenKeys({bindings: all.flatMap(s => s.bindings), capturing: capturing.length > 0, ...(told ? {captureHints: capturing.flatMap(s => s.captureHints ?? [])} : {})});
			},
		};
	}, []);

	const current = currentCrumb(nav);
	const definition = findView(current.view, registry);

	const navigate = useCallback((view: string, arg?: string, label?: string) => dispatch({type: 'open', view, arg, label}), []);
	const back = useCallback(() => dispatch({type: 'back'}), []);

	// Connection: a lost connection shows a banner, retries with backoff, and reloads the view when back.
	const {connection, reconnecting, reportError} = useConnectionHealth(data.connection, {
		healthIntervalMs,
		retryBaseMs,
		onReconnected() {
			// Reloading remounts the view: never under a running action (it has its own connection), which
			// would be cancelled by it. r reloads once it is done.
			if (busyNow.current) {
				setMessage({kind: 'info', text: 'reconnected — the action carries on; r reloads the view after it'});
				return;
			}
			dispatch({type: 'reload'});
			setMessage({kind: 'info', text: 'reconnected — view reloaded'});
		},
	});

	const runCommand = (text: string) => {
		setMode('normal');
		if (!text) return;
		const [word = '', ...rest] = text.replace(/^:/, '').split(/\s+/);
		const arg = rest.join(' ') || undefined;
		const command = word.toLowerCase();
		if (command === 'q' || command === 'quit' || command === 'q!') return quit(command === 'q!');
		if (command === 'help' || command === 'h') return setMode('help');
		if (command === 'org') {
			if (!onOrgChange) return setMessage({kind: 'error', text: ':org is not available here'});
			setMessage({kind: 'info', text: arg ? `switching to organization ${arg}…` : 'showing all organizations…'});
			onOrgChange(arg).then(
				() => {
					setMessage({kind: 'info', text: arg ? `scoped to organization ${arg}` : 'scope: all organizations'});
					dispatch({type: 'restart'});
				},
				error => setMessage({kind: 'error', text: errorMessage(error)}),
			);
			return;
		}
		dispatch({type: 'jump', view: findView(command, registry) ? command : word, arg});
	};

	const quit = (force = false) => {
		if (busy && !force) {
			setMode('quit');
			return;
		}
		onQuit();
	};

	const globalKeys: KeyBinding[] = applyKeymap([
		...(stack.length > 1 ? [{key: 'esc', label: 'back', match: ['escape'], handler: back}] : []),
		{key: ':', label: 'command', handler: () => setMode('command')},
		{key: '?', label: 'help', handler: () => setMode('help')},
		{key: 'q', label: 'quit', handler: () => quit()},
	], keymap);
	const quitKey = keymap.get('q') ?? 'q';

	// A running action keeps the keyboard (esc cancels it) but types no text, so q still asks whether to quit.
	const quitWhileRunning = screenKeys.capturing && busy;
	const shellHasKeys = mode === 'normal' && (!screenKeys.capturing || quitWhileRunning);
	useKeypress(
		(input, key) => {
			if (screenKeys.capturing) {
				if (matchesKey(quitKey, input, key)) quit();
				return;
			}
			// The screen's own keys win (e.g. esc clears its filter before it goes back).
			if (findBinding(screenKeys.bindings, input, key)) return;
			findBinding(globalKeys, input, key)?.handler?.();
		},
		{isActive: shellHasKeys},
	);
	useKeypress(
		(input, key) => {
			if (matchesKey('y', input, key)) onQuit();
			else setMode('normal');
		},
		{isActive: mode === 'quit'},
	);

	const hint = (key: string, label: string): KeyBinding => ({key, label, handler: () => {}});
	// While a screen has the keyboard, the footer says what its keys do (a y/N question: enter answers no).
	const captured = screenKeys.captureHints?.map(h => hint(h.key, h.label)) ?? [hint('enter', 'apply'), hint('esc', 'cancel')];
	const footerBindings = quitWhileRunning && !screenKeys.captureHints ? [hint('esc', 'cancel the action')] : screenKeys.capturing ? captured : screenKeys.bindings;
	const footerPinned = quitWhileRunning ? [hint(keyLabel(quitKey), 'quit')] : screenKeys.capturing ? [] : globalKeys;

	const completions: Completion[] = [
		...registry.map(view => ({word: view.name, hint: view.argument?.name})),
		...shellCommands.map(c => ({word: c.word, hint: c.hint})),
	];
	const completeArgument = useCallback(
		(command: string, partial: string): readonly string[] | Promise<readonly string[]> => {
			const kind = command === 'org' ? 'organization' : findView(command, registry)?.argument?.complete;
			if (kind && data.completion) return data.completion.complete(kind, partial, 20);
			return command === 'org' ? orgSlugs : [];
		},
		[data, registry, orgSlugs],
	);

	const badges = [session.readOnly ? 'READ-ONLY' : 'READ-WRITE', ...(session.actionsOff ? ['NO ACTIONS'] : []), org ? `org ${org}` : 'all orgs'];
	const bannerText = reconnecting
		? `connection lost (${connection.error ?? 'no answer'}) — reconnecting, attempt ${connection.attempt}, next in ${Math.round(connection.retryInMs / 1000)}s`
		: undefined;
	const bottomLines = mode === 'command' ? 2 : 1;
	const messageLines = message || mode === 'quit' ? 1 : 0;
	const mainHeight = Math.max(3, height - 2 /* header, crumbs */ - (bannerText ? 1 : 0) - messageLines - bottomLines);

	const ctx: ViewContext = {
		data,
		width,
		height: mainHeight,
		navigate,
		back,
		isActive: mode === 'normal',
		org,
		arg: current.arg,
		reportError,
		setBusy,
	};

	const remapped = (entries: ReadonlyArray<{key: string; label: string; match?: readonly string[]}>) => entries.map(k => ({key: remapLabel(k.key, keyNamesOf(k), keymap), label: k.label}));
	const helpSections: HelpSection[] = [
		...(keymap.size > 0 ? [{title: 'Your keymap (config file)', keys: [...keymap].map(([from, to]) => ({key: keyLabel(to), label: `does what ${keyLabel(from)} does (${keyLabel(from)} itself does nothing now)`}))}] : []),
		{title: 'Keys everywhere', keys: remapped(everywhereKeys)},
		{title: `Keys on ${definition?.title ?? current.view}`, keys: remapped(lastOfEachKey(workingBindings(definition?.keys ?? [], Boolean(session.actionsOff))))},
		{
			title: 'Commands',
			keys: [
				...registry.map(view => ({key: `:${view.name}${view.argument ? ` ${view.argument.name}` : ''}`, label: `${view.description}${view.aliases.length ? ` (also :${view.aliases.join(', :')})` : ''}`})),
				...shellCommands.map(c => ({key: `:${c.word}${c.hint ? ` ${c.hint}` : ''}`, label: c.description})),
			],
		},
	];

	return (
		<KeyRegistryProvider registry={registryApi} actionsOff={Boolean(session.actionsOff)} keymap={keymap}>
			<Box flexDirection="column" width={width} height={height}>
				<Header width={width} title="evfleet" location={session.location} user={session.user} version={session.version} badges={badges} status={reconnecting ? 'reconnecting' : 'connected'}/>
				<Breadcrumbs width={width} crumbs={stack.map(c => c.label)}/>
				{bannerText ? <Banner kind="error" width={width}>{bannerText}</Banner> : null}
				<Box height={mainHeight} width={width} flexDirection="column" overflow="hidden">
					{mode === 'help' ? <HelpScreen sections={helpSections} width={width} height={mainHeight} onClose={() => setMode('normal')}/> : null}
					{/* Every place in the history stays mounted, hidden under the one on screen, so esc returns to it
					    exactly as it was left: selection, scroll, filter, sort, tab, refresh interval. Hidden views
					    handle no keys, do not refresh (ViewVisibility) and do not render again (HistoryPlace). */}
					{stack.map((place, index) => (
						<HistoryPlace
							key={`${place.id}-${epoch}`}
							view={findView(place.view, registry)}
							name={place.view}
							ctx={{...ctx, arg: place.arg}}
							onScreen={index === stack.length - 1 && mode !== 'help'}
						/>
					))}
				</Box>
				{mode === 'quit' ? (
					<Banner kind="warning" width={width}>an action is still running — quit anyway? y/n</Banner>
				) : message ? (
					<Banner kind={message.kind} width={width}>{message.text}</Banner>
				) : null}
				{mode === 'command' ? (
					<CommandLine width={width} initial={commandInitial} words={completions} completeArgument={completeArgument} onSubmit={runCommand} onCancel={() => setMode('normal')}/>
				) : mode === 'help' ? (
					<KeyHints width={width} bindings={[hint('esc', 'close help'), ...(helpScrolls(helpSections, mainHeight) ? [hint('↑↓', 'scroll')] : [])]}/>
				) : (
					<KeyHints width={width} bindings={footerBindings} pinned={footerPinned}/>
				)}
			</Box>
		</KeyRegistryProvider>
	);
}

type HistoryPlaceProps = {readonly view: ViewDefinition | undefined; readonly name: string; readonly ctx: ViewContext; readonly onScreen: boolean};

/** Whether two contexts would draw a view alike: the same fields, each the same value (the shell's callbacks are stable). */
function sameContext(a: ViewContext, b: ViewContext): boolean {
	const keys = Object.keys(a) as Array<keyof ViewContext>;
	return keys.length === Object.keys(b).length && keys.every(key => Object.is(a[key], b[key]));
}

/**
 * One place of the history. Hidden, it does not render again whatever the shell does (with 17 places kept, each jump
 * rendered all of them: about 1 s); its own state changes still render it. Shown again, it renders with the context
 * of now (the terminal's size may have changed meanwhile).
 */
const HistoryPlace = React.memo(
	function HistoryPlace({view, name, ctx, onScreen}: HistoryPlaceProps) {
		const context = {...ctx, isActive: onScreen && ctx.isActive};
		return (
			<Box display={onScreen ? 'flex' : 'none'} flexDirection="column" width={ctx.width} height={ctx.height}>
				<ViewVisibility visible={onScreen}>{view ? view.render(context) : <Text>unknown view {name}</Text>}</ViewVisibility>
			</Box>
		);
	},
	(before, after) => (!before.onScreen && !after.onScreen) || (before.onScreen === after.onScreen && before.view === after.view && sameContext(before.ctx, after.ctx)),
);
