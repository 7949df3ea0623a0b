import React from 'react';
import zod from 'zod';
import Task, {reportError} from '../../app/Task.js';
import {parseInterval, parseLimit, requireTerminalUnlessOnce, watchOptions} from '../../app/watch-options.js';
import {isInteractive} from '../../terminal.js';

export const description = 'Routes in progress: waypoints done, next stop, ETA drift, charge vs energy still needed';

export const options = watchOptions;

type Props = {options: zod.infer<typeof options>};

const LazyWatch = React.lazy(() => import('../../app/Watch.js'));

export default function WatchRoutes({options}: Props) {
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
		return <Task debug={options.debug} run={async () => (await import('../../app/watch-once.js')).runWatchOnce('routes', {...options, limit})}/>;
	}
	return (
		<React.Suspense fallback={null}>
			<LazyWatch kind="routes" request={options} fleet={options.fleet} intervalMs={intervalMs} limit={limit} debug={options.debug}/>
		</React.Suspense>
	);
}
