import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import Task from '../../app/Task.js';
import {parseConnectionUrl} from '../../db/connection.js';
import {openProfileStore, sslModes, checkProfileName, type Profile} from '../../db/profiles.js';
import {UsageError} from '../../model/errors.js';
import {parseTimeout} from '../../text/parse.js';

export const description = 'Save a connection profile (host, port, database, user, sslmode; never a password)';

export const args = zod.tuple([zod.string().describe(argument({name: 'name', description: 'Profile name'}))]);

export const options = zod.object({
	url: zod.string().optional().describe('Take host, port, database, user and sslmode from this URL'),
	host: zod.string().optional().describe('Host name, IP or socket directory'),
	port: zod.string().optional().describe('Port (default 5432)'),
	database: zod.string().optional().describe('Database name'),
	user: zod.string().optional().describe('User name'),
	sslmode: zod.enum(sslModes).optional().describe('TLS mode'),
	pooler: zod.enum(['transaction', 'none']).optional().describe('transaction: host:port is PgBouncer in transaction pooling (default for port 6432); none: a direct connection'),
	readUrl: zod.string().optional().describe('A streaming replica for browse, live and chart queries (the password is not saved)'),
	directUrl: zod.string().optional().describe('A direct URL to the primary for maintenance that needs a session, when host:port is a pooler (the password is not saved)'),
	use: zod.boolean().default(false).describe('Also make it the profile in use'),
	readonly: zod.boolean().default(false).describe('The console opens without maintenance actions with this profile (as --readonly)'),
	statementTimeout: zod.string().optional().describe('The console cancels a browse or live query that runs longer than this with this profile: 2s, 30s (default 5s; --statement-timeout wins)'),
	debug: zod.boolean().default(false).describe('Show stack traces on errors'),
});

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function ProfileAdd({args: [name], options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				checkProfileName(name);
				const base = options.url ? parseConnectionUrl(options.url, '--url', {}) : undefined;
				const host = options.host ?? base?.host;
				const database = options.database ?? base?.database;
				const user = options.user ?? base?.user;
				if (!host || !database || !user) throw new UsageError('a profile needs a host, a database and a user', 'give --url postgres://user@host:port/db, or --host, --database and --user');
				const port = options.port === undefined ? (base?.port ?? 5432) : Number(options.port);
				if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`invalid --port "${options.port}"`);
				const profile: Profile = {host, port, database, user};
				const sslmode = options.sslmode ?? base?.sslmode;
				if (sslmode) profile.sslmode = sslmode;
				const pooler = options.pooler ? options.pooler === 'transaction' : base?.pooler;
				if (pooler !== undefined) profile.pooler = pooler;
				// A malformed URL is refused now (exit 2), not at the next connect; the store drops any password.
				if (options.readUrl) {
					parseConnectionUrl(options.readUrl, '--read-url', {});
					profile.readUrl = options.readUrl;
				}
				if (options.directUrl) {
					parseConnectionUrl(options.directUrl, '--direct-url', {});
					profile.directUrl = options.directUrl;
				}
				if (options.readonly) profile.readonly = true;
				if (options.statementTimeout !== undefined) {
					parseTimeout(options.statementTimeout, '--statement-timeout');
					profile.statementTimeout = options.statementTimeout.trim();
				}
				const store = openProfileStore();
				store.save(name, profile);
				if (options.use) store.use(name);
				process.stdout.write(`saved profile ${name}: ${user}@${host}:${port}/${database}${sslmode ? ` sslmode=${sslmode}` : ''}${options.readonly ? ' (console: no maintenance actions)' : ''}\n`);
				if (base?.password || [options.readUrl, options.directUrl].some(url => url && parseConnectionUrl(url, 'url', {}).password)) process.stderr.write('passwords in URLs were not saved: use PGPASSWORD or ~/.pgpass\n');
			}}
		/>
	);
}
