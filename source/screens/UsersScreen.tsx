// Users of an organization: who to call at a customer.
import React from 'react';
import type {KeyBinding} from '../app/keys.js';
import type {Column} from '../components/DataTable.js';
import {formatAge} from '../text/formats.js';
import type {UserRow, UsersData} from '../model/data-sources.js';
import {ListView, listViewKeys} from './ListView.js';
import type {ScreenProps} from './screen-props.js';

export const keys: KeyBinding[] = listViewKeys.filter(k => k.key !== 'enter');

// At 80 columns name, email and status always stay; organization, last login and roles go first, in that order.
const columns: Column<UserRow>[] = [
	{key: 'name', header: 'Name', value: u => u.fullName, minWidth: 10, maxWidth: 26, priority: 0},
	{key: 'email', header: 'Email', value: u => u.email, minWidth: 12, maxWidth: 34, priority: 0},
	{key: 'roles', header: 'Roles', value: u => u.roles.join(',') || '-', minWidth: 6, maxWidth: 24, priority: 2},
	{key: 'status', header: 'Status', value: u => u.status, priority: 0},
	{key: 'login', header: 'Last login', value: u => (u.lastLoginAt ? `${formatAge(u.lastLoginAt)} ago` : 'never'), align: 'right', priority: 3},
	{key: 'org', header: 'Organization', value: u => u.organizationName || '-', maxWidth: 20, priority: 5},
];

export const sorts = [
	{key: 'name', label: 'name'},
	{key: 'lastLogin:desc', label: 'last login'},
	{key: 'status', label: 'status'},
	{key: 'email', label: 'email'},
];

/** arg: an organization id, or nothing (every user in scope). */
export default function UsersScreen({data, width, height, isActive, arg, reportError}: ScreenProps<UsersData>) {
	return (
		<ListView<UserRow>
			title="Users"
			width={width}
			height={height}
			isActive={isActive}
			columns={arg ? columns.filter(c => c.key !== 'org') : columns}
			load={request => data.list({...request, organizationId: arg})}
			deps={[arg]}
			sorts={sorts}
			rowKey={u => u.id}
			emptyText="no users"
			reportError={reportError}
		/>
	);
}
