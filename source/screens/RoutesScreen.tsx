// Routes, live: assignments in progress with waypoints done / total, the next waypoint and its distance, ETA
// drift, and charge left against energy still needed — those that cannot finish without a charge come first.
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import {useKeyBindings, type KeyBinding} from '../app/keys.js';
import {changedKeys, type Clock} from '../app/refresh.js';
import {DataTable, useListNavigation, type Column} from '../components/DataTable.js';
import {RefreshLine} from '../app/RefreshLine.js';
import {Spinner} from '../components/Spinner.js';
import {truncate} from '../text/cells.js';
import {formatBar, formatNumber, formatSeconds} from '../text/formats.js';
import {colorEnabled} from '../text/terminal.js';
import {loadedFromRefresh} from '../app/use-load.js';
import {liveListKeys, refreshBindings, refreshKeys, useNow, useRefresh, useReportConnectionLoss} from '../app/use-refresh.js';
import type {RouteRow, RoutesData, RoutesSnapshot} from '../model/live-data.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [...liveListKeys, {key: 'enter', label: 'inspect the vehicle'}, ...refreshKeys];

export type RoutesScreenProps = ScreenProps<RoutesData> & {
	readonly intervalMs?: number;
	readonly fleetId?: string | null;
	/** Assignments per refresh. */
	readonly limit?: number;
	readonly clock?: Clock;
};

/** "███░░ 3/10" */
export function progressCell(done: number, total: number, ascii = false): string {
	return `${formatBar(total > 0 ? done / total : 0, 1, 5, ascii)} ${done}/${total}`;
}

/** "+12m" late, "-3m" early, "on time" within a minute. */
export function driftCell(seconds: number | null): string {
	if (seconds === null) return '-';
	if (Math.abs(seconds) < 60) return 'on time';
	return `${seconds > 0 ? '+' : '-'}${formatSeconds(Math.abs(seconds))}`;
}

/** "12/30 kWh": available above the reserve / needed to the next planned charge (or the end). */
export function energyCell(row: Pick<RouteRow, 'availableKwh' | 'neededKwh'>): string {
	const kwh = (value: number | null) => (value === null ? '?' : String(Math.round(value)));
	return `${kwh(row.availableKwh)}/${kwh(row.neededKwh)} kWh`;
}

export function nextCell(row: Pick<RouteRow, 'nextWaypointName' | 'nextWaypointSequence' | 'nextDistanceM'>): string {
	if (row.nextWaypointSequence === null) return 'last stop reached';
	const name = row.nextWaypointName ?? `#${row.nextWaypointSequence}`;
	return row.nextDistanceM === null ? name : `${name} ${(row.nextDistanceM / 1000).toFixed(1)} km`;
}

export function summaryLine(snapshot: RoutesSnapshot): string {
	const {summary} = snapshot;
	return `routes in progress ${formatNumber(summary.inProgress)} · late ${formatNumber(summary.late)} · cannot finish without a charge ${formatNumber(summary.cannotFinish)}`;
}

function fingerprint(row: RouteRow): string {
	return [row.waypointsDone, row.nextWaypointSequence, Math.round((row.nextDistanceM ?? -1) / 100), Math.round((row.etaDriftSeconds ?? 0) / 60), Math.round(row.socPct ?? -1), row.cannotFinish].join('|');
}

export default function RoutesScreen(props: RoutesScreenProps) {
	const {data, width, height, isActive, navigate, intervalMs, fleetId, limit = 200, clock} = props;
	const [state, controls] = useRefresh(() => data.snapshot({fleetId, limit}), {intervalMs, clock});
	const now = useNow(1000, clock);
	useReportConnectionLoss(state, props.reportError);
	const color = colorEnabled();
	const ascii = !color;
	const snapshot = state.data;
	const rows = snapshot?.rows ?? [];
	const changed = useMemo(
		() => changedKeys(state.previous?.rows, rows, row => row.assignmentId, fingerprint),
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the generation changes exactly when rows and previous do
		[state.generation],
	);
	const tableHeight = Math.max(2, height - 2);
	const nav = useListNavigation({count: rows.length, visibleRows: tableHeight - 1});
	const selected = rows[nav.selected];
	useKeyBindings(
		[
			...nav.bindings,
			...(selected ? [{key: 'enter', label: 'inspect', match: ['enter'], handler: () => navigate('vehicle', selected.vehicleId, selected.plate ?? selected.vin)}] : []),
			...refreshBindings(controls, state.paused),
		],
		{isActive, waiting: loadedFromRefresh(state).status === 'loading'},
	);

	const columns: Column<RouteRow>[] = [
		{key: 'vehicle', header: 'Vehicle', value: r => r.plate ?? r.vin, minWidth: 8, maxWidth: 17, priority: 0},
		{key: 'progress', header: 'Done', value: r => progressCell(r.waypointsDone, r.waypointsTotal, ascii), minWidth: 11, maxWidth: 11, priority: 0},
		{key: 'next', header: 'Next', value: r => (r.nextWaypointSequence === null ? 'last reached' : r.nextWaypointName ?? `#${r.nextWaypointSequence}`), minWidth: 10, maxWidth: 22, priority: 3},
		{key: 'distance', header: 'Dist', value: r => (r.nextDistanceM === null ? '-' : `${(r.nextDistanceM / 1000).toFixed(1)}km`), minWidth: 6, maxWidth: 7, align: 'right', priority: 1},
		{key: 'drift', header: 'ETA', value: r => driftCell(r.etaDriftSeconds), width: 7, align: 'right', priority: 1, color: r => ((r.etaDriftSeconds ?? 0) > 300 ? 'yellow' : undefined)},
		{key: 'soc', header: 'SoC', value: r => (r.socPct === null ? '-' : `${Math.round(r.socPct)}%`), width: 4, align: 'right', priority: 2},
		{key: 'energy', header: 'Have/need', value: energyCell, minWidth: 11, maxWidth: 13, align: 'right', priority: 2},
		{key: 'flag', header: 'Charge', value: r => (r.cannotFinish ? "CAN'T FINISH" : r.nextChargeStopSequence !== null ? `stop #${r.nextChargeStopSequence}` : 'ok'), width: 12, priority: 0, color: r => (r.cannotFinish ? 'red' : undefined)},
		{key: 'driver', header: 'Driver', value: r => r.driverName ?? '-', minWidth: 12, maxWidth: 18, priority: 4},
		{key: 'route', header: 'Route', value: r => r.routeName, minWidth: 12, maxWidth: 24, priority: 5},
	];

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold color={color ? 'cyan' : undefined}>
				{truncate(snapshot ? summaryLine(snapshot) : 'Routes', width)}
			</Text>
			<RefreshLine state={state} now={now} width={width} replicaLagMs={state.data?.replicaLagMs}/>
			{loadedFromRefresh(state).status === 'loading' ? (
				<Box height={tableHeight}>
					<Spinner label="loading routes"/>
				</Box>
			) : rows.length === 0 ? (
				<Box height={tableHeight}>
					<Text dimColor>{snapshot ? 'no route in progress' : 'no data yet'}</Text>
				</Box>
			) : (
				<DataTable columns={columns} rows={rows} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} rowKey={r => r.assignmentId} flag={r => changed.has(r.assignmentId)} flagMarker="*"/>
			)}
		</Box>
	);
}
