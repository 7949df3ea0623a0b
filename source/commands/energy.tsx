import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {connectionOptions, scopeOptions} from '../app/options.js';

export const description = 'Energy: Wh/km per week against the peers’ median, regeneration, consumption by temperature, V2G per month';

export const options = connectionOptions.merge(scopeOptions).extend({
	fleet: zod.string().optional().describe('Only this fleet (name or id; add --org when names repeat)'),
	vehicle: zod.string().optional().describe('Only this vehicle (VIN, plate or id), compared with its fleet'),
	months: zod.string().default('24').describe('Window in months: 24, 18mo, 2y'),
	json: zod.boolean().default(false).describe('Print the series and tables as JSON'),
});

type Props = {options: zod.infer<typeof options>};

export default function Energy({options}: Props) {
	return <Task debug={options.debug} run={async () => (await import('../app/battery-report.js')).runAnalytics('energy', options)}/>;
}
