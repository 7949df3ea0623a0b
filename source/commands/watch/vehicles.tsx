import React from 'react';
import zod from 'zod';
import Task, {reportError} from '../../app/Task.js';
import {parseInterval, parseLimit, requireTerminalUnlessOnce, watchOptions} from '../../app/watch-options.js';
import {isInteractive} from '../../terminal.js';

export const description = 'Live vehicles: counts by status and connectivity, those needing attention first';

export const options = watchOptions.extend({
	status: zod.enum(['active', 'charging', 'idle', 'maintenance', 'offline']).optional().describe('Only vehicles with this status'),
	connectivity: zod.enum(['online', 'stale', 'offline']).optional().describe('Only online (reported in 5 min), stale (1 h) or offline vehicles'),
});

type Props = {options: zod.infer<typeof options>};

// Screens and queries load only when the command runs (Pastel imports every command file at startup).
const LazyWatch = React.lazy(() => import('../../app/Watch.js'));

export default function WatchVehicles({options}: Props) {
	let intervalMs: number;
	let limit: number;
	try {
		intervalMs = parseInterval(options.interval);
		limit = parseLimit(options.limit, options.once ? 100 : 200);
		requireTerminalUnlessOnce(options.once, isInteractive());
	} catch (error) {
		process.exitCode = reportError(error, options.debug);
		return null;
	}
	if (options.once) {
		return <Task debug={options.debug} run={async () => (await import('../../app/watch-once.js')).runWatchOnce('vehicles', {...options, limit})}/>;
	}
	return (
		<React.Suspense fallback={null}>
			<LazyWatch kind="vehicles" request={options} fleet={options.fleet} intervalMs={intervalMs} limit={limit} status={options.status} connectivity={options.connectivity} debug={options.debug}/>
		</React.Suspense>
	);
}
