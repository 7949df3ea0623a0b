// Charging, live: sessions in progress (kW now, kWh, SoC start → now, cost so far, V2G direction) above a
// station board (connectors by status, 24 h utilisation, stale heartbeats). tab moves between the two tables.
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
import {connectorStatusCycle, nextInCycle, type Area, type ChargingData, type ChargingSessionRow, type ChargingSnapshot, type ConnectorStatus, type StationBoardRow} from '../model/live-data.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [
	...liveListKeys,
	{key: 'tab', label: 'move between sessions and stations (Shift-Tab too)', match: ['tab', 'backtab']},
	{key: 'enter', label: 'inspect the vehicle of the selected session'},
	...refreshKeys,
	{key: 's', label: 'cycle the connector status filter of the station board'},
];

export type ChargingScreenProps = ScreenProps<ChargingData> & {
	readonly intervalMs?: number;
	readonly fleetId?: string | null;
	readonly near?: Area | null;
	readonly connectorStatus?: ConnectorStatus | null;
	/** Sessions and stations per refresh. */
	readonly limit?: number;
	readonly clock?: Clock;
};

/** "1h 05m", "12m 30s": elapsed time of a session. */
export function formatElapsed(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "22→58% ██░░": SoC at the start, now, and a four-cell bar of now. */
export function socProgressCell(start: number | null, now: number | null, ascii = false): string {
	const pct = (value: number | null) => (value === null ? '?' : String(Math.round(value)));
	return `${pct(start)}→${pct(now)}% ${formatBar(now, 100, 4, ascii)}`;
}

export function directionCell(row: Pick<ChargingSessionRow, 'isV2g' | 'direction'>): string {
	if (row.direction === 'to_grid') return 'V2G→grid';
	return row.isV2g ? 'V2G←grid' : '';
}

/** Sessions, stations and connectors by status on one line; a compact form when the long one does not fit. */
export function summaryLine(snapshot: ChargingSnapshot, width = 200): string {
	const {summary} = snapshot;
	const c = summary.connectors;
	const n = formatNumber;
	const long = [
		`sessions ${n(summary.activeSessions)}${summary.v2gSessions ? ` (V2G ${n(summary.v2gSessions)})` : ''}`,
		`stations ${n(summary.stations)}${summary.staleStations ? ` (stale ${n(summary.staleStations)})` : ''}`,
		`connectors free ${n(c.available)} · busy ${n(c.occupied)} · fault ${n(c.faulted)} · off ${n(c.offline)}`,
	].join(' · ');
	if (long.length <= width) return long;
	return `sess ${n(summary.activeSessions)} V2G ${n(summary.v2gSessions)} │ stn ${n(summary.stations)} stale ${n(summary.staleStations)} │ free ${n(c.available)} busy ${n(c.occupied)} flt ${n(c.faulted)} off ${n(c.offline)}`;
}

function sessionFingerprint(row: ChargingSessionRow): string {
	return [row.powerKw.toFixed(1), row.energyKwh.toFixed(1), Math.round(row.socPct ?? -1), row.direction, row.costSoFar?.toFixed(2)].join('|');
}

function stationFingerprint(row: StationBoardRow): string {
	return [row.available, row.occupied, row.reserved, row.faulted, row.offline, row.heartbeatStale, row.status].join('|');
}

export default function ChargingScreen(props: ChargingScreenProps) {
	const {data, width, height, isActive, navigate, intervalMs, fleetId, near, limit = 200, clock} = props;
	const [connectorStatus, setConnectorStatus] = useState<ConnectorStatus | null>(props.connectorStatus ?? null);
	const [focus, setFocus] = useState<'sessions' | 'stations'>('sessions');
	const filter = useRef(connectorStatus);
	filter.current = connectorStatus;
	const [state, controls] = useRefresh(() => data.snapshot({fleetId, near, connectorStatus: filter.current, sessionLimit: limit, stationLimit: limit}), {intervalMs, clock});
	const now = useNow(1000, clock);
	useReportConnectionLoss(state, props.reportError);
	const color = colorEnabled();
	const ascii = !color;
	const snapshot = state.data;
	const sessions = snapshot?.sessions ?? [];
	const stations = snapshot?.stations ?? [];
	const changed = useMemo(
		() => ({
			sessions: changedKeys(state.previous?.sessions, sessions, row => row.sessionId, sessionFingerprint),
			stations: changedKeys(state.previous?.stations, stations, row => row.stationId, stationFingerprint),
		}),
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the generation changes exactly when rows and previous do
		[state.generation],
	);
	useReloadOnChange(controls.refreshNow, [connectorStatus]);

	// Seconds since the snapshot, on the server's clock: elapsed times and heartbeat ages tick between refreshes.
	const sinceSnapshot = snapshot && state.updatedAt !== undefined ? Math.max(0, (now - state.updatedAt) / 1000) : 0;
	const serverNow = snapshot ? snapshot.at.getTime() + sinceSnapshot * 1000 : now;

	const fixedLines = 3; // summary, refresh line, station board title
	const available = Math.max(4, height - fixedLines);
	const sessionsHeight = Math.max(2, Math.min(sessions.length + 1, Math.ceil(available / 2)));
	const stationsHeight = Math.max(2, available - sessionsHeight);
	const sessionNav = useListNavigation({count: sessions.length, visibleRows: sessionsHeight - 1});
	const stationNav = useListNavigation({count: stations.length, visibleRows: stationsHeight - 1});
	const selectedSession = sessions[sessionNav.selected];

	const bindings: KeyBinding[] = [
		...(focus === 'sessions' ? sessionNav.bindings : stationNav.bindings),
		{key: 'tab', label: focus === 'sessions' ? 'stations' : 'sessions', match: ['tab', 'backtab'], handler: () => setFocus(current => (current === 'sessions' ? 'stations' : 'sessions'))},
		...(focus === 'sessions' && selectedSession
			? [{key: 'enter', label: 'inspect', match: ['enter'], handler: () => navigate('vehicle', selectedSession.vehicleId, selectedSession.plate ?? selectedSession.vin)}]
			: []),
		...refreshBindings(controls, state.paused),
		{key: 's', label: `status:${connectorStatus ?? 'all'}`, handler: () => setConnectorStatus(current => nextInCycle(connectorStatusCycle, current))},
	];
	useKeyBindings(bindings, {isActive, waiting: loadedFromRefresh(state).status === 'loading'});

	const sessionColumns: Column<ChargingSessionRow>[] = [
		{key: 'vehicle', header: 'Vehicle', value: s => s.plate ?? s.vin, minWidth: 8, maxWidth: 17, priority: 0},
		{key: 'station', header: 'Station', value: s => s.stationName ?? '-', minWidth: 8, maxWidth: 22, priority: 1},
		{key: 'connector', header: 'Conn', value: s => (s.connectorNumber === null ? '-' : `${s.connectorNumber} ${s.connectorType ?? ''}`.trim()), minWidth: 7, maxWidth: 10, priority: 5},
		{key: 'elapsed', header: 'Elapsed', value: s => formatElapsed(s.elapsedSeconds + sinceSnapshot), width: 7, align: 'right', priority: 3},
		{key: 'kw', header: 'kW', value: s => s.powerKw.toFixed(1), width: 6, align: 'right', priority: 0},
		{key: 'kwh', header: 'kWh', value: s => s.energyKwh.toFixed(1), width: 6, align: 'right', priority: 2},
		{key: 'soc', header: 'SoC', value: s => socProgressCell(s.startSocPct, s.socPct, ascii), width: 13, priority: 1},
		{key: 'cost', header: 'Cost', value: s => (s.costSoFar === null ? '-' : `${s.costSoFar.toFixed(2)} ${s.currency ?? ''}`.trim()), minWidth: 10, maxWidth: 11, align: 'right', priority: 4},
		{key: 'v2g', header: 'V2G', value: directionCell, width: 8, priority: 2, color: s => (s.direction === 'to_grid' ? 'magenta' : undefined)},
	];
	const stationColumns: Column<StationBoardRow>[] = [
		{key: 'name', header: 'Station', value: s => s.name, minWidth: 12, maxWidth: 28, priority: 0},
		{key: 'free', header: 'Free', value: s => `${s.available}/${s.connectors}`, width: 5, align: 'right', priority: 0, color: s => (s.available === 0 ? 'yellow' : 'green')},
		{key: 'busy', header: 'Busy', value: s => String(s.occupied + s.reserved), width: 4, align: 'right', priority: 1},
		{key: 'fault', header: 'Fault', value: s => String(s.faulted), width: 5, align: 'right', priority: 1, color: s => (s.faulted > 0 ? 'red' : undefined)},
		{key: 'off', header: 'Off', value: s => String(s.offline), width: 3, align: 'right', priority: 2, color: s => (s.offline > 0 ? 'red' : undefined)},
		{key: 'util', header: 'Util 24h', value: s => `${formatBar(s.utilisation24h, 1, 4, ascii)} ${String(Math.round(s.utilisation24h * 100)).padStart(3)}%`, width: 9, priority: 2},
		{key: 'heartbeat', header: 'Beat', value: s => (s.lastHeartbeatAt ? formatSeconds(Math.max(0, (serverNow - s.lastHeartbeatAt.getTime()) / 1000)) : 'never') + (s.heartbeatStale ? ' !' : ''), minWidth: 4, maxWidth: 8, align: 'right', priority: 1, color: s => (s.heartbeatStale ? 'red' : undefined)},
		...(near ? [{key: 'distance', header: 'Dist', value: (s: StationBoardRow) => (s.distanceM === null ? '-' : `${(s.distanceM / 1000).toFixed(1)} km`), minWidth: 6, maxWidth: 9, align: 'right' as const, priority: 1}] : []),
		{key: 'operator', header: 'Operator', value: s => s.operatorName ?? 'own', minWidth: 10, maxWidth: 18, priority: 4},
	];

	const notes = [near ? `within ${near.radiusKm} km of ${near.latitude},${near.longitude}` : '', connectorStatus ? `stations with ${connectorStatus} connectors` : ''].filter(Boolean).join(' · ');
	const boardTitle = `${focus === 'stations' ? '▸ ' : ''}Stations — ${near ? 'nearest first' : 'stale, faulted and busy first'}`;
	const body = () => {
		if (loadedFromRefresh(state).status === 'loading') {
			return (
				<Box height={available + 1}>
					<Spinner label="loading charging"/>
				</Box>
			);
		}
		return (
			<>
				{sessions.length === 0 ? (
					<Box height={sessionsHeight}>
						<Text dimColor>{snapshot ? 'no charging session in progress' : 'no data yet'}</Text>
					</Box>
				) : (
					<DataTable columns={sessionColumns} rows={sessions} width={width} height={sessionsHeight} selected={focus === 'sessions' ? sessionNav.selected : -1} offset={sessionNav.offset} rowKey={s => s.sessionId} flag={s => changed.sessions.has(s.sessionId)} flagMarker="*"/>
				)}
				<Text wrap="truncate" bold>
					{truncate(boardTitle, width)}
				</Text>
				{stations.length === 0 ? (
					<Box height={stationsHeight}>
						<Text dimColor>{snapshot ? (connectorStatus ? `no station with ${connectorStatus} connectors — s changes the filter` : 'no station needs a look') : ''}</Text>
					</Box>
				) : (
					<DataTable columns={stationColumns} rows={stations} width={width} height={stationsHeight} selected={focus === 'stations' ? stationNav.selected : -1} offset={stationNav.offset} rowKey={s => s.stationId} flag={s => changed.stations.has(s.stationId)} flagMarker="*"/>
				)}
			</>
		);
	};
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold color={color ? 'cyan' : undefined}>
				{truncate(snapshot ? summaryLine(snapshot, width) : 'Charging', width)}
			</Text>
			<RefreshLine state={state} now={now} width={width} replicaLagMs={state.data?.replicaLagMs} note={notes || undefined}/>
			{body()}
		</Box>
	);
}
