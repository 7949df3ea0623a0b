// Options shared by many commands, defined once and extended (STYLE.md: commands stay thin).
import zod from 'zod';
import {UsageError} from '../model/errors.js';

export const connectionOptions = zod.object({
	url: zod.string().optional().describe('PostgreSQL URL, e.g. postgres://user@host:5432/db (default: --profile, DATABASE_URL, PG* variables)'),
	profile: zod.string().optional().describe('Saved connection profile (evfleet profile list)'),
	readUrl: zod.string().optional().describe('A streaming replica for browse, live and chart queries (maintenance and writes stay on --url)'),
	directUrl: zod.string().optional().describe('A direct URL to the primary for maintenance that needs a session, when --url is a pooler (PgBouncer)'),
	debug: zod.boolean().default(false).describe('Show stack traces on errors'),
});

export const outputOptions = zod.object({
	json: zod.boolean().default(false).describe('Print JSON'),
	csv: zod.boolean().default(false).describe('Print CSV'),
});

export const scopeOptions = zod.object({
	org: zod.string().optional().describe('Only this organization (slug or id), enforced by row-level security'),
});

export type ConnectionOptions = zod.infer<typeof connectionOptions>;

/** Options of every maintenance action (evfleet maint partitions/refresh/vacuum/analyze/reindex). */
export const actionOptions = zod.object({
	yes: zod.boolean().default(false).describe('Run without asking (scripts, cron); without it and without a terminal the command refuses'),
	dryRun: zod.boolean().default(false).describe('Print the plan (exact SQL and what it affects) and exit'),
	lockTimeout: zod.string().default('5s').describe('Give up when a lock is not granted within this time: 500ms, 2s, 1min'),
	statementTimeout: zod.string().default('1h').describe('Cancel a statement that runs longer than this: 30s, 10min, 2h (0 = no limit)'),
});

/**
 * The console's view names and aliases, for checking `evfleet --view` before anything connects (the registry in
 * app/views.tsx loads every screen; a test keeps this list equal to it).
 */
export const consoleViewNames = [
	'orgs', 'organizations', 'fleets', 'fleet', 'vehicles', 'vs', 'vehicle', 'v', 'inspect', 'users', 'people',
	'live', 'l', 'charging', 'ch', 'routes', 'rt', 'battery', 'bat', 'energy', 'maint', 'maintenance', 'm',
] as const;

/** `--view NAME [ARG]`: the name must be a view's name or alias (exit 2 otherwise). */
export function checkViewOption(text: string | undefined): void {
	if (text === undefined) return;
	const name = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
	if (!(consoleViewNames as readonly string[]).includes(name)) {
		throw new UsageError(`unknown --view "${text}"`, 'use one of: orgs, fleets, vehicles, vehicle <VIN|plate|id>, users, live, charging, routes, battery, maint');
	}
}
