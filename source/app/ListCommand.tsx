// The body every browse list command shares: parse --limit, open the browse connection (scoped with --org),
// collect keyset pages up to the limit, print JSON or the columns, and say on stderr when rows were left out.
import React from 'react';
import type {Sql} from 'postgres';
import Task from './Task.js';
import type {ConnectionRequest} from '../db/connection.js';
import {collectPages, type Cursor, type Page} from '../model/page.js';
import type {OrganizationRef} from '../db/queries/organizations.js';
import {withBrowseSql} from '../db/scope.js';
import {chooseFormat, printJson, printRows, type Column, type OutputFormat} from '../print/output.js';
import {checkIdentifiers, parseCount} from '../text/parse.js';

export type ListCommandProps<Row, Printed = Row> = {
	readonly options: ConnectionRequest & {org?: string; debug?: boolean; json?: boolean; csv?: boolean; limit: string};
	/** Checks that need no database (UsageError, exit 2) before connecting. */
	validate?(): void;
	load(sql: Sql, organization: OrganizationRef | null, request: {after: Cursor | null; limit: number}): Promise<Page<Row>>;
	/** Extra fields for the printed columns (JSON prints the rows as loaded). */
	printed?(row: Row): Printed;
	columns(format: OutputFormat, organization: OrganizationRef | null): Array<Column<Printed>>;
};

export default function ListCommand<Row, Printed = Row>({options, validate, load, printed, columns}: ListCommandProps<Row, Printed>) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				checkIdentifiers(options);
				validate?.();
				const format = chooseFormat(options);
				const limit = parseCount(options.limit);
				await withBrowseSql(options, async (sql, organization) => {
					const page = await collectPages(request => load(sql, organization, request), limit);
					if (format === 'json') return printJson(page.rows);
					printRows(printed ? page.rows.map(printed) : (page.rows as unknown as Printed[]), columns(format, organization), format, process.stdout, {compact: true, width: process.stdout.columns});
					if (page.next) process.stderr.write(`showing ${page.rows.length} of ${page.estimated ? '~' : ''}${page.total}; raise --limit for more\n`);
				});
			}}
		/>
	);
}
