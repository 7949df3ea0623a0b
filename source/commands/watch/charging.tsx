import React from 'react';
import zod from 'zod';
import WatchCommand from '../../app/WatchCommand.js';
import {parseNear, parseRadius, watchOptions} from '../../app/watch-options.js';
import {UsageError} from '../../model/errors.js';

export const description = 'Charging sessions in progress and the station board (connectors, 24 h utilisation, stale heartbeats)';

export const options = watchOptions.extend({
	near: zod.string().optional().describe('Only stations around LAT,LON (e.g. 30.0444,31.2357), nearest first'),
	radius: zod.string().optional().describe('Kilometres around --near (default 10)'),
	status: zod.enum(['available', 'occupied', 'reserved', 'faulted', 'offline']).optional().describe('Only stations with a connector in this status'),
});

type Props = {options: zod.infer<typeof options>};

export default function WatchCharging({options}: Props) {
	const filters = () => {
		if (options.radius !== undefined && options.near === undefined) throw new UsageError('--radius needs --near LAT,LON');
		const near = options.near === undefined ? undefined : {...parseNear(options.near), radiusKm: parseRadius(options.radius ?? '10')};
		// --status here is a connector status, not a vehicle status.
		return {status: undefined, near, connectorStatus: options.status};
	};
	return <WatchCommand kind="charging" options={options} filters={filters}/>;
}
