import React from 'react';
import zod from 'zod';
import ListCommand from '../app/ListCommand.js';
import {organizationSorts} from '../db/queries/organizations.js';
import {connectionOptions, outputOptions} from '../app/options.js';

export const description = 'List organizations: plan, fleets, vehicles, vehicles online now, users';

export const options = connectionOptions.merge(outputOptions).extend({
	search: zod.string().optional().describe('Only organizations whose name or slug starts with this'),
	sort: zod.enum(organizationSorts).default('name').describe('Sort by'),
	limit: zod.string().default('200').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

export default function Orgs({options}: Props) {
	return (
		<ListCommand
			options={options}
			load={async (sql, _organization, request) => {
				const {listOrganizations} = await import('../db/queries/organizations.js');
				return listOrganizations(sql, {...request, sort: options.sort, search: options.search});
			}}
			// Slug, fleets and vehicles always stay; plan, then users, then online, then name go first.
			columns={() => [
				{key: 'slug', header: 'slug'},
				{key: 'name', header: 'name', priority: 1},
				{key: 'plan', header: 'plan', priority: 4},
				{key: 'fleets', header: 'fleets', align: 'right'},
				{key: 'vehicles', header: 'vehicles', align: 'right'},
				{key: 'onlineNow', header: 'online', align: 'right', priority: 2},
				{key: 'users', header: 'users', align: 'right', priority: 3},
			]}
		/>
	);
}
