// Vehicles: VIN, plate, model, status, SoC, connectivity and last seen, location, fleet. enter → inspector.
import React, {useState} from 'react';
import type {KeyBinding} from '../app/keys.js';
import type {Column} from '../components/DataTable.js';
import {formatAge} from '../text/formats.js';
import type {VehicleRow, VehiclesData} from '../model/data-sources.js';
import {ListView, listViewKeys} from './ListView.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [
	...listViewKeys,
	{key: 'enter', label: 'inspect the vehicle'},
	{key: 'f', label: 'cycle the status filter'},
	{key: 'c', label: 'cycle the connectivity filter (online, stale, offline)'},
];

const connectivityColor: Record<string, string> = {online: 'green', stale: 'yellow', offline: 'red'};

export function formatLocation(latitude: number | null, longitude: number | null): string {
	if (latitude === null || longitude === null) return '-';
	return `${latitude.toFixed(3)},${longitude.toFixed(3)}`;
}

// At 80 columns VIN, status and SoC always stay; the others shrink (plate, model, fleet) or go: location,
// fleet, model, conn, then last seen and plate.
const columns: Column<VehicleRow>[] = [
	{key: 'vin', header: 'VIN', value: v => v.vin, width: 17, priority: 0},
	{key: 'plate', header: 'Plate', value: v => v.plate ?? '-', minWidth: 5, maxWidth: 12, priority: 1},
	{key: 'model', header: 'Model', value: v => `${v.make} ${v.model}`, minWidth: 10, maxWidth: 22, priority: 4},
	{key: 'status', header: 'Status', value: v => v.status, maxWidth: 11, priority: 0},
	{key: 'soc', header: 'SoC', value: v => (v.socPct === null ? '-' : `${Math.round(v.socPct)}%`), align: 'right', priority: 0},
	{key: 'seen', header: 'Seen', value: v => (v.lastSeenAt ? formatAge(v.lastSeenAt) : 'never'), align: 'right', priority: 2, color: v => connectivityColor[v.connectivity]},
	{key: 'conn', header: 'Conn', value: v => v.connectivity, priority: 3, color: v => connectivityColor[v.connectivity]},
	{key: 'location', header: 'Location', value: v => formatLocation(v.latitude, v.longitude), priority: 7},
	{key: 'fleet', header: 'Fleet', value: v => v.fleetName, minWidth: 10, maxWidth: 24, priority: 5},
];

export const sorts = [
	{key: 'vin', label: 'VIN'},
	{key: 'plate', label: 'plate'},
	{key: 'lastSeen', label: 'silent longest'},
	{key: 'soc', label: 'lowest SoC'},
	{key: 'status', label: 'status'},
	{key: 'fleet', label: 'fleet'},
];

const uuid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** arg: "fleet:<id>", "org:<id>", a fleet id, a fleet's name (`:vehicles Nasr City Depot`) or nothing (every vehicle in scope). */
export function parseVehiclesArg(arg: string | undefined): {fleetId?: string; fleetName?: string; organizationId?: string} {
	if (!arg) return {};
	if (arg.startsWith('fleet:')) return {fleetId: arg.slice(6)};
	if (arg.startsWith('org:')) return {organizationId: arg.slice(4)};
	return uuid.test(arg) ? {fleetId: arg} : {fleetName: arg};
}

export default function VehiclesScreen({data, width, height, isActive, navigate, arg, reportError}: ScreenProps<VehiclesData>) {
	const [status, setStatus] = useState<string | undefined>(undefined);
	const [connectivity, setConnectivity] = useState<string | undefined>(undefined);
	const cycle = (values: readonly string[], current: string | undefined) => {
		const index = current === undefined ? -1 : values.indexOf(current);
		return index + 1 < values.length ? values[index + 1] : undefined;
	};
	const scope = parseVehiclesArg(arg);
	const note = [status ? `status: ${status}` : '', connectivity ? `conn: ${connectivity}` : ''].filter(Boolean).join(' ');
	return (
		<ListView<VehicleRow>
			title="Vehicles"
			width={width}
			height={height}
			isActive={isActive}
			columns={columns}
			load={request => data.list({...request, ...scope, status, connectivity})}
			deps={[arg, status, connectivity]}
			sorts={sorts}
			rowKey={v => v.id}
			openLabel="inspect"
			onOpen={v => navigate('vehicle', v.id, v.plate ?? v.vin)}
			extraKeys={() => [
				{key: 'f', label: 'status', handler: () => setStatus(current => cycle(data.statuses, current))},
				{key: 'c', label: 'conn', handler: () => setConnectivity(current => cycle(data.connectivities, current))},
			]}
			note={note || undefined}
			emptyText={status || connectivity ? 'no vehicles with this status — f/c change the filters' : 'no vehicles'}
			reportError={reportError}
		/>
	);
}
