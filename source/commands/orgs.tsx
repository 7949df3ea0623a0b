import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {collectPages} from '../db/queries/paging.js';
import {organizationSorts} from '../db/queries/organizations.js';
import {withBrowseSql} from '../db/scope.js';
import {connectionOptions, outputOptions} from '../app/options.js';
import {chooseFormat, printJson, printRows} from '../print/output.js';
import {parseCount} from '../text/parse.js';

export const description = 'List organizations: plan, fleets, vehicles, vehicles online now, users';

export const options = connectionOptions.merge(outputOptions).extend({
	search: zod.string().optional().describe('Only organizations whose name or slug starts with this'),
	sort: zod.enum(organizationSorts).default('name').describe('Sort by'),
	limit: zod.string().default('200').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

export default function Orgs({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const format = chooseFormat(options);
				const limit = parseCount(options.limit);
				const {listOrganizations} = await import('../db/queries/organizations.js');
				await withBrowseSql(options, async sql => {
					const page = await collectPages(request => listOrganizations(sql, {...request, sort: options.sort, search: options.search}), limit);
					if (format === 'json') return printJson(page.rows);
					printRows(page.rows, [
						{key: 'slug', header: 'slug'},
						{key: 'name', header: 'name', priority: 5},
						{key: 'plan', header: 'plan', priority: 2},
						{key: 'fleets', header: 'fleets', align: 'right'},
						{key: 'vehicles', header: 'vehicles', align: 'right'},
						{key: 'onlineNow', header: 'online', align: 'right', priority: 4},
						{key: 'users', header: 'users', align: 'right', priority: 3},
					], format, process.stdout, {compact: true, width: process.stdout.columns});
					if (page.nextCursor) process.stderr.write(`showing ${page.rows.length} of ${page.totalIsExact ? '' : '~'}${page.estimatedTotal}; raise --limit for more\n`);
				});
			}}
		/>
	);
}
