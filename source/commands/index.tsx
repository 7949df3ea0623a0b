import React from 'react';
import zod from 'zod';
import {useApp} from 'ink';
import {reportError} from '../app/Task.js';
import {resolveTarget} from '../db/connection.js';
import {UsageError} from '../errors.js';
import {connectionOptions, scopeOptions} from '../options.js';
import {isInteractive} from '../terminal.js';

export const description = 'Open the interactive console (organizations, fleets, vehicles, telematics; ? for help)';

export const options = connectionOptions.merge(scopeOptions).extend({
	readonly: zod.boolean().default(false).describe('No maintenance actions, only browsing and health (like k9s --readonly)'),
	view: zod.string().optional().describe('First view: orgs, fleets, vehicles, users, live, charging, routes, battery, maint, or "vehicle <VIN|plate|id>"'),
});

type Props = {options: zod.infer<typeof options>};

type ConsoleModule = typeof import('../app/Console.js');

// The console module (Ink screens, query modules) is loaded only when the console really opens. Not with
// React.lazy + Suspense: React holds back revealing a suspended boundary for 300 ms after its fallback was
// committed (FALLBACK_THROTTLE_MS), which delayed the console's first frame by ~260 ms.
function useConsoleModule(wanted: boolean, debug: boolean): ConsoleModule | undefined {
	const {exit} = useApp();
	const [loaded, setLoaded] = React.useState<ConsoleModule>();
	React.useEffect(() => {
		if (!wanted) return;
		import('../app/Console.js').then(setLoaded, (error: unknown) => {
			process.exitCode = reportError(error, debug);
			exit();
		});
	}, []);
	return loaded;
}

export default function Index({options}: Props) {
	const [resolved] = React.useState(() => {
		try {
			if (!isInteractive()) throw new UsageError('the console needs a terminal (stdin and stdout a TTY)', 'use the commands for scripts: evfleet --help lists them');
			return {target: resolveTarget(options)};
		} catch (error) {
			process.exitCode = reportError(error, options.debug);
			return undefined;
		}
	});
	const loaded = useConsoleModule(resolved !== undefined, options.debug);
	if (!resolved || !loaded) return null;
	const Console = loaded.default;
	return <Console target={resolved.target} org={options.org} initialView={options.view} debug={options.debug} readOnly={options.readonly}/>;
}
