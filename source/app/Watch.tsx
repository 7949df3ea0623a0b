// `evfleet watch vehicles|charging|routes` on a terminal: the console shell opened on one live view, with the
// command's options (interval, fleet, filters, area) applied to it. enter, esc, :, ? and q work as in the console.
import React, {useEffect, useState} from 'react';
import {useApp} from 'ink';
import {resolveTarget, type ConnectionRequest, type ConnectionTarget} from '../db/connection.js';
import {withBrowseSql} from '../db/scope.js';
import {exitCodeFor, formatError} from '../model/errors.js';
import ChargingScreen from '../screens/ChargingScreen.js';
import LiveVehiclesScreen from '../screens/LiveVehiclesScreen.js';
import RoutesScreen from '../screens/RoutesScreen.js';
import type {Area, Connectivity, ConnectorStatus, VehicleStatus} from '../model/live-data.js';
import Console from './Console.js';
import {markInterrupted, useInterrupt} from './interrupt.js';
import {NotAvailable, screenProps, views, type ViewDefinition} from './views.js';
import {resolveFleetId, type WatchKind} from './watch-once.js';

export type WatchProps = {
	readonly kind: WatchKind;
	readonly request: ConnectionRequest & {org?: string};
	readonly fleet?: string;
	readonly intervalMs: number;
	readonly limit?: number;
	readonly status?: VehicleStatus;
	readonly connectivity?: Connectivity;
	readonly connectorStatus?: ConnectorStatus;
	readonly near?: Area;
	readonly debug?: boolean;
};

const viewName: Record<WatchKind, string> = {vehicles: 'live', charging: 'charging', routes: 'routes'};

/** The default registry with the watched view rendered with the command's options. */
export function watchRegistry(props: WatchProps, fleetId: string | undefined): ViewDefinition[] {
	const name = viewName[props.kind];
	return views.map(view => {
		if (view.name !== name) return view;
		return {
			...view,
			render: ctx => {
				if (props.kind === 'vehicles' && ctx.data.live) {
					return <LiveVehiclesScreen {...screenProps(ctx)} data={ctx.data.live} intervalMs={props.intervalMs} fleetId={fleetId} status={props.status} connectivity={props.connectivity} limit={props.limit}/>;
				}
				if (props.kind === 'charging' && ctx.data.charging) {
					return <ChargingScreen {...screenProps(ctx)} data={ctx.data.charging} intervalMs={props.intervalMs} fleetId={fleetId} near={props.near} connectorStatus={props.connectorStatus} limit={props.limit}/>;
				}
				if (props.kind === 'routes' && ctx.data.routes) {
					return <RoutesScreen {...screenProps(ctx)} data={ctx.data.routes} intervalMs={props.intervalMs} fleetId={fleetId} limit={props.limit}/>;
				}
				return <NotAvailable title={view.title} width={ctx.width}/>;
			},
		};
	});
}

export default function Watch(props: WatchProps) {
	const {exit} = useApp();
	const [ready, setReady] = useState<{target: ConnectionTarget; registry: ViewDefinition[]} | undefined>(undefined);
	// Ctrl-C while the fleet is still being resolved; once the console is up, it handles Ctrl-C itself.
	useInterrupt(inkExits => {
		if (ready) return;
		markInterrupted();
		if (!inkExits) exit();
	});
	useEffect(() => {
		let cancelled = false;
		(async () => {
			const target = resolveTarget(props.request);
			// A fleet name is resolved once, on a short connection, before the screen opens.
			const fleetId = props.fleet ? await withBrowseSql(props.request, (sql, organization) => resolveFleetId(sql, props.fleet, organization?.id)) : undefined;
			return {target, registry: watchRegistry(props, fleetId)};
		})().then(
			value => !cancelled && setReady(value),
			error => {
				if (cancelled) return;
				process.stderr.write(`${formatError(error, {debug: props.debug})}\n`);
				process.exitCode = exitCodeFor(error);
				exit();
			},
		);
		return () => {
			cancelled = true;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- one watch per mount: the options are fixed for the command
	}, []);
	// Nothing on the main screen while the fleet resolves: it would stay there after the console exits.
	if (!ready) return null;
	return <Console target={ready.target} org={props.request.org} initialView={viewName[props.kind]} registry={ready.registry} debug={props.debug}/>;
}
