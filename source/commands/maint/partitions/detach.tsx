import React from 'react';
import zod from 'zod';
import {MaintenanceCommand} from '../../../app/MaintenanceCommand.js';
import {UsageError} from '../../../model/errors.js';
import {actionOptions, connectionOptions} from '../../../app/options.js';
import {parseMonths} from '../../../text/parse.js';

export const description = 'Detach monthly partitions older than a cutoff (never the current or a future month); --drop deletes them after a second confirmation';

export const options = connectionOptions.merge(actionOptions).extend({
	olderThan: zod.string().optional().describe('Detach partitions that ended this long before the current month: 12mo, 18 months, 2y'),
	table: zod.string().optional().describe('Only this partitioned table (default: all of them)'),
	partition: zod.string().optional().describe('Detach exactly this partition (e.g. vehicle_telematics_2025_01)'),
	drop: zod.boolean().default(false).describe('Then DROP the detached partitions (asks again: type the name)'),
});

type Props = {options: zod.infer<typeof options>};

export default function PartitionsDetach({options}: Props) {
	return (
		<MaintenanceCommand
			options={options}
			request={() => {
				if (!options.olderThan && !options.partition) throw new UsageError('say which partitions to detach', 'use --older-than 12mo (with --table T) or --partition NAME');
				if (options.olderThan && options.partition) throw new UsageError('--older-than and --partition cannot be used together');
				return {action: 'partitions.detach', olderThanMonths: options.olderThan ? parseMonths(options.olderThan, '--older-than') : undefined, table: options.table, partition: options.partition, drop: options.drop};
			}}
		/>
	);
}
