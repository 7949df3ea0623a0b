import React from 'react';
import zod from 'zod';
import {MaintenanceCommand} from '../../../app/MaintenanceCommand.js';
import {UsageError} from '../../../model/errors.js';
import {actionOptions, connectionOptions} from '../../../app/options.js';

export const description = 'Create the monthly partitions for this month and the next N (idempotent)';

export const options = connectionOptions.merge(actionOptions).extend({
	ahead: zod.string().default('3').describe('Months ahead of the current one (0-60)'),
	table: zod.string().optional().describe('Only this partitioned table (default: all of them)'),
});

type Props = {options: zod.infer<typeof options>};

export default function PartitionsCreate({options}: Props) {
	return (
		<MaintenanceCommand
			options={options}
			request={() => {
				const ahead = Number(options.ahead);
				if (!/^\d+$/.test(options.ahead) || ahead > 60) throw new UsageError(`invalid --ahead "${options.ahead}"`, 'use a number of months from 0 to 60');
				return {action: 'partitions.create', ahead, table: options.table};
			}}
		/>
	);
}
