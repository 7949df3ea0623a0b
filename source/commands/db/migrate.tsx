import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {connect, requirePostgis, resolveTarget, describeTarget} from '../../db/connection.js';
import {migrate, defaultSqlDir} from '../../db/migrate.js';
import {parseTimeout} from '../../text/parse.js';
import {connectionOptions} from '../../app/options.js';
import {printJson} from '../../print/output.js';

export const description = 'Apply the schema files (sql/) that are not applied yet';

export const options = connectionOptions.extend({
	dir: zod.string().optional().describe('Folder of .sql files (default: the package sql/)'),
	dryRun: zod.boolean().default(false).describe('Print what would run, change nothing'),
	lockTimeout: zod.string().default('10s').describe('A file that waits longer than this for a table lock rolls back instead of queueing writers behind it: 2s, 1min (0 = wait)'),
	reapplyChanged: zod.boolean().default(false).describe('Apply again the files changed since they were applied (evfleet\'s own sql/ after an upgrade: they are written to be re-run)'),
	json: zod.boolean().default(false).describe('Print JSON'),
});

type Props = {options: zod.infer<typeof options>};

export default function Migrate({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const lockTimeoutMs = parseTimeout(options.lockTimeout, '--lock-timeout');
				const target = resolveTarget(options);
				const log = (line: string) => !options.json && process.stderr.write(`${line}\n`);
				// One session: the advisory lock and every file's transaction share it.
				const sql = await connect(target, {max: 1});
				try {
					const result = await migrate(sql, {
						dir: options.dir ?? defaultSqlDir,
						dryRun: options.dryRun,
						reapplyChanged: options.reapplyChanged,
						lockTimeoutMs,
						onProgress(event) {
							if (event.kind === 'waiting-for-lock') log('another migrate is running; waiting for it to finish');
							if (event.kind === 'done') log(`applied ${event.file} (${event.durationMs} ms)`);
						},
					});
					const ran = [...result.applied, ...result.reapplied];
					if (!options.dryRun && ran.length > 0) await requirePostgis(sql, target);
					const again = result.reapplied.length > 0 ? ` (again: ${result.reapplied.map(file => file.name).join(', ')})` : '';
					if (options.json) printJson(result);
					else if (ran.length === 0) process.stdout.write(`nothing to do: ${result.alreadyApplied.length} files already applied to ${describeTarget(target)}\n`);
					else if (options.dryRun) process.stdout.write(`would apply ${ran.length}: ${[...result.applied.map(file => file.name), ...result.reapplied.map(file => `${file.name} (again)`)].join(', ')}\n`);
					else process.stdout.write(`applied ${ran.length} to ${describeTarget(target)}${again}\n`);
				} finally {
					await sql.end({timeout: 5});
				}
			}}
		/>
	);
}
