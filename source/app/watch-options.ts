// Options of `evfleet watch vehicles|charging|routes`, parsed before anything connects (bad input: exit 2).
import zod from 'zod';
import {UsageError} from '../model/errors.js';
import {connectionOptions, scopeOptions} from './options.js';
import {parseDuration} from '../text/parse.js';
import {defaultIntervalMs, minimumIntervalMs} from './refresh.js';

export const watchOptions = connectionOptions.merge(scopeOptions).extend({
	interval: zod.string().default('2s').describe('Refresh interval: 2s, 500ms, 1min (at least 0.5 s; + and - change it while watching)'),
	fleet: zod.string().optional().describe('Only this fleet (id, or name with --org)'),
	once: zod.boolean().default(false).describe('Print one snapshot and exit (for scripts and monitoring)'),
	json: zod.boolean().default(false).describe('With --once: print the snapshot as JSON'),
	limit: zod.string().optional().describe('Rows per snapshot (default 200 on screen, 100 with --once)'),
});

export type WatchOptions = zod.infer<typeof watchOptions>;

/** The longest refresh interval: an hour (a view refreshed less often is not live). */
export const maximumIntervalMs = 3_600_000;

export function parseInterval(text: string): number {
	const ms = parseDuration(text, '--interval');
	if (ms < minimumIntervalMs) throw new UsageError(`--interval ${text} is too short`, 'the shortest interval is 0.5 s (500ms)');
	if (ms > maximumIntervalMs) throw new UsageError(`--interval ${text} is too long`, 'the longest interval is 1 h (1h)');
	return ms || defaultIntervalMs;
}

/** "30.0444,31.2357" → latitude, longitude (WGS 84 degrees). */
export function parseNear(text: string): {latitude: number; longitude: number} {
	const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
	const latitude = Number(match?.[1]);
	const longitude = Number(match?.[2]);
	if (!match || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
		throw new UsageError(`invalid --near "${text}"`, 'give latitude,longitude in degrees, e.g. --near 30.0444,31.2357');
	}
	return {latitude, longitude};
}

export function parseRadius(text: string): number {
	const km = Number(text.trim().replace(/\s*km$/i, ''));
	if (!Number.isFinite(km) || km <= 0 || km > 1000) throw new UsageError(`invalid --radius "${text}"`, 'give kilometres above 0 and up to 1000, e.g. --radius 5');
	return km;
}

/** Watching draws a full screen: it needs a terminal; scripts use --once. */
export function requireTerminalUnlessOnce(once: boolean, interactive: boolean): void {
	if (!once && !interactive) throw new UsageError('watching needs a terminal (stdin and stdout a TTY)', 'use --once (with --json) for scripts and monitoring');
}
