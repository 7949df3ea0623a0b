import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {connect, describeTarget, resolveTarget} from '../../db/connection.js';
import {connectionOptions} from '../../app/options.js';
import {chooseFormat, printJson, printRows} from '../../print/output.js';
import {formatDuration, formatNumber} from '../../text/formats.js';
import {parseCount, parseSince} from '../../text/parse.js';

export const description = 'Fill a database with the demo data set (organizations, fleets, vehicles, telematics, charging, routes, energy)';

export const options = connectionOptions.extend({
	scale: zod.enum(['tiny', 'small', 'medium', 'large']).default('small').describe('small: ~200 vehicles (the demo); medium: 1 000 vehicles, 2 M telematics rows; large: 10 000 vehicles, 50 000 stations, 20 M rows'),
	seed: zod.string().default('1').describe('Random seed: the same seed (and --now) gives the same data'),
	now: zod.string().optional().describe('"Now" of the data set, an ISO time (default: the current time); pin it for reproducible data'),
	force: zod.boolean().default(false).describe('Seed even when the database already holds organizations (the same --seed replaces its earlier data)'),
	dryRun: zod.boolean().default(false).describe('Count the rows it would add, in a transaction that is rolled back'),
	json: zod.boolean().default(false).describe('Print JSON'),
});

type Props = {options: zod.infer<typeof options>};

export default function Seed({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const seed = parseCount(options.seed, '--seed', 2_147_483_647);
				const anchor = options.now ? parseSince(options.now, Date.now(), '--now') : undefined;
				const format = chooseFormat({json: options.json});
				const target = resolveTarget(options);
				const {seedDatabase} = await import('../../demo/seed/index.js');
				const sql = await connect(target, {max: 3});
				try {
					const result = await seedDatabase(sql, {
						scale: options.scale,
						seed,
						anchor,
						force: options.force,
						dryRun: options.dryRun,
						onProgress(event) {
							if (options.json) return;
							const rows = event.rows ? ` ${formatNumber(event.rows)} rows` : '';
							process.stderr.write(`[${String(event.step).padStart(2)}/${event.steps}] ${event.label}${rows}\n`);
						},
					});
					const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
					if (format === 'json') {
						printJson({target: describeTarget(target), ...result, total});
						return;
					}
					const rows = Object.entries(result.counts).map(([table, count]) => ({table, rows: count}));
					printRows(rows, [{key: 'table', header: 'table'}, {key: 'rows', header: options.dryRun ? 'would add' : 'rows', align: 'right', format: value => formatNumber(value as number)}], format);
					if (format === 'table') {
						const verb = options.dryRun ? 'would add' : 'added';
						process.stdout.write(`${verb} ${formatNumber(total)} rows to ${describeTarget(target)} in ${formatDuration(result.durationMs)} (scale ${result.scale}, seed ${result.seed}, now ${result.anchor.toISOString()})\n`);
					}
				} finally {
					await sql.end({timeout: 5});
				}
			}}
		/>
	);
}
