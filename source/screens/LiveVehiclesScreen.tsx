// Live vehicles: counts by status and connectivity, and the vehicles that need attention first (offline, stale,
// low SoC, hot pack), refreshed on an interval; rows that changed in the last refresh are marked for one cycle.
import React, {useMemo, useRef, useState} from 'react';
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
import {loadedFromRefresh, useReloadOnChange} from '../app/use-load.js';
import {liveListKeys, refreshBindings, refreshKeys, useNow, useRefresh, useReportConnectionLoss} from '../app/use-refresh.js';
import {connectivityCycle, nextInCycle, vehicleStatusCycle, type Connectivity, type LiveVehicleRow, type LiveVehiclesData, type LiveVehiclesSnapshot, type VehicleStatus} from '../model/live-data.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [
	...liveListKeys,
	{key: 'enter', label: 'inspect the vehicle'},
	...refreshKeys,
	{key: 'f', label: 'cycle the status filter (active, charging, idle, maintenance, offline)'},
	{key: 'c', label: 'cycle the connectivity filter (online, stale, offline)'},
];

export type LiveVehiclesScreenProps = ScreenProps<LiveVehiclesData> & {
	readonly intervalMs?: number;
	readonly status?: VehicleStatus | null;
	readonly connectivity?: Connectivity | null;
	/** Vehicles fetched per refresh (the counts always cover all of them). */
	readonly limit?: number;
	/** Only this fleet (id). */
	readonly fleetId?: string | null;
	readonly clock?: Clock;
};

const connectivityColor: Record<string, string> = {online: 'green', stale: 'yellow', offline: 'red'};
const attentionText: Record<string, string> = {offline: 'offline', stale: 'stale', 'low-soc': 'low SoC', 'hot-pack': 'hot pack', maintenance: 'maint'};

/** "███░░ 45%": a five-cell bar and the percentage. */
export function socCell(socPct: number | null, ascii = false): string {
	if (socPct === null) return '-';
	return `${formatBar(socPct, 100, 5, ascii)} ${String(Math.round(socPct)).padStart(3)}%`;
}

export function locationCell(latitude: number | null, longitude: number | null): string {
	if (latitude === null || longitude === null) return '-';
	return `${latitude.toFixed(4)},${longitude.toFixed(4)}`;
}

// What a person sees in a row; a change in any of it marks the row for one refresh. The ticking age is left out.
function fingerprint(row: LiveVehicleRow): string {
	const r = (value: number | null, digits = 0) => (value === null ? '-' : value.toFixed(digits));
	return [row.status, row.connectivity, row.attention, r(row.socPct), r(row.speedKmh), r(row.powerKw, 1), r(row.latitude, 4), r(row.longitude, 4)].join('|');
}

/** "1 000 vehicles  active 600 · charging 100 · …" and "online 900 · stale 50 · offline 50". */
export function countsLines(snapshot: LiveVehiclesSnapshot): [string, string] {
	const {counts} = snapshot;
	const s = counts.byStatus;
	const c = counts.byConnectivity;
	return [
		`${formatNumber(counts.vehicles)} vehicles  active ${formatNumber(s.active)} · charging ${formatNumber(s.charging)} · idle ${formatNumber(s.idle)} · maint ${formatNumber(s.maintenance)} · offline ${formatNumber(s.offline)}`,
		`online ${formatNumber(c.online)} · stale ${formatNumber(c.stale)} · offline ${formatNumber(c.offline)}`,
	];
}

export default function LiveVehiclesScreen(props: LiveVehiclesScreenProps) {
	const {data, width, height, isActive, navigate, intervalMs, limit = 200, fleetId, clock} = props;
	const [status, setStatus] = useState<VehicleStatus | null>(props.status ?? null);
	const [connectivity, setConnectivity] = useState<Connectivity | null>(props.connectivity ?? null);
	const filter = useRef({status, connectivity});
	filter.current = {status, connectivity};
	const [state, controls] = useRefresh(() => data.snapshot({...filter.current, fleetId, limit}), {intervalMs, clock});
	const now = useNow(1000, clock);
	useReportConnectionLoss(state, props.reportError);
	const color = colorEnabled();
	const snapshot = state.data;
	const rows = snapshot?.rows ?? [];
	const changed = useMemo(
		() => changedKeys(state.previous?.rows, rows, row => row.id, fingerprint),
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the generation changes exactly when rows and previous do
		[state.generation],
	);
	// Ages come from the server's clock (snapshot.at), carried forward by the local one between refreshes.
	const skewMs = snapshot && state.updatedAt !== undefined ? snapshot.at.getTime() - state.updatedAt : 0;
	const serverNow = now + skewMs;

	const headerLines = 3; // counts (2) + refresh line
	const tableHeight = Math.max(2, height - headerLines);
	const nav = useListNavigation({count: rows.length, visibleRows: tableHeight - 1});
	const selected = rows[nav.selected];

	const setFilter = (apply: () => void) => {
		apply();
		nav.select(0);
	};
	useReloadOnChange(controls.refreshNow, [status, connectivity]);
	const bindings: KeyBinding[] = [
		...nav.bindings,
		...(selected ? [{key: 'enter', label: 'inspect', match: ['enter'], handler: () => navigate('vehicle', selected.id, selected.plate ?? selected.vin)}] : []),
		...refreshBindings(controls, state.paused),
		{key: 'f', label: `status:${status ?? 'all'}`, handler: () => setFilter(() => setStatus(current => nextInCycle(vehicleStatusCycle, current)))},
		{key: 'c', label: `conn:${connectivity ?? 'all'}`, handler: () => setFilter(() => setConnectivity(current => nextInCycle(connectivityCycle, current)))},
	];
	// Keys typed ahead of the first rows (`:live⏎jjj`) wait for them.
	useKeyBindings(bindings, {isActive, waiting: loadedFromRefresh(state).status === 'loading'});

	const ascii = !color;
	const columns: Column<LiveVehicleRow>[] = [
		{key: 'vehicle', header: 'Vehicle', value: v => v.plate ?? v.vin, minWidth: 7, maxWidth: 17, priority: 0},
		{key: 'soc', header: 'SoC', value: v => socCell(v.socPct, ascii), width: 10, priority: 0, color: v => (v.socPct !== null && v.socPct < 20 ? 'red' : undefined)},
		{key: 'alert', header: 'Alert', value: v => (v.attention ? attentionText[v.attention] ?? v.attention : ''), minWidth: 8, maxWidth: 8, priority: 1, color: v => (v.attention === 'offline' || v.attention === 'hot-pack' ? 'red' : v.attention ? 'yellow' : undefined)},
		{key: 'seen', header: 'Seen', value: v => (v.lastSeenAt ? formatSeconds(Math.max(0, (serverNow - v.lastSeenAt.getTime()) / 1000)) : 'never'), width: 5, align: 'right', priority: 1, color: v => connectivityColor[v.connectivity]},
		{key: 'speed', header: 'km/h', value: v => (v.speedKmh === null ? '-' : String(Math.round(v.speedKmh))), width: 4, align: 'right', priority: 2},
		{key: 'power', header: 'kW', value: v => (v.powerKw === null ? '-' : v.powerKw.toFixed(1)), width: 6, align: 'right', priority: 3},
		{key: 'status', header: 'Status', value: v => v.status, minWidth: 8, maxWidth: 11, priority: 4},
		{key: 'location', header: 'Location', value: v => locationCell(v.latitude, v.longitude), minWidth: 16, maxWidth: 17, priority: 5},
		{key: 'fleet', header: 'Fleet', value: v => v.fleetName, minWidth: 10, maxWidth: 20, priority: 7},
		{key: 'model', header: 'Model', value: v => `${v.make} ${v.model}`, minWidth: 12, maxWidth: 22, priority: 8},
	];

	const filters = [status ? `status: ${status}` : '', connectivity ? `conn: ${connectivity}` : '', snapshot && snapshot.counts.matching > rows.length ? `top ${rows.length} of ${formatNumber(snapshot.counts.matching)}` : ''].filter(Boolean).join(' · ');
	const [countsTop, countsBottom] = snapshot ? countsLines(snapshot) : ['Live vehicles', ''];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold color={color ? 'cyan' : undefined}>
				{truncate(countsTop, width)}
			</Text>
			<Text wrap="truncate">{truncate(countsBottom, width)}</Text>
			<RefreshLine state={state} now={now} width={width} replicaLagMs={state.data?.replicaLagMs} note={filters || undefined}/>
			{loadedFromRefresh(state).status === 'loading' ? (
				<Box height={tableHeight}>
					<Spinner label="loading live vehicles"/>
				</Box>
			) : rows.length === 0 ? (
				<Box height={tableHeight}>
					<Text dimColor>{snapshot ? (status || connectivity ? 'no vehicles match — f/c change the filters' : 'no vehicles in service') : 'no data yet'}</Text>
				</Box>
			) : (
				<DataTable
					columns={columns}
					rows={rows}
					width={width}
					height={tableHeight}
					selected={nav.selected}
					offset={nav.offset}
					rowKey={v => v.id}
					flag={v => changed.has(v.id)}
					flagMarker="*"
				/>
			)}
		</Box>
	);
}
