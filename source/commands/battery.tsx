import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {connectionOptions, scopeOptions} from '../app/options.js';

export const description = 'Battery health: SoH over time (one vehicle, or median/p10/p90 of a fleet) and the fastest-fading vehicles';

export const options = connectionOptions.merge(scopeOptions).extend({
	fleet: zod.string().optional().describe('Only this fleet (name or id; add --org when names repeat)'),
	vehicle: zod.string().optional().describe('Only this vehicle (VIN, plate or id), compared with its fleet'),
	months: zod.string().default('24').describe('Window in months: 24, 18mo, 2y'),
	limit: zod.string().optional().describe('Vehicles in the fade table (default 20)'),
	json: zod.boolean().default(false).describe('Print the series and the fade table as JSON'),
});

type Props = {options: zod.infer<typeof options>};

export default function Battery({options}: Props) {
	return <Task debug={options.debug} run={async () => (await import('../app/battery-report.js')).runAnalytics('battery', options)}/>;
}
