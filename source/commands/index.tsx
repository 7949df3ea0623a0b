import React from 'react';
import {checkIdentifiers} from '../text/parse.js';
import zod from 'zod';
import {reportError} from '../app/Task.js';
import {useLazyModule} from '../app/use-lazy-module.js';
import {resolveTarget} from '../db/connection.js';
import {UsageError} from '../model/errors.js';
import {checkViewOption, connectionOptions, scopeOptions} from '../app/options.js';
import {isInteractive} from '../text/terminal.js';
import {parseTimeout} from '../text/parse.js';

export const description = 'Open the interactive console (organizations, fleets, vehicles, telematics; ? for help)';

export const options = connectionOptions.merge(scopeOptions).extend({
	readonly: zod.boolean().default(false).describe('No maintenance actions, only browsing and health (like k9s --readonly)'),
	view: zod.string().optional().describe('First view: orgs, fleets, vehicles, users, live, charging, routes, battery, maint, activity, or "vehicle <VIN|plate|id>"'),
	statementTimeout: zod.string().optional().describe('Cancel a browse or live query that runs longer than this (the view says so and retries): 500ms, 5s, 1min (0 = no limit; default 5s or the profile\'s statementTimeout)'),
});

type Props = {options: zod.infer<typeof options>};

export default function Index({options}: Props) {
	const [resolved] = React.useState(() => {
		try {
			checkViewOption(options.view);
			checkIdentifiers(options);
			const statementTimeoutMs = options.statementTimeout === undefined ? undefined : parseTimeout(options.statementTimeout, '--statement-timeout');
			if (!isInteractive()) throw new UsageError('the console needs a terminal (stdin and stdout a TTY)', 'use the commands for scripts: evfleet --help lists them');
			const target = resolveTarget(options);
			return {target, statementTimeoutMs: statementTimeoutMs ?? target.statementTimeoutMs};
		} catch (error) {
			process.exitCode = reportError(error, options.debug);
			return undefined;
		}
	});
	// The console module (Ink screens, query modules) is loaded only when the console really opens.
	const loaded = useLazyModule(() => import('../app/Console.js'), {enabled: resolved !== undefined, debug: options.debug});
	if (!resolved || !loaded) return null;
	const Console = loaded.default;
	return <Console target={resolved.target} org={options.org} initialView={options.view} debug={options.debug} readOnly={options.readonly} statementTimeoutMs={resolved.statementTimeoutMs}/>;
}
