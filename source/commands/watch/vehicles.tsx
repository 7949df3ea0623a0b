import React from 'react';
import zod from 'zod';
import WatchCommand from '../../app/WatchCommand.js';
import {watchOptions} from '../../app/watch-options.js';

export const description = 'Live vehicles: counts by status and connectivity, those needing attention first';

export const options = watchOptions.extend({
	status: zod.enum(['active', 'charging', 'idle', 'maintenance', 'offline']).optional().describe('Only vehicles with this status'),
	connectivity: zod.enum(['online', 'stale', 'offline']).optional().describe('Only online (reported in 5 min), stale (1 h) or offline vehicles'),
});

type Props = {options: zod.infer<typeof options>};

export default function WatchVehicles({options}: Props) {
	return <WatchCommand kind="vehicles" options={options} filters={() => ({status: options.status, connectivity: options.connectivity})}/>;
}
