// Fleets: name, organization, depot, vehicles by status, average SoC, online share. enter → its vehicles.
import React from 'react';
import type {KeyBinding} from '../app/keys.js';
import type {Column} from '../components/DataTable.js';
import {formatNumber} from '../text/formats.js';
import type {FleetRow, FleetsData} from '../model/data-sources.js';
import {ListView, listViewKeys} from './ListView.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [...listViewKeys, {key: 'enter', label: "the fleet's vehicles"}];

const statusLetters: Array<[string, string]> = [['active', 'A'], ['charging', 'C'], ['idle', 'I'], ['maintenance', 'M'], ['offline', 'O']];

/** "A12 C3 I4 M1" — vehicles per status, zeros left out. */
export function formatByStatus(byStatus: Record<string, number>): string {
	return statusLetters.filter(([status]) => (byStatus[status] ?? 0) > 0).map(([status, letter]) => `${letter}${byStatus[status]}`).join(' ') || '-';
}

// At 80 columns fleet and vehicles always stay; depot, organization, by status, online, then average SoC go first.
const columns: Column<FleetRow>[] = [
	{key: 'name', header: 'Fleet', value: f => f.name, minWidth: 10, maxWidth: 28, priority: 0},
	{key: 'org', header: 'Organization', value: f => f.organizationName, minWidth: 12, maxWidth: 22, priority: 4},
	{key: 'depot', header: 'Depot', value: f => f.depotAddress ?? '-', minWidth: 14, maxWidth: 28, priority: 5},
	{key: 'vehicles', header: 'Veh', value: f => formatNumber(f.vehicles), align: 'right', priority: 0},
	{key: 'status', header: 'By status', value: f => formatByStatus(f.vehiclesByStatus), minWidth: 9, maxWidth: 22, priority: 3},
	{key: 'soc', header: 'Avg SoC', value: f => (f.avgSocPct === null ? '-' : `${Math.round(f.avgSocPct)}%`), align: 'right', priority: 1},
	{key: 'online', header: 'Online', value: f => (f.onlineShare === null ? '-' : `${Math.round(f.onlineShare * 100)}%`), align: 'right', priority: 2},
];

export const sorts = [
	{key: 'name', label: 'name'},
	{key: 'organization', label: 'organization'},
	{key: 'created:desc', label: 'newest'},
];

/** arg: an organization id (from the organizations list) or nothing (every fleet in scope). */
export default function FleetsScreen({data, width, height, isActive, navigate, arg, reportError}: ScreenProps<FleetsData>) {
	return (
		<ListView<FleetRow>
			title="Fleets"
			width={width}
			height={height}
			isActive={isActive}
			columns={columns}
			load={request => data.list({...request, organizationId: arg})}
			deps={[arg]}
			sorts={sorts}
			rowKey={f => f.id}
			openLabel="vehicles"
			onOpen={f => navigate('vehicles', `fleet:${f.id}`, f.name)}
			note="A active C charging I idle M maint O offline"
			emptyText="no fleets"
			reportError={reportError}
		/>
	);
}
