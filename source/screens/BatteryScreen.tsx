// Battery view: SoH over time (a vehicle, or a fleet's median with p10/p90) and the fastest-fading vehicles;
// an Energy tab with Wh/km per week against the peers, regeneration, consumption by temperature and V2G.
import React, {useMemo, useState} from 'react';
import {useLoad, type Loaded} from '../app/use-load.js';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import type {KeyBinding} from '../app/keys.js';
import {useActionsOff, useKeyBindings} from '../app/keys.js';
import {DataTable, useListNavigation, type Column} from '../components/DataTable.js';
import LineChart from '../components/LineChart.js';
import {Spinner} from '../components/Spinner.js';
import {colorEnabled, textAttributesEnabled} from '../text/terminal.js';
import type {BatteryData, BatteryReport, EnergyReport, FadeEntry, TemperatureBucketRow, V2gMonthRow} from '../model/battery-data.js';
import {describeRefreshStatus, energySummary, fadeColumns, fadeLegend, temperatureBarColumn, temperatureColumns, v2gColumns} from '../print/battery-format.js';
import type {ScreenProps} from './screen-props.js';

export type BatteryTab = 'battery' | 'energy';
type Panel = 'temperature' | 'v2g';

/** Windows `m` steps through. */
export const windowMonths = [6, 12, 24, 36] as const;
/** The console command that opens the maintenance view, where materialized views are refreshed. */
export const maintenanceCommand = ':maint';

export const keys: KeyBinding[] = [
	{key: 'tab', label: 'switch between Battery and Energy (Shift-Tab too)', match: ['tab', 'backtab']},
	{key: '↑↓ j/k', label: 'move in the fade table (Energy: scroll the table under the chart)'},
	{key: 'enter', label: 'chart the selected vehicle (or inspect it when already charting one)'},
	{key: 'i', label: 'inspect the selected vehicle'},
	{key: 'm', label: 'window: 6, 12, 24 or 36 months'},
	{key: 'p', label: 'Energy at narrow widths: temperature or V2G table'},
	{key: 'R', label: `refresh the materialized view (opens ${maintenanceCommand})`, writes: true},
	{key: 'r', label: 'reload'},
];

function Freshness({report, color}: {readonly report: BatteryReport | EnergyReport; readonly color: boolean}) {
	// With --readonly the console cannot refresh: only the command is named.
	const actionsOff = useActionsOff();
	const {text, warning} = describeRefreshStatus(report.refresh, {consoleKey: actionsOff ? undefined : `R or ${maintenanceCommand}`});
	return (
		<>
			<Text dimColor={color} wrap="truncate">
				{text}
			</Text>
			{warning ? (
				<Text color={color ? 'yellow' : undefined} wrap="truncate">
					! {warning}
				</Text>
			) : null}
		</>
	);
}

function Tabs({tab, report, months, color}: {readonly tab: BatteryTab; readonly report: {scope: {label: string}} | undefined; readonly months: number; readonly color: boolean}) {
	const label = (name: BatteryTab, title: string) =>
		tab === name ? (
			<Text bold inverse={textAttributesEnabled()}>{textAttributesEnabled() ? ` ${title} ` : `[${title}]`}</Text>
		) : (
			<Text dimColor={color}>{color ? ` ${title} ` : ` ${title} `}</Text>
		);
	return (
		<Text wrap="truncate">
			{label('battery', 'Battery')}
			{label('energy', 'Energy')}
			{`  ${report?.scope.label ?? ''}${report ? ' · ' : ''}${months} months`}
		</Text>
	);
}

function State({load, what}: {readonly load: Loaded<unknown>; readonly what: string}) {
	if (load.status === 'loading') return <Spinner label={`loading ${what}`}/>;
	if (load.status === 'error') {
		return (
			<>
				<Text color={colorEnabled() ? 'red' : undefined} wrap="truncate">
					cannot load {what} — r retries
				</Text>
				<Text wrap="truncate">{load.error}</Text>
			</>
		);
	}
	return null;
}

export default function BatteryScreen({data, width, height, isActive, navigate, arg, reportError}: ScreenProps<BatteryData>) {
	const color = colorEnabled();
	const [tab, setTab] = useState<BatteryTab>('battery');
	const [months, setMonths] = useState<number>(24);
	const [reload, setReload] = useState(0);
	const [panel, setPanel] = useState<Panel>('temperature');
	const battery = useLoad(() => data.battery({target: arg, months}), [arg, months, reload], {reportError});
	const energy = useLoad(() => data.energy({target: arg, months}), [arg, months, reload], {enabled: tab === 'energy', reportError});

	const batteryReport = battery.status === 'ready' ? battery.data : undefined;
	const energyReport = energy.status === 'ready' ? energy.data : undefined;
	const fade = batteryReport?.fade ?? [];
	const refresh = (tab === 'battery' ? batteryReport : energyReport)?.refresh;

	// Height budget: tabs, freshness (and its warning), the chart with its axis and legend, then the table.
	const warningLines = refresh?.stale ? 1 : 0;
	const fixedLines = 2 + warningLines;
	const tableRows = Math.min(fade.length, Math.max(3, Math.floor((height - fixedLines) / 4)));
	const batteryChartHeight = Math.max(3, height - fixedLines - 1 /* title */ - 3 /* axis, labels, legend */ - 2 /* table title, legend */ - 1 /* table header */ - tableRows);
	const navigation = useListNavigation({count: fade.length, visibleRows: tableRows});
	const selected = fade[navigation.selected];

	const sideBySide = width >= 140;
	const energyTables = energyReport ? Math.max(energyReport.temperature.length, Math.min(energyReport.v2g.length, 12)) : 6;
	const energyTableRows = Math.min(energyTables, Math.max(3, Math.floor((height - fixedLines - 1) / 3)));
	const energyChartHeight = Math.max(3, height - fixedLines - 1 /* summary */ - 1 /* title */ - 3 - 1 /* panel title */ - 1 /* header */ - energyTableRows);
	// ↑↓ scroll the table under the energy chart: the one shown when narrow, the temperature table when wide.
	const scrolled: Panel = sideBySide ? 'temperature' : panel;
	const scrolledRows = scrolled === 'temperature' ? (energyReport?.temperature.length ?? 0) : (energyReport?.v2g.length ?? 0);
	const energyNavigation = useListNavigation({count: scrolledRows, visibleRows: energyTableRows});
	const v2gOffset = scrolled === 'v2g' ? energyNavigation.offset : 0;
	const v2gLatestFirst = useMemo(() => [...(energyReport?.v2g ?? [])].reverse(), [energyReport]);

	const bindings: KeyBinding[] = [
		{key: 'tab', label: tab === 'battery' ? 'energy' : 'battery', match: ['tab', 'backtab'], handler: () => setTab(current => (current === 'battery' ? 'energy' : 'battery'))},
		...(tab === 'battery' ? navigation.bindings : energyNavigation.bindings),
		...(tab === 'battery' && selected
			? [
					batteryReport?.scope.kind === 'vehicle'
						? {key: 'enter', label: 'inspect', handler: () => navigate('vehicle', selected.vin, selected.plate ?? selected.vin)}
						: {key: 'enter', label: 'chart vehicle', handler: () => navigate('battery', `vehicle:${selected.vehicleId}`, selected.plate ?? selected.vin)},
					{key: 'i', label: 'inspect', handler: () => navigate('vehicle', selected.vin, selected.plate ?? selected.vin), hidden: batteryReport?.scope.kind === 'vehicle'},
				]
			: []),
		{key: 'm', label: `${months} mo`, handler: () => setMonths(current => windowMonths[(windowMonths.indexOf(current as (typeof windowMonths)[number]) + 1) % windowMonths.length]!)},
		...(tab === 'energy' && !sideBySide ? [{key: 'p', label: panel === 'temperature' ? 'V2G' : 'temperature', handler: () => setPanel(current => (current === 'temperature' ? 'v2g' : 'temperature'))}] : []),
		...(refresh ? [{key: 'R', label: 'refresh MV', writes: true, handler: () => navigate('maint', refresh.view, 'maintenance')}] : []),
		{key: 'r', label: 'reload', handler: () => setReload(n => n + 1), footerPriority: 1},
	];
	useKeyBindings(bindings, {isActive});

	const tempColumns = useMemo<Column<TemperatureBucketRow>[]>(
		() => [...temperatureColumns, temperatureBarColumn(energyReport?.temperature ?? [], sideBySide ? 12 : Math.max(6, Math.min(20, width - 50)), !color)],
		[energyReport, sideBySide, width, color],
	);

	const header = <Tabs tab={tab} report={(tab === 'battery' ? batteryReport : energyReport) ?? batteryReport} months={months} color={color}/>;

	if (tab === 'battery') {
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				{header}
				{batteryReport ? (
					<>
						<Freshness report={batteryReport} color={color}/>
						<Text bold wrap="truncate">
							{batteryReport.scope.kind === 'vehicle' ? 'State of health (monthly mean) vs fleet median' : `State of health: median, p10, p90 of ${Math.max(0, ...batteryReport.vehiclesPerMonth)} vehicles`}
						</Text>
						<LineChart series={batteryReport.series} dates={batteryReport.dates} unit="%" width={width} height={batteryChartHeight} color={color}/>
						<Text bold wrap="truncate">
							{batteryReport.scope.kind === 'vehicle'
								? `Fade: rank ${fade[0]?.rank ?? '-'} of ${batteryReport.ranked} in its fleet`
								: `Fastest fading (${fade.length} of ${batteryReport.ranked} vehicles)`}
						</Text>
						<Text dimColor={color} wrap="truncate">
							{fadeLegend(batteryReport.medianFadePctPerYear)}
						</Text>
						{fade.length === 0 ? (
							<Text wrap="truncate">no battery reports in the last {months} months — m widens the window</Text>
						) : (
							<DataTable<FadeEntry>
								columns={fadeColumns}
								rows={fade}
								width={width}
								height={tableRows + 1}
								selected={isActive ? navigation.selected : -1}
								offset={navigation.offset}
								rowKey={row => row.vehicleId}
								flag={row => row.outlier}
							/>
						)}
					</>
				) : (
					<State load={battery} what="battery health"/>
				)}
			</Box>
		);
	}

	const temperaturePanel = energyReport ? (
		<Box flexDirection="column" width={sideBySide ? Math.floor(width * 0.45) : width}>
			<Text bold wrap="truncate">Consumption by ambient temperature</Text>
			{energyReport.temperature.length === 0 ? (
				<Text wrap="truncate">no consumption records with an ambient temperature</Text>
			) : (
				<DataTable<TemperatureBucketRow>
					columns={tempColumns}
					rows={energyReport.temperature}
					width={sideBySide ? Math.floor(width * 0.45) : width}
					height={energyTableRows + 1}
					offset={scrolled === 'temperature' ? energyNavigation.offset : 0}
					selected={isActive && scrolled === 'temperature' ? energyNavigation.selected : -1}
				/>
			)}
		</Box>
	) : null;
	const v2gPanel = energyReport ? (
		<Box flexDirection="column" width={sideBySide ? width - Math.floor(width * 0.45) - 1 : width}>
			<Text bold wrap="truncate">V2G energy per month (latest first)</Text>
			{energyReport.v2g.length === 0 ? (
				<Text wrap="truncate">no V2G transactions</Text>
			) : (
				<DataTable<V2gMonthRow>
					columns={v2gColumns}
					rows={v2gLatestFirst}
					width={sideBySide ? width - Math.floor(width * 0.45) - 1 : width}
					height={energyTableRows + 1}
					offset={v2gOffset}
					selected={isActive && scrolled === 'v2g' ? energyNavigation.selected : -1}
				/>
			)}
		</Box>
	) : null;

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{header}
			{energyReport ? (
				<>
					<Freshness report={energyReport} color={color}/>
					<Text wrap="truncate">{energySummary(energyReport)}</Text>
					<Text bold wrap="truncate">
						Wh/km per week vs the {energyReport.peerLabel}
					</Text>
					<LineChart series={energyReport.series} dates={energyReport.dates} unit="Wh/km" width={width} height={energyChartHeight} color={color} digits={0}/>
					{sideBySide ? (
						<Box flexDirection="row" gap={1}>
							{temperaturePanel}
							{v2gPanel}
						</Box>
					) : panel === 'temperature' ? (
						temperaturePanel
					) : (
						v2gPanel
					)}
				</>
			) : (
				<State load={energy} what="energy metrics"/>
			)}
		</Box>
	);
}
