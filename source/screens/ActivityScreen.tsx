// Activity, as pg_activity shows it: every backend of the database (`a`: of the cluster), lock waits drawn as a
// blocker tree (root blockers first), sorted by age or by how many wait behind a backend, filtered with `/`; `c`
// cancels and `k` terminates the selected backend through the maintenance runner (plan, confirmation, audit,
// guarded by what the screen showed). Refreshes on its own interval, one query at a time, and always says how old
// the rows on screen are.
import React, {useCallback, useMemo, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import {useKeyBindings, type KeyBinding} from '../app/keys.js';
import {RefreshLine} from '../app/RefreshLine.js';
import {refreshBindings, refreshKeys, useNow, useRefresh, useReportConnectionLoss} from '../app/use-refresh.js';
import type {Clock} from '../app/refresh.js';
import {DataTable, layoutColumns, useListNavigation, type Column} from '../components/DataTable.js';
import {FilterInput} from '../components/FilterInput.js';
import {Spinner} from '../components/Spinner.js';
import {buildBlockerTree, filterBlockerTree, flattenBlockerTree, rootBlockers, type ActivityBackend, type ActivityLine, type ActivitySort, type ActivitySource} from '../model/activity.js';
import type {MaintenanceActions, MaintenanceRequest} from '../model/maintenance-data.js';
import {treePrefix} from '../print/activity.js';
import {truncate} from '../text/cells.js';
import {formatSeconds} from '../text/formats.js';
import {sanitizeForTerminal} from '../text/sanitize.js';
import {colorEnabled} from '../text/terminal.js';
import {MaintenanceAction, type FlowOutcome} from './MaintenanceAction.js';
import type {ScreenProps} from './screen-props.js';

/**
 * Every key of this screen, once: `label` is the footer's word, `help` the `?` line. The footer and the input
 * handling read the runtime bindings built from these entries (bind() below), the help overlay reads `keys`.
 * `k` terminates, as in pg_activity: here ↑ (not k) moves up.
 */
const keyTable = {
	up: {key: '↑↓', match: ['up'], label: 'move', help: 'move (↑ ↓, j; k terminates here, as in pg_activity)'},
	down: {key: '↑↓', match: ['down', 'j'], label: 'move', help: ''},
	top: {key: 'g/G', match: ['g', 'home'], label: 'top/bottom', help: 'top / bottom'},
	bottom: {key: 'g/G', match: ['G', 'end'], label: 'top/bottom', help: ''},
	pageUp: {key: 'PgUp/PgDn', match: ['pageup'], label: 'page', help: 'page up / down'},
	pageDown: {key: 'PgUp/PgDn', match: ['pagedown'], label: 'page', help: ''},
	open: {key: 'enter', match: ['enter'], label: 'details', help: 'the selected backend in full: its whole query text, lock, blockers'},
	close: {key: 'esc', match: ['escape', 'enter'], label: 'close', help: ''},
	sort: {key: 's', match: ['s'], label: 'sort', help: 'sort by age (transaction, else running query) / by how many wait behind a backend'},
	all: {key: 'a', match: ['a'], label: 'all dbs', help: 'every database of the cluster / only this database'},
	filter: {key: '/', match: ['/'], label: 'filter', help: 'filter: pid, user, application, client, state, wait, query, relation (blockers stay shown); esc clears'},
	clear: {key: 'esc', match: ['escape'], label: 'clear filter', help: ''},
	cancel: {key: 'c', match: ['c'], label: 'cancel', help: 'cancel the selected backend\'s query (pg_cancel_backend), after a y/N confirmation; audited'},
	terminate: {key: 'k', match: ['k'], label: 'terminate', help: 'terminate the selected backend (pg_terminate_backend); type its pid to confirm; audited'},
} as const;

type KeyName = keyof typeof keyTable;
const writeKeys: ReadonlySet<KeyName> = new Set(['cancel', 'terminate']);

function bind(name: KeyName, handler: () => void, extra: Partial<KeyBinding> = {}): KeyBinding {
	const {key, match, label} = keyTable[name];
	return {key, match, label, handler, ...(writeKeys.has(name) ? {writes: true} : {}), ...extra};
}

/** The help overlay's table (the same entries as the runtime bindings, with their long descriptions). */
export const keys: KeyBinding[] = [
	...Object.entries(keyTable)
		.filter(([name, entry]) => entry.help && !['close', 'clear'].includes(name) && !writeKeys.has(name as KeyName))
		.map(([, entry]) => ({key: entry.key === '↑↓' ? '↑↓ j' : entry.key, label: entry.help})),
	...refreshKeys,
	...[...writeKeys].map(name => ({key: keyTable[name].key, label: keyTable[name].help, writes: true})),
];

export type ActivityScreenProps = ScreenProps<ActivitySource> & {
	/** Runs cancel/terminate (plan, confirmation, audit); without it (or read-only) `c` and `k` are not offered. */
	readonly actions?: (MaintenanceActions & {readOnly?: boolean}) | undefined;
	readonly intervalMs?: number;
	/** Start with every database of the cluster. */
	readonly all?: boolean;
	readonly clock?: Clock;
	/** Tells the shell a statement runs (q then asks before quitting). */
	setBusy?(running: boolean): void;
};

const clean = (text: string | null | undefined) => sanitizeForTerminal(text);

function stateText(b: ActivityBackend): string {
	if (b.state === null) return '(hidden)';
	return clean(b.state.replace('idle in transaction', 'idle in xact'));
}

function lockText(line: ActivityLine): string {
	const wait = line.backend.lockWait;
	const parts = wait ? [`${wait.mode.replace(/Lock$/, '')} ${clean(wait.relation?.replace(/^public\./, '')) || wait.lockType}`] : [];
	const others = line.alsoBlockedBy.map(pid => (pid === 0 ? '+prepared' : `+${pid}`));
	if (others.length > 0) parts.push(others.join(' '));
	if (line.inCycle) parts.push('cycle');
	return parts.join(' ');
}

function clientText(b: ActivityBackend): string {
	return b.clientAddr ? `${b.clientAddr}${b.clientPort ? `:${b.clientPort}` : ''}` : 'local';
}

function queryText(b: ActivityBackend): string {
	return b.state === null ? '(hidden)' : clean(b.query);
}

/** Minimum width the query keeps before columns are dropped; it then gets whatever the others leave. */
const queryMinWidth = 20;

function columnsFor(cluster: boolean, lines: readonly ActivityLine[]): Array<Column<ActivityLine>> {
	// The tree branches and pid are never cut: a cut branch would hide who waits for whom.
	const pidWidth = Math.min(30, Math.max(3, ...lines.map(l => treePrefix(l).length + String(l.backend.pid).length)));
	return [
		{key: 'pid', header: 'pid', value: l => `${treePrefix(l)}${l.backend.pid}`, width: pidWidth, priority: 0, color: l => (l.blockedCount > 0 ? 'red' : l.backend.blockedBy.length > 0 ? 'yellow' : undefined)},
		{key: 'blocks', header: 'blk', value: l => (l.blockedCount > 0 ? String(l.blockedCount) : ''), width: 3, align: 'right', priority: 3},
		...(cluster ? [{key: 'db', header: 'database', value: (l: ActivityLine) => clean(l.backend.database), minWidth: 6, maxWidth: 14, priority: 4} as Column<ActivityLine>] : []),
		{key: 'user', header: 'user', value: l => clean(l.backend.user), minWidth: 4, maxWidth: 12, priority: 2},
		{key: 'app', header: 'application', value: l => clean(l.backend.application), minWidth: 4, maxWidth: 14, priority: 5},
		{key: 'client', header: 'client', value: l => clientText(l.backend), maxWidth: 21, priority: 7},
		{key: 'state', header: 'state', value: l => stateText(l.backend), minWidth: 6, maxWidth: 13, priority: 1},
		// wait and lock are dropped whole rather than cut: "Exclus…" tells nothing.
		{key: 'wait', header: 'wait', value: l => (l.backend.waitEventType ? clean(`${l.backend.waitEventType}:${l.backend.waitEvent ?? '?'}`) : ''), maxWidth: 18, priority: 4},
		{key: 'lock', header: 'lock', value: lockText, maxWidth: 24, priority: 2},
		{key: 'xact', header: 'xact', value: l => formatSeconds(l.backend.xactSeconds), width: 5, align: 'right', priority: 2},
		{key: 'age', header: 'age', value: l => formatSeconds(l.backend.querySeconds), width: 5, align: 'right', priority: 1},
		{key: 'query', header: 'query', value: l => queryText(l.backend), width: queryMinWidth, priority: 0, grow: true},
	];
}

/** The columns that fit, with the query widened to the rest of the line. */
function fittedColumns(cluster: boolean, lines: readonly ActivityLine[], width: number): Array<Column<ActivityLine>> {
	return layoutColumns(columnsFor(cluster, lines), lines, width).map(({column, width: w}) => ({...column, width: w}));
}

/** The selected backend in full: who, what it waits for, and its whole query text (control characters shown, not run). */
function BackendDetail({line, width, height}: {readonly line: ActivityLine; readonly width: number; readonly height: number}) {
	const b = line.backend;
	const fields: Array<[string, string]> = [
		['pid', `${b.pid}${line.blockedCount > 0 ? ` · ${line.blockedCount} waiting behind it` : ''}`],
		['user', `${clean(b.user)} · ${clean(b.application) || 'no application_name'} · ${clientText(b)}${b.database ? ` · database ${clean(b.database)}` : ''}`],
		['state', `${stateText(b)}${b.waitEventType ? ` · waits on ${clean(`${b.waitEventType}:${b.waitEvent ?? '?'}`)}` : ''}`],
		['ages', `transaction ${formatSeconds(b.xactSeconds)} · query ${formatSeconds(b.querySeconds)}`],
		...(b.blockedBy.length > 0 ? [['blocked by', `${b.blockedBy.map(pid => (pid === 0 ? 'a prepared transaction' : `pid ${pid}`)).join(', ')}${b.lockWait ? ` · ${b.lockWait.mode} on ${clean(b.lockWait.relation) || b.lockWait.lockType}` : ''}`] as [string, string]] : []),
	];
	const text = b.state === null ? '(hidden from this role)' : sanitizeForTerminal(b.query, {oneLine: false}) || '(empty)';
	const queryLines = text.split('\n');
	const room = Math.max(1, height - fields.length - 2);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{fields.map(([name, value]) => (
				<Text key={name} wrap="truncate">
					<Text bold>{`${name.padEnd(10)} `}</Text>
					{truncate(value, Math.max(1, width - 11))}
				</Text>
			))}
			<Text bold>query</Text>
			<Box flexDirection="column" height={room} overflow="hidden">
				{queryLines.map((queryLine, i) => (
					<Text key={i} wrap="wrap">{queryLine || ' '}</Text>
				))}
			</Box>
		</Box>
	);
}

type Action = {request: MaintenanceRequest; line: ActivityLine; id: number};

export default function ActivityScreen(props: ActivityScreenProps) {
	const {data, actions, width, height, isActive, intervalMs, clock, setBusy} = props;
	const color = colorEnabled();
	const allRef = useRef(props.all ?? false);
	const [state, controls] = useRefresh(() => data.snapshot({all: allRef.current}), {intervalMs, clock});
	const now = useNow(1000, clock);
	useReportConnectionLoss(state, props.reportError);
	const [sort, setSort] = useState<ActivitySort>('age');
	const [filter, setFilter] = useState('');
	const [filtering, setFiltering] = useState(false);
	const [detailPid, setDetailPid] = useState<number | null>(null);
	const [action, setAction] = useState<Action | null>(null);
	const [message, setMessage] = useState<{lines: string[]; ok: boolean} | null>(null);

	const snapshot = state.data;
	const roots = useMemo(() => (snapshot ? buildBlockerTree(snapshot.backends, {sort}) : []), [snapshot, sort]);
	const lines = useMemo(() => flattenBlockerTree(filterBlockerTree(roots, filter)), [roots, filter]);
	const messageLines = message ? Math.min(3, message.lines.length) : 0;
	const tableHeight = Math.max(2, height - 2 - messageLines - (filtering ? 1 : 0));
	const nav = useListNavigation({count: lines.length, visibleRows: tableHeight - 1});
	const selected = lines[nav.selected];
	const detail = detailPid === null ? undefined : lines.find(line => line.backend.pid === detailPid);
	const canAct = Boolean(actions) && !actions?.readOnly;
	const columns = useMemo(() => fittedColumns(snapshot?.scope === 'cluster', lines, width), [snapshot, lines, width]);

	const start = useCallback((verb: 'cancel' | 'terminate', line: ActivityLine | undefined) => {
		if (!line) return;
		const b = line.backend;
		// What the screen showed: the runner refuses when the pid is now another session (or, to cancel, another query).
		const expect = {backendStartText: b.backendStartText, ...(verb === 'cancel' ? {queryStartText: b.queryStartText} : {})};
		setMessage(null);
		setAction(current => ({request: {action: verb, pid: b.pid, expect}, line, id: (current?.id ?? 0) + 1}));
	}, []);
	const finish = useCallback((outcome: FlowOutcome) => {
		setAction(null);
		setMessage({lines: outcome.lines, ok: outcome.exitCode === 0});
		controls.refreshNow();
	}, [controls]);

	// Handlers read the selection at key time, so keys typed fast act on the row the previous key moved to.
	const current = () => lines[nav.current()];
	const movement: KeyBinding[] = nav.bindings.length === 0 ? [] : nav.bindings.map(binding => {
		const name = (['up', 'down', 'top', 'bottom', 'pageUp', 'pageDown'] as const).find(n => keyTable[n].match.some(m => binding.match?.includes(m)));
		return name ? {...binding, ...bind(name, binding.handler!), hidden: binding.hidden, footerPriority: binding.footerPriority} : binding;
	});
	const bindings: KeyBinding[] = detail
		? [bind('close', () => setDetailPid(null))]
		: [
			...movement,
			...(selected ? [bind('open', () => setDetailPid(current()?.backend.pid ?? null))] : []),
			...(canAct && selected ? [bind('cancel', () => start('cancel', current())), bind('terminate', () => start('terminate', current()))] : []),
			bind('sort', () => setSort(s => (s === 'age' ? 'blocked' : 'age')), {label: `sort:${sort === 'age' ? 'age' : 'blocked'}`}),
			bind('filter', () => setFiltering(true)),
			...(filter ? [bind('clear', () => setFilter(''))] : []),
			bind('all', () => {
				allRef.current = !allRef.current;
				controls.refreshNow();
			}, {label: allRef.current ? 'this db' : 'all dbs', footerPriority: 1}),
			...refreshBindings(controls, state.paused),
		];
	useKeyBindings(action ? [] : bindings, {isActive: isActive && !action && !filtering, capturing: Boolean(action) || filtering});

	if (action) {
		const b = action.line.backend;
		const verb = action.request.action === 'cancel' ? 'cancel the query of' : 'terminate';
		const head = `${verb} pid ${b.pid} · ${clean(b.user) || '?'} · ${clean(b.application) || 'no application_name'} · ${stateText(b)}`;
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text bold wrap="truncate">{truncate(head, width)}</Text>
				<Text wrap="truncate">{truncate(`query: ${queryText(b) || '(empty)'}`, width)}</Text>
				{actions ? (
					<MaintenanceAction key={action.id} data={actions} request={action.request} width={width} height={Math.max(6, height - 2)} isActive={isActive} onFinish={finish} onRunningChange={setBusy}/>
				) : null}
			</Box>
		);
	}

	const waiting = snapshot ? snapshot.backends.filter(b => b.blockedBy.length > 0).length : 0;
	const blockers = rootBlockers(roots).length;
	const scope = snapshot ? (snapshot.scope === 'cluster' ? 'all databases' : `database ${clean(snapshot.database)}`) : allRef.current ? 'all databases' : 'this database';
	const summary = [
		snapshot ? `${scope}: ${snapshot.backends.length} backend${snapshot.backends.length === 1 ? '' : 's'}, ${waiting} waiting, ${blockers} root blocker${blockers === 1 ? '' : 's'}` : scope,
		`sort: ${sort === 'age' ? 'age' : 'blocked'}`,
		filter ? `filter: "${clean(filter)}"` : '',
	].filter(Boolean).join('  ·  ');

	let body: React.ReactElement;
	if (detail) body = <BackendDetail line={detail} width={width} height={tableHeight}/>;
	else if (!snapshot) {
		body = state.error ? <Text dimColor>no data yet — the first refresh failed (see above)</Text> : <Spinner label="reading pg_stat_activity…"/>;
	} else if (lines.length === 0) {
		body = <Text dimColor>{filter ? `no backend matches "${clean(filter)}" — esc clears the filter` : `no other backends on ${scope}`}</Text>;
	} else {
		body = <DataTable columns={columns} rows={lines} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} rowKey={l => String(l.backend.pid)}/>;
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold={blockers > 0} color={color && blockers > 0 ? 'red' : undefined}>
				{truncate(summary, width)}
			</Text>
			<RefreshLine state={state} now={now} width={width}/>
			{message
				? message.lines.slice(0, 3).map((text, i) => (
						<Text key={`${i}${text}`} wrap="truncate" color={color && i === 0 ? (message.ok ? 'green' : 'red') : undefined}>
							{truncate(clean(text), width)}
						</Text>
					))
				: null}
			<Box height={tableHeight} flexDirection="column">
				{body}
			</Box>
			{filtering ? (
				<FilterInput
					width={width}
					initial={filter}
					isActive={isActive}
					onSubmit={text => {
						setFilter(text);
						setFiltering(false);
						nav.select(0);
					}}
					onCancel={() => setFiltering(false)}
				/>
			) : null}
		</Box>
	);
}
