import React from 'react';
import zod from 'zod';
import {reportError} from '../app/Task.js';
import {useLazyModule} from '../app/use-lazy-module.js';
import {resolveTarget} from '../db/connection.js';
import {UsageError} from '../model/errors.js';
import {checkViewOption, connectionOptions, scopeOptions} from '../app/options.js';
import {isInteractive} from '../text/terminal.js';

export const description = 'Open the interactive console (organizations, fleets, vehicles, telematics; ? for help)';

export const options = connectionOptions.merge(scopeOptions).extend({
	readonly: zod.boolean().default(false).describe('No maintenance actions, only browsing and health (like k9s --readonly)'),
	view: zod.string().optional().describe('First view: orgs, fleets, vehicles, users, live, charging, routes, battery, maint, or "vehicle <VIN|plate|id>"'),
});

type Props = {options: zod.infer<typeof options>};

export default function Index({options}: Props) {
	const [resolved] = React.useState(() => {
		try {
			checkViewOption(options.view);
			if (!isInteractive()) throw new UsageError('the console needs a terminal (stdin and stdout a TTY)', 'use the commands for scripts: evfleet --help lists them');
			return {target: resolveTarget(options)};
		} catch (error) {
			process.exitCode = reportError(error, options.debug);
			return undefined;
		}
	});
	// The console module (Ink screens, query modules) is loaded only when the console really opens.
	const loaded = useLazyModule(() => import('../app/Console.js'), {enabled: resolved !== undefined, debug: options.debug});
	if (!resolved || !loaded) return null;
	const Console = loaded.default;
	return <Console target={resolved.target} org={options.org} initialView={options.view} debug={options.debug} readOnly={options.readonly}/>;
}
