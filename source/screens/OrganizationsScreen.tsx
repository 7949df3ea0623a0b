// Organizations: name, plan, fleets, vehicles, online now, users. enter → its fleets, u → its users.
import React from 'react';
import type {KeyBinding} from '../app/keys.js';
import type {Column} from '../components/DataTable.js';
import {formatNumber} from '../text/formats.js';
import type {OrganizationRow, OrganizationsData} from '../model/data-sources.js';
import {ListView, listViewKeys} from './ListView.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = [...listViewKeys, {key: 'enter', label: "the organization's fleets"}, {key: 'u', label: "the organization's users"}, {key: 'v', label: "the organization's vehicles"}];

// At 80 columns name and vehicles always stay; plan, users, fleets, slug and online go first, in that order.
const columns: Column<OrganizationRow>[] = [
	{key: 'name', header: 'Name', value: o => o.name, minWidth: 12, maxWidth: 32, priority: 0},
	{key: 'slug', header: 'Slug', value: o => o.slug, maxWidth: 24, priority: 2},
	{key: 'plan', header: 'Plan', value: o => o.plan ?? '-', priority: 5},
	{key: 'fleets', header: 'Fleets', value: o => formatNumber(o.fleets), align: 'right', priority: 3},
	{key: 'vehicles', header: 'Vehicles', value: o => formatNumber(o.vehicles), align: 'right', priority: 0},
	{key: 'online', header: 'Online', value: o => formatNumber(o.onlineNow), align: 'right', priority: 1},
	{key: 'users', header: 'Users', value: o => formatNumber(o.users), align: 'right', priority: 4},
];

export const sorts = [
	{key: 'name', label: 'name'},
	{key: 'slug', label: 'slug'},
	{key: 'plan', label: 'plan'},
	{key: 'created:desc', label: 'newest'},
];

export default function OrganizationsScreen({data, width, height, isActive, navigate, reportError}: ScreenProps<OrganizationsData>) {
	return (
		<ListView<OrganizationRow>
			title="Organizations"
			width={width}
			height={height}
			isActive={isActive}
			columns={columns}
			load={request => data.list(request)}
			sorts={sorts}
			rowKey={o => o.id}
			openLabel="fleets"
			onOpen={o => navigate('fleets', o.id, o.name)}
			extraKeys={o => (o ? [
				{key: 'u', label: 'users', handler: () => navigate('users', o.id, `${o.name} users`)},
				{key: 'v', label: 'vehicles', handler: () => navigate('vehicles', `org:${o.id}`, `${o.name} vehicles`)},
			] : [])}
			emptyText="no organizations visible (is the console scoped with --org?)"
			reportError={reportError}
		/>
	);
}
