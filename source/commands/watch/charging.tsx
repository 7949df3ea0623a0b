import React from 'react';
import zod from 'zod';
import Task, {reportError} from '../../app/Task.js';
import {parseInterval, parseLimit, parseNear, parseRadius, requireTerminalUnlessOnce, watchOptions} from '../../app/watch-options.js';
import {UsageError} from '../../errors.js';
import {isInteractive} from '../../terminal.js';

export const description = 'Charging sessions in progress and the station board (connectors, 24 h utilisation, stale heartbeats)';

export const options = watchOptions.extend({
	near: zod.string().optional().describe('Only stations around LAT,LON (e.g. 30.0444,31.2357), nearest first'),
	radius: zod.string().optional().describe('Kilometres around --near (default 10)'),
	status: zod.enum(['available', 'occupied', 'reserved', 'faulted', 'offline']).optional().describe('Only stations with a connector in this status'),
});

type Props = {options: zod.infer<typeof options>};

const LazyWatch = React.lazy(() => import('../../app/Watch.js'));

export default function WatchCharging({options}: Props) {
	let intervalMs: number;
	let limit: number;
	let near;
	try {
		intervalMs = parseInterval(options.interval);
		limit = parseLimit(options.limit, options.once ? 100 : 200);
		if (options.radius !== undefined && options.near === undefined) throw new UsageError('--radius needs --near LAT,LON');
		near = options.near === undefined ? undefined : {...parseNear(options.near), radiusKm: parseRadius(options.radius ?? '10')};
		requireTerminalUnlessOnce(options.once, isInteractive());
	} catch (error) {
		process.exitCode = reportError(error, options.debug);
		return null;
	}
	if (options.once) {
		return <Task debug={options.debug} run={async () => (await import('../../app/watch-once.js')).runWatchOnce('charging', {...options, status: undefined, limit, near, connectorStatus: options.status})}/>;
	}
	return (
		<React.Suspense fallback={null}>
			<LazyWatch kind="charging" request={options} fleet={options.fleet} intervalMs={intervalMs} near={near} connectorStatus={options.status} limit={limit} debug={options.debug}/>
		</React.Suspense>
	);
}
