// Options shared by many commands, defined once and extended (STYLE.md: commands stay thin).
import zod from 'zod';

export const connectionOptions = zod.object({
	url: zod.string().optional().describe('PostgreSQL URL, e.g. postgres://user@host:5432/db (default: --profile, DATABASE_URL, PG* variables)'),
	profile: zod.string().optional().describe('Saved connection profile (evfleet profile list)'),
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
