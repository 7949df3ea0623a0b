import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {describeTarget} from '../../db/connection.js';
import {migrationStatus, defaultSqlDir} from '../../db/migrate.js';
import {serverInfo} from '../../db/queries/server.js';
import {withSql} from '../../db/session.js';
import {connectionOptions, outputOptions} from '../../app/options.js';
import {chooseFormat, formatValue, printJson, printRows} from '../../print/output.js';

export const description = 'Show which schema files are applied, the server version and extensions';

export const options = connectionOptions.merge(outputOptions).extend({
	dir: zod.string().optional().describe('Folder of .sql files (default: the package sql/)'),
});

type Props = {options: zod.infer<typeof options>};

export default function DbStatus({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const format = chooseFormat(options);
				await withSql(options, {readOnly: true, max: 1}, async (sql, target) => {
					const [files, server] = [await migrationStatus(sql, options.dir ?? defaultSqlDir), await serverInfo(sql)];
					if (format === 'json') {
						printJson({target: describeTarget(target), source: target.source, server, files});
						return;
					}
					printRows(files, [
						{key: 'name', header: 'file'},
						{key: 'status', header: 'status'},
						{key: 'appliedAt', header: 'applied at'},
						{key: 'durationMs', header: 'ms', align: 'right'},
					], format);
					if (format === 'table') {
						process.stdout.write(`\n${describeTarget(target)} (${target.source}) — ${server.version}\n`);
						printRows(server.extensions, [
							{key: 'name', header: 'extension'},
							{key: 'installedVersion', header: 'installed', format: value => formatValue(value) || '-'},
							{key: 'availableVersion', header: 'available', format: value => formatValue(value) || 'not available'},
						], format);
					}
				});
			}}
		/>
	);
}
