/*
 * The console's view registry: every view the shell can show, by name, for `:name`, enter/esc and help.
 *
 * Adding a view is a few lines:
 *   1. Write the screen in source/screens/ActivityScreen.tsx; its data-source interface (port) and row types
 *      go in source/model/, its implementation in source/db/ (queries/ or sources/).
 *   2. Add the data source to ConsoleData below as an OPTIONAL field (`activity?: ActivityData`), so fakes in
 *      other tests keep compiling, and wire the implementation in source/app/console-sources.ts.
 *   3. Add an entry to `views`:
 *        render: ctx => withData(ctx, 'Activity', ctx.data.activity, data => <ActivityScreen {...screenProps(ctx)} data={data}/>)
 *      (names and aliases must stay unique; navigation, `:` completion and help read the registry).
 *
 * Screen convention (every screen follows it so the footer never lies):
 *   - A screen is a component ({data, width, height, isActive, navigate, back, arg}) => ReactElement.
 *     `width`/`height` are the cells it may use (the shell's header, breadcrumbs and footer are outside).
 *   - It exports a `keys` table (KeyBinding[] from source/app/keys.tsx: {key, label, match?}) for the help overlay,
 *     and at run time calls `useKeyBindings(bindings, {isActive, capturing})` with the same entries plus
 *     handlers. That hook handles the keys AND publishes them to the shell footer: only keys with a
 *     handler appear there. Lists use `useListNavigation` + <DataTable> from source/components/DataTable.tsx.
 *   - The shell owns the global keys: `:` command line, `?` help, `q` quit, `esc` back (unless the screen
 *     binds `escape` itself, e.g. to clear its filter), Ctrl-C. It passes isActive=false while the command
 *     line or help is open; a screen that opens its own text input (filter, time prompt) passes
 *     `capturing: true` so the shell's keys are suspended while the person types.
 *   - Data arrives only through the data source; render loading / empty / error / data states; never throw.
 *     Report query errors with `ctx.reportError(error)` so a lost connection shows the shell's banner.
 */
import React, {type ReactElement} from 'react';
import {Box} from 'ink';
import {Text} from '../components/Styled.js';
import type {KeyBinding} from './keys.js';
import LiveVehiclesScreen, {keys as liveKeys} from '../screens/LiveVehiclesScreen.js';
import ChargingScreen, {keys as chargingKeys} from '../screens/ChargingScreen.js';
import RoutesScreen, {keys as routesKeys} from '../screens/RoutesScreen.js';
import type {ChargingData, LiveVehiclesData, RoutesData} from '../model/live-data.js';
import type {ConnectionHealth, FleetsData, OrganizationsData, UsersData, VehicleInspectorData, VehiclesData} from '../model/data-sources.js';
import BatteryScreen, {keys as batteryKeys} from '../screens/BatteryScreen.js';
import type {BatteryData} from '../model/battery-data.js';
import MaintenanceScreen, {keys as maintenanceKeys} from '../screens/MaintenanceScreen.js';
import ActivityScreen, {keys as activityKeys} from '../screens/ActivityScreen.js';
import type {ActivitySource} from '../model/activity.js';
import type {MaintenanceData} from '../model/maintenance-data.js';
import type {CompletionData, CompletionKind} from '../model/completion.js';
import OrganizationsScreen, {keys as organizationsKeys} from '../screens/OrganizationsScreen.js';
import FleetsScreen, {keys as fleetsKeys} from '../screens/FleetsScreen.js';
import UsersScreen, {keys as usersKeys} from '../screens/UsersScreen.js';
import VehiclesScreen, {keys as vehiclesKeys} from '../screens/VehiclesScreen.js';
import VehicleInspectorScreen, {keys as inspectorKeys} from '../screens/VehicleInspectorScreen.js';

export type {ConnectionHealth};

/** One data source per area: implemented in source/db/sources, wired in source/app/console-sources.ts, faked in tests. */
export type ConsoleData = {
	connection: ConnectionHealth;
	orgs: OrganizationsData;
	fleets: FleetsData;
	users: UsersData;
	vehicles: VehiclesData;
	vehicle: VehicleInspectorData;
	battery?: BatteryData;
	/** Live views (issue 7): one query per refresh each. */
	live?: LiveVehiclesData;
	charging?: ChargingData;
	routes?: RoutesData;
	/** Maintenance (issue 9): health reads through the console pool; actions open their own read-write connection. */
	maintenance?: MaintenanceData;
	/** Values the `:` line completes arguments with (fleet names, VINs and plates, organization slugs). */
	completion?: CompletionData;
	/** Server activity (issue 17): its own one-connection pool, so a stuck refresh holds one backend at most. */
	activity?: ActivitySource;
	// Other issues add theirs here, optional: live?: LiveData; charging?: ChargingData; routes?: RoutesData;
	// battery?: BatteryData; maintenance?: MaintenanceData;
};

export type ViewContext = {
	readonly data: ConsoleData;
	/** Cells the view may use. */
	readonly width: number;
	readonly height: number;
	/** Open another view (pushes a breadcrumb). `label` names the crumb (e.g. the organization's name). */
	navigate(view: string, arg?: string, label?: string): void;
	/** Back to the previous breadcrumb. */
	back(): void;
	/** False while the command line or help overlay has the keyboard. */
	readonly isActive: boolean;
	/** The organization scope (slug) when the console is scoped with --org / :org. */
	readonly org?: string;
	/** The view's argument (`:vehicle WVW…`, or what navigate() passed). */
	readonly arg?: string;
	/** Tell the shell about a failed query: a lost connection shows the banner and reloads the view when back. */
	reportError(error: unknown): void;
	/** Say an action (e.g. a maintenance statement) is running: `q` then asks before quitting. */
	setBusy(running: boolean): void;
};

export type ViewDefinition = {
	readonly name: string;
	readonly aliases: readonly string[];
	readonly title: string;
	readonly description: string;
	/**
	 * Shown in help and completion, e.g. '<VIN|plate|id>'; `required` views refuse to open without it;
	 * `complete` says what Tab completes it with (from the database).
	 */
	readonly argument?: {readonly name: string; readonly required?: boolean; readonly complete?: CompletionKind};
	/** The screen's key table, for the help overlay. */
	readonly keys?: readonly KeyBinding[];
	render(ctx: ViewContext): ReactElement;
};

/** A view whose screen is not built yet: `:live` etc. open it instead of failing. */
export function NotAvailable({title, width}: {readonly title: string; readonly width: number}) {
	return (
		<Box flexDirection="column" width={width} paddingX={1}>
			<Text bold>{title}</Text>
			<Text dimColor>not available yet in this version of evfleet</Text>
		</Box>
	);
}

/** The screen when this console has the view's data source, else NotAvailable under the view's title. */
function withData<T>(ctx: ViewContext, title: string, data: T | undefined, screen: (data: T) => ReactElement): ReactElement {
	return data ? screen(data) : <NotAvailable title={title} width={ctx.width}/>;
}

export const views: ViewDefinition[] = [
	{
		name: 'orgs',
		aliases: ['organizations'],
		title: 'Organizations',
		description: 'every organization: plan, fleets, vehicles, online now, users',
		keys: organizationsKeys,
		render: ctx => <OrganizationsScreen {...screenProps(ctx)} data={ctx.data.orgs}/>,
	},
	{
		name: 'fleets',
		aliases: ['fleet'],
		title: 'Fleets',
		description: 'fleets: depot, vehicles by status, average SoC, online share',
		keys: fleetsKeys,
		render: ctx => <FleetsScreen {...screenProps(ctx)} data={ctx.data.fleets}/>,
	},
	{
		name: 'vehicles',
		aliases: ['vs'],
		title: 'Vehicles',
		description: 'vehicles: VIN, plate, model, status, SoC, last seen, fleet (:vehicles <fleet> for one fleet)',
		argument: {name: '<fleet>', complete: 'fleet'},
		keys: vehiclesKeys,
		render: ctx => <VehiclesScreen {...screenProps(ctx)} data={ctx.data.vehicles}/>,
	},
	{
		name: 'vehicle',
		aliases: ['v', 'inspect'],
		title: 'Vehicle',
		description: 'one vehicle: identity, latest state, telematics history, charging, battery',
		argument: {name: '<VIN|plate|id>', required: true, complete: 'vehicle'},
		keys: inspectorKeys,
		render: ctx => <VehicleInspectorScreen {...screenProps(ctx)} data={ctx.data.vehicle} reference={ctx.arg ?? ''}/>,
	},
	{
		name: 'users',
		aliases: ['people'],
		title: 'Users',
		description: 'users of an organization: name, email, roles, status, last login',
		keys: usersKeys,
		render: ctx => <UsersScreen {...screenProps(ctx)} data={ctx.data.users}/>,
	},
	{
		name: 'live',
		aliases: ['l'],
		title: 'Live vehicles',
		description: 'vehicles now, what needs attention first (offline, stale, low SoC, hot pack); refreshes every 2 s',
		keys: liveKeys,
		render: ctx => withData(ctx, 'Live vehicles', ctx.data.live, data => <LiveVehiclesScreen {...screenProps(ctx)} data={data}/>),
	},
	{
		name: 'charging',
		aliases: ['ch'],
		title: 'Charging',
		description: 'charging sessions in progress and the station board (connectors, utilisation, heartbeats), live',
		keys: chargingKeys,
		render: ctx => withData(ctx, 'Charging', ctx.data.charging, data => <ChargingScreen {...screenProps(ctx)} data={data}/>),
	},
	{
		name: 'routes',
		aliases: ['rt'],
		title: 'Routes',
		description: "routes in progress: waypoints done, next stop, ETA drift, charge vs energy needed, live",
		keys: routesKeys,
		render: ctx => withData(ctx, 'Routes', ctx.data.routes, data => <RoutesScreen {...screenProps(ctx)} data={data}/>),
	},
	{
		name: 'battery',
		aliases: ['bat', 'energy'],
		title: 'Battery',
		description: 'Battery health (SoH chart, fastest-fading vehicles) and energy (Wh/km, temperature, V2G)',
		argument: {name: '<VIN|plate|fleet>'},
		keys: batteryKeys,
		render: ctx =>
			withData(ctx, 'Battery', ctx.data.battery, data => <BatteryScreen {...screenProps(ctx)} arg={ctx.arg ?? (ctx.org ? `org:${ctx.org}` : undefined)} data={data}/>),
	},
	{
		name: 'maint',
		aliases: ['maintenance', 'm'],
		title: 'Maintenance',
		description: 'Health (partitions ahead, stale views, bloat, index problems, lock waits) and actions behind confirmations',
		argument: {name: '[battery_health_trends|energy_efficiency_metrics]'},
		keys: maintenanceKeys,
		render: ctx => withData(ctx, 'Maintenance', ctx.data.maintenance, data => <MaintenanceScreen {...screenProps(ctx)} data={data} setBusy={ctx.setBusy}/>),
	},
	{
		name: 'activity',
		aliases: ['act', 'top'],
		title: 'Activity',
		description: 'every backend, lock waits as a blocker tree; cancel or terminate one (as pg_activity)',
		keys: activityKeys,
		render: ctx =>
			withData(ctx, 'Activity', ctx.data.activity, data => <ActivityScreen {...screenProps(ctx)} data={data} actions={ctx.data.maintenance} setBusy={ctx.setBusy}/>),
	},
];

/** The view called `name` (or one of its aliases). */
export function findView(name: string, registry: readonly ViewDefinition[] = views): ViewDefinition | undefined {
	const wanted = name.trim().toLowerCase();
	return registry.find(view => view.name === wanted || view.aliases.includes(wanted));
}

/** Props every screen takes from the context (spread them: <FooScreen {...screenProps(ctx)} data={ctx.data.foo}/>). */
export function screenProps(ctx: ViewContext) {
	return {width: ctx.width, height: ctx.height, isActive: ctx.isActive, navigate: ctx.navigate, back: ctx.back, arg: ctx.arg, reportError: ctx.reportError};
}
