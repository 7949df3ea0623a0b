import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {collectPages} from '../db/queries/paging.js';
import {userSorts} from '../db/queries/users.js';
import {withBrowseSql} from '../db/scope.js';
import {UsageError} from '../model/errors.js';
import {formatAge} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';
import {chooseFormat, printJson, printRows} from '../print/output.js';
import {parseCount} from '../text/parse.js';

export const description = "List an organization's users: name, email, roles, status, last login";

export const options = connectionOptions.merge(outputOptions).merge(scopeOptions).extend({
	search: zod.string().optional().describe('Only users whose name or email starts with this'),
	sort: zod.enum(userSorts).default('name').describe('Sort by'),
	limit: zod.string().default('500').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

export default function Users({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				if (!options.org) throw new UsageError('evfleet users needs --org <slug|id>', 'evfleet orgs lists the organizations');
				const format = chooseFormat(options);
				const limit = parseCount(options.limit);
				const {listUsers} = await import('../db/queries/users.js');
				await withBrowseSql(options, async (sql, organization) => {
					const page = await collectPages(
						request => listUsers(sql, {...request, organizationId: organization?.id, sort: options.sort, search: options.search}),
						limit,
					);
					if (format === 'json') return printJson(page.rows);
					printRows(page.rows, [
						{key: 'fullName', header: 'name'},
						{key: 'email', header: 'email'},
						{key: 'phone', header: 'phone', priority: 4},
						{key: 'roles', header: 'roles', priority: 3},
						{key: 'status', header: 'status', priority: 2},
						{
							key: 'lastLoginAt',
							header: 'last login',
							priority: 5,
							format: value => (value ? (format === 'table' ? `${formatAge(value as Date)} ago` : (value as Date).toISOString()) : 'never'),
						},
					], format, process.stdout, {compact: true, width: process.stdout.columns});
					if (page.nextCursor) process.stderr.write(`showing ${page.rows.length} of ${page.totalIsExact ? '' : '~'}${page.estimatedTotal}; raise --limit for more\n`);
				});
			}}
		/>
	);
}
