// What `evfleet watch vehicles|charging|routes` share: parse the common options (exit 2 on bad input), then
// either print one snapshot (--once) or open the console on the live view. Heavy modules load only then.
import React, {useState} from 'react';
import {isInteractive} from '../text/terminal.js';
import Task, {reportError} from './Task.js';
import {useLazyModule} from './use-lazy-module.js';
import type {WatchProps} from './Watch.js';
import type {OnceRequest, WatchKind} from './watch-once.js';
import {parseLimit} from '../text/parse.js';
import {parseInterval, requireTerminalUnlessOnce, type WatchOptions} from './watch-options.js';

/** The view's own filters, already parsed; the same values go to the screen and to --once. */
export type WatchFilters = Pick<OnceRequest, 'status' | 'connectivity' | 'connectorStatus' | 'near'>;

export type WatchCommandProps = {
	readonly kind: WatchKind;
	readonly options: WatchOptions;
	/** Parses the command's own options; throws a UsageError on bad input. */
	readonly filters?: () => WatchFilters;
};

type Parsed = {intervalMs: number; limit: number; filters: WatchFilters};

export default function WatchCommand({kind, options, filters}: WatchCommandProps) {
	const [parsed] = useState<Parsed | undefined>(() => {
		try {
			const result = {
				intervalMs: parseInterval(options.interval),
				limit: parseLimit(options.limit, {fallback: options.once ? 100 : 200}),
				filters: filters?.() ?? {},
			};
			requireTerminalUnlessOnce(options.once, isInteractive());
			return result;
		} catch (error) {
			process.exitCode = reportError(error, options.debug);
			return undefined;
		}
	});
	const watch = useLazyModule(() => import('./Watch.js'), {enabled: parsed !== undefined && !options.once, debug: options.debug});
	if (!parsed) return null;
	if (options.once) {
		return <Task debug={options.debug} run={async () => (await import('./watch-once.js')).runWatchOnce(kind, {...options, ...parsed.filters, limit: parsed.limit})}/>;
	}
	if (!watch) return null;
	const Watch = watch.default;
	const props: WatchProps = {kind, request: options, fleet: options.fleet, intervalMs: parsed.intervalMs, limit: parsed.limit, debug: options.debug, ...parsed.filters};
	return <Watch {...props}/>;
}
