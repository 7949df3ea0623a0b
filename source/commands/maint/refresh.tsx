import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {MaintenanceCommand} from '../../app/MaintenanceCommand.js';
import {actionOptions, connectionOptions} from '../../app/options.js';

export const description = 'Refresh materialized views (concurrently once populated, so readers are not blocked)';

export const args = zod.tuple([
	zod.enum(['battery_health_trends', 'energy_efficiency_metrics', 'all']).default('all').describe(argument({name: 'view', description: 'battery_health_trends, energy_efficiency_metrics or all'})),
]);

export const options = connectionOptions.merge(actionOptions);

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function Refresh({args: [view], options}: Props) {
	return <MaintenanceCommand options={options} request={() => ({action: 'refresh', view: view ?? 'all'})} />;
}
