import React from 'react';
import zod from 'zod';
import ListCommand from '../app/ListCommand.js';
import {userSorts} from '../db/queries/users.js';
import {UsageError} from '../model/errors.js';
import {formatAge} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';

export const description = "List an organization's users: name, email, roles, status, last login";

export const options = connectionOptions.merge(outputOptions).merge(scopeOptions).extend({
	search: zod.string().optional().describe('Only users whose name or email starts with this'),
	sort: zod.enum(userSorts).default('name').describe('Sort by'),
	limit: zod.string().default('500').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

export default function Users({options}: Props) {
	return (
		<ListCommand
			options={options}
			validate={() => {
				if (!options.org) throw new UsageError('evfleet users needs --org <slug|id>', 'evfleet orgs lists the organizations');
			}}
			load={async (sql, organization, request) => {
				const {listUsers} = await import('../db/queries/users.js');
				return listUsers(sql, {...request, organizationId: organization?.id, sort: options.sort, search: options.search});
			}}
			// Name, email and status always stay; phone, then roles, then last login go first.
			columns={format => [
				{key: 'fullName', header: 'name'},
				{key: 'email', header: 'email'},
				{key: 'phone', header: 'phone', priority: 3},
				{key: 'roles', header: 'roles', priority: 2},
				{key: 'status', header: 'status'},
				{
					key: 'lastLoginAt',
					header: 'last login',
					priority: 1,
					format: value => (value ? (format === 'table' ? `${formatAge(value as Date)} ago` : (value as Date).toISOString()) : 'never'),
				},
			]}
		/>
	);
}
