import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {connectionOptions, outputOptions} from '../../app/options.js';
import {parseSince} from '../../text/parse.js';
import {UsageError} from '../../model/errors.js';
import {auditClaimedParty, auditServerParty} from '../../model/maintenance.js';

export const description = 'Recent maintenance actions from the maintenance_log audit: who (as the server saw it, and as claimed), what, outcome';

export const options = connectionOptions.merge(outputOptions).extend({
	limit: zod.string().default('20').describe('How many entries (newest first)'),
	action: zod.string().optional().describe('Only this action: partitions.create, partitions.detach, partitions.drop, refresh, vacuum, analyze, reindex, schedule'),
	outcome: zod.enum(['done', 'failed', 'cancelled', 'refused', 'dry_run']).optional().describe('Only this outcome'),
	since: zod.string().optional().describe('Only entries since: 2h, 7d or an ISO time'),
	sql: zod.boolean().default(false).describe('Show the SQL of each entry'),
});

type Props = {options: zod.infer<typeof options>};

export default function Log({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const limit = Number(options.limit);
				if (!/^\d+$/.test(options.limit) || limit < 1 || limit > 10_000) throw new UsageError(`invalid --limit "${options.limit}"`, 'use a number from 1 to 10000');
				const since = options.since ? parseSince(options.since) : undefined;
				const [{withSql}, {recentLog}, output, {formatDuration}] = await Promise.all([import('../../db/session.js'), import('../../db/maintenance/audit.js'), import('../../print/output.js'), import('../../text/formats.js')]);
				const format = output.chooseFormat(options);
				const rows = await withSql(options, {readOnly: true, max: 1}, sql => recentLog(sql, {limit, action: options.action, outcome: options.outcome, since}));
				if (format === 'json') return output.printJson(rows);
				if (rows.length === 0 && format === 'table') {
					process.stdout.write('no maintenance recorded yet\n');
					return;
				}
				output.printRows(rows, [
					{key: 'startedAt', header: 'started'},
					{key: 'dbUser', header: 'db user'},
					// the server's view (a trigger sets it) beside what the client claimed: a DBA sees when they differ
					{key: 'serverUser', header: 'login@address (server)', format: (_, r) => auditServerParty(r)},
					{key: 'osUser', header: 'os user@host (claimed)', format: (_, r) => auditClaimedParty(r)},
					{key: 'action', header: 'action'},
					{key: 'target', header: 'target', format: v => String(v ?? '').slice(0, 40)},
					{key: 'outcome', header: 'outcome', format: v => (v as string | null) ?? 'running?'},
					{key: 'finishedAt', header: 'took', align: 'right', format: (v, r) => (v ? formatDuration((v as Date).getTime() - r.startedAt.getTime()) : '')},
					{key: 'error', header: 'error', format: v => String(v ?? '').slice(0, options.sql ? 200 : 60)},
					...(options.sql ? [{key: 'sql' as const, header: 'sql', format: (v: unknown) => String(v ?? '')}] : []),
				], format);
			}}
		/>
	);
}
