import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {connectionOptions, outputOptions} from '../../app/options.js';
import {parseDuration} from '../../text/parse.js';

export const description = 'Health: partitions ahead, view staleness, sizes and dead tuples, unused/duplicate indexes, long queries and lock waits';

export const options = connectionOptions.merge(outputOptions).extend({
	check: zod.boolean().default(false).describe('Exit 1 when anything needs attention (an action: missing partition, stale view; or a warning: lock waits, long queries, bloat): for cron and health checks'),
	longRunning: zod.string().default('30s').describe('List queries running longer than this'),
	batteryMaxAge: zod.string().default('26h').describe('battery_health_trends is stale after this'),
	energyMaxAge: zod.string().default('2h').describe('energy_efficiency_metrics is stale after this'),
	all: zod.boolean().default(false).describe('List every table and index, not only the largest and the problems'),
});

type Props = {options: zod.infer<typeof options>};

export default function MaintStatus({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const healthOptions = {
					longRunningSeconds: parseDuration(options.longRunning, '--long-running') / 1000,
					maxAgeSeconds: {
						battery_health_trends: parseDuration(options.batteryMaxAge, '--battery-max-age') / 1000,
						energy_efficiency_metrics: parseDuration(options.energyMaxAge, '--energy-max-age') / 1000,
					},
				};
				const {printStatus} = await import('../../app/maintenance-status.js');
				return printStatus(options, healthOptions, {check: options.check, all: options.all});
			}}
		/>
	);
}
