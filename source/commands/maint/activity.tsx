import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {UsageError} from '../../model/errors.js';
import {activitySorts, type ActivitySort} from '../../model/activity.js';
import {connectionOptions} from '../../app/options.js';
import {chooseFormat} from '../../print/output.js';

export const description = 'Server activity as pg_activity shows it: every backend, its waits and ages, lock waits as a blocker tree (root blockers first)';

export const options = connectionOptions.extend({
	json: zod.boolean().default(false).describe('Print JSON (exact query texts, microsecond timestamps)'),
	all: zod.boolean().default(false).describe('Every database of the cluster, not only the one connected to'),
	sort: zod.string().default('age').describe('Order of root blockers and siblings: age (oldest transaction first) or blocked (most waiting behind first)'),
});

type Props = {options: zod.infer<typeof options>};

export default function Activity({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				if (!(activitySorts as readonly string[]).includes(options.sort)) throw new UsageError(`invalid --sort "${options.sort}"`, `use one of: ${activitySorts.join(', ')}`);
				const format = chooseFormat(options);
				const [{withSql}, {readActivity}, {printActivity}] = await Promise.all([import('../../db/session.js'), import('../../db/queries/activity.js'), import('../../print/activity.js')]);
				const snapshot = await withSql(options, {readOnly: true, max: 1}, sql => readActivity(sql, {all: options.all}));
				printActivity(snapshot, format, {sort: options.sort as ActivitySort});
			}}
		/>
	);
}
