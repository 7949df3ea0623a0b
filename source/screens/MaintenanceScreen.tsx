// Maintenance: the DBA's view. Health (partitions ahead, view staleness, issues), tables (sizes, dead tuples,
// vacuum/analyze), index problems, long-running queries and lock waits, the audit log — and the actions, each
// behind a confirmation, run on their own connection with progress and esc to cancel.
import React, {useCallback, useEffect, useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import {useKeyBindings, type KeyBinding} from '../app/keys.js';
import {DataTable, listKeys, useListNavigation, type Column} from '../components/DataTable.js';
import {Spinner} from '../components/Spinner.js';
import {truncate} from '../text/cells.js';
import {formatBytes, formatDuration, formatNumber, formatSeconds} from '../text/formats.js';
import {colorEnabled, textAttributesEnabled} from '../text/terminal.js';
import {MaintenanceAction, type FlowOutcome} from './MaintenanceAction.js';
import type {LogEntry, MaintenanceData, MaintenanceHealth, MaintenanceRequest} from '../model/maintenance-data.js';
import {auditClaimedParty, auditServerParty} from '../model/maintenance.js';
import type {ScreenProps} from './screen-props.js';

export const tabs = ['overview', 'tables', 'indexes', 'activity', 'log'] as const;
export type MaintenanceTab = (typeof tabs)[number];
const tabTitles: Record<MaintenanceTab, string> = {overview: 'Overview', tables: 'Tables', indexes: 'Indexes', activity: 'Activity', log: 'Log'};

export const keys: KeyBinding[] = [
	...listKeys,
	{key: 'tab', label: 'next section: overview, tables, indexes, activity, log'},
	{key: 'S-tab', label: 'previous section', match: ['backtab']},
	{key: 'c', label: 'create partitions ahead (selected table, or all)', writes: true},
	{key: 'd', label: 'detach partitions older than 12 months (selected table); asks for the name', writes: true},
	{key: 'f', label: 'refresh the selected materialized view (or all)', writes: true},
	{key: 'v', label: 'VACUUM the selected table', writes: true},
	{key: 'a', label: 'ANALYZE the selected table', writes: true},
	{key: 'i', label: 'REINDEX CONCURRENTLY the selected table or index', writes: true},
	{key: 'enter', label: 'activity: open the :activity view (every backend, blocker tree, cancel and terminate)'},
	{key: 'r', label: 'reload'},
	{key: 'esc', label: 'while an action runs: cancel it on the server', writes: true},
];

const markWrites = (bindings: KeyBinding[]): KeyBinding[] => bindings.map(binding => ({...binding, writes: true}));

export const matviewArgs = ['battery_health_trends', 'energy_efficiency_metrics'] as const;

type OverviewRow =
	| {kind: 'partitions'; name: string; covers: string; ahead: string; extra: string; state: string; bad: boolean}
	| {kind: 'matview'; name: string; covers: string; ahead: string; extra: string; state: string; bad: boolean};

export function overviewRows(health: MaintenanceHealth): OverviewRow[] {
	const rows: OverviewRow[] = health.partitions.map(p => ({
		kind: 'partitions',
		name: p.table,
		covers: p.firstMonth ? `${p.firstMonth}..${p.lastMonth}` : 'no partitions',
		ahead: `${p.monthsAhead} mo ahead`,
		extra: p.defaultRows > 0 ? `${formatNumber(p.defaultRows)} in default` : 'default empty',
		state: p.currentMonthMissing || p.nextMonthMissing ? 'NEXT MONTH MISSING' : p.defaultRows > 0 ? 'rows in default' : 'ok',
		bad: p.currentMonthMissing || p.nextMonthMissing || p.defaultRows > 0,
	}));
	for (const m of health.matviews) {
		rows.push({
			kind: 'matview',
			name: m.view,
			covers: m.lastRefreshAt ? `refreshed ${formatSeconds(m.ageSeconds)} ago` : 'never refreshed',
			ahead: m.lastDurationMs === null ? '-' : `took ${formatDuration(m.lastDurationMs)}`,
			extra: formatBytes(m.totalBytes),
			state: !m.exists ? 'missing' : m.stale ? `STALE (>${formatSeconds(m.maxAgeSeconds)})` : 'ok',
			bad: m.stale,
		});
	}
	return rows;
}

const overviewColumns: Column<OverviewRow>[] = [
	{key: 'name', header: 'object', value: r => r.name, minWidth: 18, priority: 0},
	{key: 'covers', header: 'months / refreshed', value: r => r.covers, priority: 2},
	{key: 'ahead', header: 'ahead / took', value: r => r.ahead, priority: 3},
	{key: 'extra', header: 'default / size', value: r => r.extra, priority: 4},
	{key: 'state', header: 'state', value: r => r.state, priority: 1, color: r => (r.bad ? 'red' : 'green')},
];

type TableRow = MaintenanceHealth['tables'][number];
const latest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : a ?? b);
const tableColumns: Column<TableRow>[] = [
	{key: 'table', header: 'table', value: r => r.table, minWidth: 16, maxWidth: 34, priority: 0},
	{key: 'total', header: 'size', value: r => formatBytes(r.totalBytes), align: 'right', priority: 1},
	{key: 'idx', header: 'indexes', value: r => formatBytes(r.indexBytes), align: 'right', priority: 4},
	{key: 'dead', header: 'dead', value: r => formatNumber(r.deadTuples), align: 'right', priority: 2, color: r => (r.deadTuples > 10_000 && r.deadTuples > 0.2 * (r.liveTuples + r.deadTuples) ? 'yellow' : undefined)},
	{key: 'live', header: 'live', value: r => formatNumber(r.liveTuples), align: 'right', priority: 5},
	{key: 'vac', header: 'vacuumed', value: r => ageOf(latest(r.lastVacuum, r.lastAutovacuum)), align: 'right', priority: 3},
	{key: 'ana', header: 'analyzed', value: r => ageOf(latest(r.lastAnalyze, r.lastAutoanalyze)), align: 'right', priority: 3},
];

function ageOf(date: Date | null): string {
	return date ? `${formatSeconds((Date.now() - date.getTime()) / 1000)} ago` : 'never';
}

type IndexRow = MaintenanceHealth['indexes'][number];
const indexColumns: Column<IndexRow>[] = [
	{key: 'index', header: 'index', value: r => r.index, minWidth: 20, maxWidth: 40, priority: 0},
	{key: 'problem', header: 'problem', value: r => (r.duplicateOf ? `dup of ${r.duplicateOf}` : r.problem), priority: 1, maxWidth: 30, color: r => (r.problem === 'invalid' ? 'red' : 'yellow')},
	{key: 'size', header: 'size', value: r => formatBytes(r.bytes), align: 'right', priority: 2},
	{key: 'scans', header: 'scans', value: r => formatNumber(r.scans), align: 'right', priority: 4},
	{key: 'table', header: 'table', value: r => r.table, priority: 3},
];

const logColumns: Column<LogEntry>[] = [
	{key: 'when', header: 'started', value: r => r.startedAt.toISOString().slice(5, 16).replace('T', ' '), priority: 0},
	// the server's view (login@address, set by a trigger) beside what the client claimed (os user@host)
	{key: 'who', header: 'who (server)', value: r => auditServerParty(r), minWidth: 16, maxWidth: 24, priority: 2},
	{key: 'claimed', header: 'claimed', value: r => auditClaimedParty(r), minWidth: 12, maxWidth: 24, priority: 3},
	{key: 'action', header: 'action', value: r => r.action, priority: 0},
	{key: 'target', header: 'target', value: r => r.target ?? '', minWidth: 10, maxWidth: 28, priority: 3},
	{key: 'outcome', header: 'outcome', value: r => r.outcome ?? 'running?', priority: 1, color: r => (r.outcome === 'done' ? 'green' : r.outcome === 'failed' || r.outcome === 'cancelled' ? 'red' : undefined)},
	{key: 'error', header: 'error', value: r => r.error ?? '', maxWidth: 40, priority: 4},
];

type Load = {state: 'loading'} | {state: 'error'; message: string} | {state: 'data'; health: MaintenanceHealth; log: LogEntry[]};

export type MaintenanceScreenProps = ScreenProps<MaintenanceData> & {
	readonly initialTab?: MaintenanceTab;
	/** Tells the shell an action runs (q then asks before quitting). */
	setBusy?(running: boolean): void;
};

/** The request an argument opens with: `:maint battery_health_trends` (from the battery view) offers a refresh. */
export function requestForArg(arg: string | undefined): MaintenanceRequest | null {
	if (!arg) return null;
	if ((matviewArgs as readonly string[]).includes(arg)) return {action: 'refresh', view: arg as (typeof matviewArgs)[number]};
	if (arg === 'refresh') return {action: 'refresh', view: 'all'};
	return null;
}

export function MaintenanceScreen({data, width, height, isActive, arg, reportError, setBusy, navigate, initialTab = 'overview'}: MaintenanceScreenProps) {
	const color = colorEnabled();
	const [tab, setTab] = useState<MaintenanceTab>(initialTab);
	const [load, setLoad] = useState<Load>({state: 'loading'});
	const [generation, setGeneration] = useState(0);
	const [action, setAction] = useState<{request: MaintenanceRequest; id: number} | null>(() => {
		const request = requestForArg(arg);
		return request ? {request, id: 1} : null;
	});
	const [message, setMessage] = useState<{lines: string[]; ok: boolean} | null>(null);

	useEffect(() => {
		let cancelled = false;
		setLoad(current => (current.state === 'data' ? current : {state: 'loading'}));
		Promise.all([data.health(), data.log(50)]).then(
			([health, log]) => {
				if (!cancelled) setLoad({state: 'data', health, log});
			},
			(error: unknown) => {
				if (cancelled) return;
				setLoad({state: 'error', message: error instanceof Error ? error.message.split('\n')[0]! : String(error)});
				reportError?.(error);
			},
		);
		return () => {
			cancelled = true;
		};
	}, [data, generation, reportError]);

	const health = load.state === 'data' ? load.health : null;
	const rows = useMemo<readonly unknown[]>(() => {
		if (load.state !== 'data') return [];
		switch (tab) {
			case 'overview':
				return overviewRows(load.health);
			case 'tables':
				return load.health.tables;
			case 'indexes':
				return load.health.indexes;
			case 'activity':
				return [];
			case 'log':
				return load.log;
		}
	}, [load, tab]);

	const issues = health?.issues ?? [];
	const issueLines = tab === 'overview' ? Math.min(issues.length, Math.max(0, height - 6 - rows.length - 2)) : 0;
	const messageLines = message ? Math.min(message.lines.length, 3) : 0;
	const tableHeight = Math.max(3, height - 2 - messageLines - (tab === 'overview' ? (issues.length > 0 ? issueLines + 1 : 1) : 0));
	const nav = useListNavigation({count: rows.length, visibleRows: Math.max(1, tableHeight - 1)});

	const start = useCallback((request: MaintenanceRequest) => {
		setMessage(null);
		setAction(current => ({request, id: (current?.id ?? 0) + 1}));
	}, []);

	const finish = useCallback((outcome: FlowOutcome) => {
		setAction(null);
		setMessage({lines: outcome.lines, ok: outcome.exitCode === 0});
		setGeneration(g => g + 1);
	}, []);

	// Handlers read the selection at key time (nav.current()), so "j v" typed fast acts on the row j moved to.
	const selectionAt = (index: number) => {
		const row = rows[index];
		const overview = tab === 'overview' ? (row as OverviewRow | undefined) : undefined;
		return {
			table: tab === 'tables' ? (row as TableRow | undefined)?.table : overview?.kind === 'partitions' ? overview.name : undefined,
			view: overview?.kind === 'matview' ? (overview.name as (typeof matviewArgs)[number]) : undefined,
			index: tab === 'indexes' ? (row as IndexRow | undefined)?.index : undefined,
		};
	};
	const current = () => selectionAt(nav.current());
	const {table: selectedTable, view: selectedView, index: selectedIndex} = selectionAt(nav.selected);

	// With --readonly (data.readOnly) no action key is offered at all: the footer only shows what works.
	const actionBindings: KeyBinding[] = data.readOnly ? [] : markWrites([
		...(tab === 'overview' ? [
			{key: 'c', label: 'create partitions', handler: () => start({action: 'partitions.create', ahead: 3, table: current().table})},
			...(selectedTable ? [{key: 'd', label: 'detach old', handler: () => {
				const table = current().table;
				if (table) start({action: 'partitions.detach', olderThanMonths: 12, table});
			}}] : []),
			{key: 'f', label: selectedView ? 'refresh view' : 'refresh views', handler: () => start({action: 'refresh', view: current().view ?? 'all'})},
		] : []),
		...(selectedTable && tab === 'tables' ? [
			{key: 'v', label: 'vacuum', handler: () => start({action: 'vacuum', table: current().table, analyze: false})},
			{key: 'a', label: 'analyze', handler: () => start({action: 'analyze', table: current().table})},
			{key: 'i', label: 'reindex', handler: () => start({action: 'reindex', name: current().table!})},
		] : []),
		...(selectedIndex ? [{key: 'i', label: 'reindex', handler: () => start({action: 'reindex', name: current().index!})}] : []),
	]);
	const bindings: KeyBinding[] = [
		...nav.bindings,
		{key: 'tab', label: 'section', match: ['tab'], handler: () => {
			setTab(t => tabs[(tabs.indexOf(t) + 1) % tabs.length]!);
			nav.select(0);
		}},
		{key: 'S-tab', label: 'previous section', match: ['backtab'], hidden: true, handler: () => {
			setTab(t => tabs[(tabs.indexOf(t) - 1 + tabs.length) % tabs.length]!);
			nav.select(0);
		}},
		...actionBindings,
		// One Activity view for the console: this section only leads to it.
		...(tab === 'activity' ? [{key: 'enter', label: 'open :activity', match: ['enter'], handler: () => navigate('activity')}] : []),
		{key: 'r', label: 'reload', handler: () => setGeneration(g => g + 1), footerPriority: 1},
	];
	// While an action is on screen it owns the keyboard (its dialog, esc to cancel); the shell's keys wait.
	useKeyBindings(action ? [] : bindings, {isActive: isActive && !action, capturing: Boolean(action)});

	const tabLine = (
		<Text wrap="truncate">
			{tabs.map((t, i) => (
				<Text key={t}>
					{i > 0 ? ' ' : ''}
					{t === tab ? <Text bold inverse={textAttributesEnabled()}>{textAttributesEnabled() ? ` ${tabTitles[t]} ` : `[${tabTitles[t]}]`}</Text> : <Text dimColor>{` ${tabTitles[t]} `}</Text>}
				</Text>
			))}
			{health ? <Text dimColor>{`  ${issues.filter(i => i.severity === 'action').length} need action · ${issues.filter(i => i.severity === 'warn').length} warnings`}</Text> : null}
		</Text>
	);

	if (action) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<MaintenanceAction key={action.id} data={data} request={action.request} width={width} height={height} isActive={isActive} onFinish={finish} onRunningChange={setBusy} />
			</Box>
		);
	}

	let body: React.ReactElement;
	if (load.state === 'loading') body = <Spinner label="reading catalog and statistics…" />;
	else if (load.state === 'error') body = <Text color={color ? 'red' : undefined} wrap="truncate">{`could not read maintenance health: ${load.message} (r retries)`}</Text>;
	else if (tab === 'activity') {
		const waits = load.health.activity.filter(row => row.blockedBy.length > 0).length;
		body = <Text wrap="truncate">{truncate(`${load.health.activity.length} long-running or waiting, ${waits} waiting for a lock — enter opens :activity (blocker tree, cancel, terminate)`, width)}</Text>;
	} else if (rows.length === 0) body = <Text dimColor>{tab === 'log' ? 'no maintenance recorded yet' : tab === 'indexes' ? 'no invalid, duplicate or unused indexes' : 'nothing here'}</Text>;
	else {
		const table = (() => {
			switch (tab) {
				case 'overview':
					return <DataTable columns={overviewColumns} rows={rows as OverviewRow[]} width={width} height={Math.min(tableHeight, rows.length + 1)} selected={nav.selected} offset={nav.offset} flag={r => r.bad} />;
				case 'tables':
					return <DataTable columns={tableColumns} rows={rows as TableRow[]} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} />;
				case 'indexes':
					return <DataTable columns={indexColumns} rows={rows as IndexRow[]} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} />;
				case 'log':
					return <DataTable columns={logColumns} rows={rows as LogEntry[]} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} />;
			}
		})();
		body = (
			<Box flexDirection="column">
				{table}
				{tab === 'overview' ? (
					issues.length === 0 ? (
						<Text color={color ? 'green' : undefined}>nothing needs attention</Text>
					) : (
						<Box flexDirection="column">
							<Text bold>{`needs attention (${issues.length})`}</Text>
							{issues.slice(0, issueLines).map((issue, i) => (
								<Text key={`${i}${issue.subject}`} wrap="truncate" color={color && issue.severity === 'action' ? 'red' : undefined}>
									{truncate(`${issue.severity === 'action' ? '!' : '·'} ${issue.subject}: ${issue.message}`, width)}
								</Text>
							))}
						</Box>
					)
				) : null}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			{tabLine}
			{message
				? message.lines.slice(0, 3).map((line, i) => (
						<Text key={`${i}${line}`} wrap="truncate" color={color && i === 0 ? (message.ok ? 'green' : 'red') : undefined}>
							{truncate(line, width)}
						</Text>
					))
				: null}
			{body}
		</Box>
	);
}

export default MaintenanceScreen;
