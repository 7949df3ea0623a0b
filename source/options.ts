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
