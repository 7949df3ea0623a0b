// The support-staff screen: one vehicle's identity, latest state, charging/route, battery report,
// nearest free connectors, and its telematics history paged from the newest row (t jumps in time).
import React, {useEffect, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import {useKeyBindings, type KeyBinding} from '../app/keys.js';
import {describeShownRows, usePagedList, wholeListKeys} from '../app/use-paged-list.js';
import {errorMessage, useLoad} from '../app/use-load.js';
import {Banner} from '../components/Banner.js';
import {DataTable, listKeys, useListNavigation, type Column} from '../components/DataTable.js';
import {Spinner} from '../components/Spinner.js';
import {TextPrompt} from '../components/TextPrompt.js';
import {truncate} from '../text/cells.js';
import {compassPoint, formatAge, formatClock, formatNumber, formatSeconds} from '../text/formats.js';
import {parseSince} from '../text/parse.js';
import {colorEnabled} from '../text/terminal.js';
import {defaultGapSeconds} from '../model/telematics-gaps.js';
import type {TelematicsRow, VehicleDetail, VehicleInspectorData} from '../model/data-sources.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [
	...listKeys.map(k => ({...k, label: `${k.label} in the telematics history`})),
	{key: 't', label: 'jump to a time: 2h, 3d, 2026-11-20 14:00 (history older than it)'},
	{key: 'n', label: 'back to the newest rows'},
	{key: 'r', label: 'reload everything'},
];

export function formatDistance(meters: number | null): string {
	if (meters === null) return '-';
	return meters < 1000 ? `${Math.round(meters)} m` : `${(meters / 1000).toFixed(meters < 10_000 ? 1 : 0)} km`;
}

function formatTime(date: Date): string {
	return date.toISOString().replace('T', ' ').slice(0, 19);
}

const historyColumns: Column<TelematicsRow>[] = [
	{key: 'time', header: 'Recorded (UTC)', value: r => formatTime(r.recordedAt), width: 19, priority: 0},
	{key: 'soc', header: 'SoC', value: r => (r.socPct === null ? '-' : `${r.socPct.toFixed(1)}%`), align: 'right', priority: 1},
	{key: 'speed', header: 'km/h', value: r => formatNumber(r.speedKmh), align: 'right', priority: 2},
	{key: 'power', header: 'kW', value: r => formatNumber(r.powerKw, 1), align: 'right', priority: 2},
	{key: 'temp', header: 'Pack°C', value: r => formatNumber(r.packTempC, 1), align: 'right', priority: 4},
	{key: 'gap', header: 'Gap', value: r => (r.gap ? `gap ${formatSeconds(r.secondsToNewer!)}` : ''), minWidth: 3, priority: 1},
	{key: 'loc', header: 'Location', value: r => (r.latitude === null || r.longitude === null ? '-' : `${r.latitude.toFixed(4)},${r.longitude.toFixed(4)}`), priority: 5},
	{key: 'odo', header: 'Odo km', value: r => formatNumber(r.odometerKm), align: 'right', priority: 6},
];

export type VehicleInspectorProps = ScreenProps<VehicleInspectorData> & {readonly reference: string};

export default function VehicleInspectorScreen({data, reference, width, height, isActive, reportError}: VehicleInspectorProps) {
	const [reload, setReload] = useState(0);
	const vehicle = useLoad(() => data.find(reference), [reference, reload], {reportError});
	if (vehicle.status === 'loading') return <Spinner label={`looking up ${reference}`}/>;
	if (vehicle.status === 'error') return <InspectorError width={width} isActive={isActive} text={`query failed: ${vehicle.error}`} onReload={() => setReload(r => r + 1)}/>;
	if (!vehicle.data) return <NotFound data={data} reference={reference} width={width} isActive={isActive}/>;
	return <Inspector key={reload} data={data} detail={vehicle.data} width={width} height={height} isActive={isActive} reportError={reportError} onReload={() => setReload(r => r + 1)}/>;
}

function InspectorError({width, isActive, text, onReload}: {readonly width: number; readonly isActive: boolean; readonly text: string; onReload(): void}) {
	useKeyBindings([{key: 'r', label: 'retry', handler: onReload}], {isActive});
	return <Banner kind="error" width={width}>{text}</Banner>;
}

function NotFound({data, reference, width, isActive}: {readonly data: VehicleInspectorData; readonly reference: string; readonly width: number; readonly isActive: boolean}) {
	const suggestions = useLoad(() => data.suggest(reference), [reference]);
	useKeyBindings([], {isActive});
	return (
		<Box flexDirection="column" width={width}>
			<Banner kind="error" width={width}>{`no vehicle matches "${reference}" (VIN, plate or id)`}</Banner>
			<Text wrap="truncate" dimColor>
				{suggestions.status === 'ready' && suggestions.data!.length > 0 ? `did you mean: ${suggestions.data!.join(', ')}` : 'try :vehicles and / to search'}
			</Text>
		</Box>
	);
}

type InspectorProps = {
	readonly data: VehicleInspectorData;
	readonly detail: VehicleDetail;
	readonly width: number;
	readonly height: number;
	readonly isActive: boolean;
	reportError?(error: unknown): void;
	onReload(): void;
};

function Inspector({data, detail, width, height, isActive, reportError, onReload}: InspectorProps) {
	const color = colorEnabled();
	const {vehicle: v, state: s, chargingSession: c, routeAssignment: r, batteryReport: b, nearestConnectors} = detail;
	const [jumpTo, setJumpTo] = useState<Date | undefined>(undefined);
	const [prompting, setPrompting] = useState(false);
	const [promptError, setPromptError] = useState<string | undefined>(undefined);

	const summaryLines = 7;
	const tableHeight = Math.max(3, height - summaryLines - 2);
	const visibleRows = tableHeight - 1;
	const pageSize = Math.max(50, visibleRows);
	const landing = React.useRef<'first' | 'last' | undefined>(undefined);
	const history = usePagedList<TelematicsRow>({
		// g/G reach the newest/oldest rows of the whole history (after a `t` jump: of the history before it) by cursor.
		load: request => data.telematics(v.id, {after: request.after, previous: request.before, last: request.last, before: jumpTo, limit: request.limit}),
		pageSize,
		deps: [v.id, jumpTo?.getTime()],
		reportError,
		onPage: direction => {
			if (direction !== 'same') landing.current = direction === 'previous' || direction === 'last' ? 'last' : 'first';
		},
	});
	const rows = history.rows;
	const nav = useListNavigation({
		count: rows.length,
		visibleRows,
		onPastEnd: history.hasNext ? history.nextPage : undefined,
		onBeforeStart: history.hasPrevious ? history.previousPage : undefined,
	});
	useEffect(() => {
		if (!landing.current) return;
		nav.select(landing.current === 'last' ? rows.length - 1 : 0);
		landing.current = undefined;
		// eslint-disable-next-line react-hooks/exhaustive-deps -- only a new page moves the selection; nav is a new object every render
	}, [history.rows]);

	const bindings: KeyBinding[] = [
		// g/G: the newest/oldest rows of the whole history, not of the loaded page.
		...wholeListKeys(history, nav.select),
		...nav.bindings,
		{key: 't', label: 'time jump', handler: () => setPrompting(true)},
		...(jumpTo || history.hasPrevious ? [{key: 'n', label: 'newest', handler: () => setJumpTo(undefined)}] : []),
		{key: 'r', label: 'reload', handler: onReload, footerPriority: 1},
	];
	useKeyBindings(bindings, {isActive: isActive && !prompting, capturing: prompting});

	const identity = [v.vin, v.plate, `${v.make} ${v.model}${v.modelYear ? ` ${v.modelYear}` : ''}`, v.status, `${v.fleetName} (${v.organizationName})`].filter(Boolean).join(' · ');
	const specs = [
		`battery ${formatNumber(v.batteryCapacityKwh)} kWh${v.usableCapacityKwh ? ` (usable ${formatNumber(v.usableCapacityKwh)})` : ''}`,
		v.maxAcChargeKw ? `AC ${formatNumber(v.maxAcChargeKw)} kW` : '',
		v.maxDcChargeKw ? `DC ${formatNumber(v.maxDcChargeKw)} kW` : '',
		v.connectorTypes.join(','),
		v.v2gCapable ? 'V2G' : '',
		`odo ${formatNumber(s?.odometerKm ?? v.odometerKm)} km`,
	].filter(Boolean).join(' · ');
	const state = s
		? [`SoC ${formatNumber(s.socPct, 1)}%`, `SoH ${formatNumber(s.sohPct, 1)}%`, `${formatNumber(s.speedKmh)} km/h`, `${formatNumber(s.powerKw, 1)} kW`, `pack ${formatNumber(s.packTempC, 1)}°C`, `seen ${formatAge(s.recordedAt)} ago (${s.connectivity})`].join(' · ')
		: 'never reported';
	const where =
		!s || s.latitude === null || s.longitude === null
			? 'location unknown'
			: `at ${s.latitude.toFixed(4)},${s.longitude.toFixed(4)}${s.depotDistanceM === null ? '' : ` — ${formatDistance(s.depotDistanceM)} ${s.depotDistanceM < 50 ? 'from' : `${compassPoint(s.depotBearingDeg ?? 0)} of`} depot`}${v.depotAddress ? ` (${v.depotAddress})` : ''}`;
	const connector = c?.connectorType ? ` #${c.connectorNumber ?? '?'} ${c.connectorType}` : '';
	const charging = c ? `charging at ${c.stationName ?? 'unknown station'}${connector} since ${formatAge(c.startedAt)} ago, ${formatNumber(c.energyKwh, 1)} kWh so far${c.powerKw === null ? '' : `, drawing ${formatNumber(c.powerKw, 1)} kW`}` : 'not charging';
	const progress = r && r.waypoints > 0 ? ` ${Math.round((r.waypointsReached / r.waypoints) * 100)}%` : '';
	const route = r ? `route ${r.routeName} ${r.status}${progress}${r.plannedEndAt ? ` ETA ${formatClock(r.plannedEndAt)}` : ''}` : 'no route';
	const activity = `${charging} · ${route}`;
	const batteryText = `battery: ${b ? `report ${formatTime(b.reportedAt).slice(0, 10)} SoH ${formatNumber(b.sohPct, 1)}%${b.capacityMeasuredKwh ? ` ${formatNumber(b.capacityMeasuredKwh, 1)} kWh` : ''}${b.cycleCount === null ? '' : ` ${formatNumber(b.cycleCount)} cycles`}` : 'no health report'}`;
	const nearestText = `nearest free: ${nearestConnectors.length === 0 ? 'none' : nearestConnectors.map(n => `${n.stationName} ${n.connectorType}${n.maxPowerKw ? ` ${formatNumber(n.maxPowerKw)}kW` : ''} ${formatDistance(n.distanceM)}`).join('; ')}`;
	const line = (text: string, bold = false, dim = false) => (
		<Text wrap="truncate" bold={bold} dimColor={dim}>
			{truncate(text, width) || ' '}
		</Text>
	);
	// Which rows of how many, as every list says it; "more older ↓" only when the source gives no total.
	const shown = rows.length ? describeShownRows(history, nav.offset, visibleRows) : history.status === 'loading' ? 'loading…' : 'no rows';
	const historyTitle = `Telematics ${jumpTo ? `before ${formatTime(jumpTo)}` : 'newest first'} · ${shown}${history.hasNext && history.total === null ? ' · more older ↓' : ''} · gaps > ${formatSeconds(defaultGapSeconds)} marked !`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" bold color={color ? 'cyan' : undefined}>
				{truncate(identity, width)}
			</Text>
			{line(specs, false, true)}
			{line(state)}
			{line(where)}
			{line(activity)}
			{line(batteryText)}
			{line(nearestText)}
			{line(historyTitle, true)}
			{history.status === 'loading' && rows.length === 0 ? (
				<Box height={tableHeight}>
					<Spinner label="loading telematics"/>
				</Box>
			) : rows.length === 0 && history.status !== 'error' ? (
				<Box height={tableHeight}>
					<Text dimColor>{jumpTo ? `no telematics before ${formatTime(jumpTo)} — n goes back to the newest` : 'no telematics recorded'}</Text>
				</Box>
			) : (
				<DataTable columns={historyColumns} rows={rows} width={width} height={tableHeight} selected={nav.selected} offset={nav.offset} rowKey={r => String(r.recordedAt.getTime())} flag={r => r.gap}/>
			)}
			{prompting ? (
				<TextPrompt
					prompt="time (2h, 3d, 2026-11-20 14:00): "
					width={width}
					onSubmit={text => {
						try {
							setJumpTo(text.trim() ? parseSince(text, Date.now(), 'time') : undefined);
							setPromptError(undefined);
						} catch (error) {
							setPromptError(errorMessage(error));
						}
						setPrompting(false);
					}}
					onCancel={() => setPrompting(false)}
				/>
			) : promptError ? (
				<Banner kind="error" width={width}>{promptError}</Banner>
			) : history.status === 'error' ? (
				<Banner kind="error" width={width}>{`query failed: ${history.error ?? ''} — r reloads`}</Banner>
			) : null}
		</Box>
	);
}
