// Where to connect (--url, --profile, DATABASE_URL, PG* variables, the profile in use) and the one postgres.js factory.
import fs from 'node:fs';
import os from 'node:os';
import postgres, {type Sql} from 'postgres';
import {ConnectionError, EvfleetError, PrivilegeError, UsageError} from '../model/errors.js';
import {openProfileStore, sslModes, type ProfileStore, type SslMode} from './profiles.js';

export type {Sql} from 'postgres';

export type ConnectionTarget = {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	sslmode?: SslMode;
	/** Which rule chose this target, for `db status` and error messages. */
	source: string;
};

export type ConnectionRequest = {url?: string; profile?: string};

type Env = Record<string, string | undefined>;

const pgVariables = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER'] as const;

function defaultHost(): string {
	// libpq's default is the local socket directory; Debian puts it in /var/run/postgresql.
	for (const dir of ['/var/run/postgresql', '/tmp']) {
		try {
			if (fs.readdirSync(dir).some(file => file.startsWith('.s.PGSQL.'))) return dir;
		} catch {}
	}
	return 'localhost';
}

function parseSslMode(value: string | undefined | null, where: string): SslMode | undefined {
	if (!value) return undefined;
	if ((sslModes as readonly string[]).includes(value)) return value as SslMode;
	throw new UsageError(`invalid sslmode "${value}" in ${where}`, `use one of ${sslModes.join(', ')}`);
}

function parsePort(value: string, where: string): number {
	const port = Number(value);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`invalid port "${value}" in ${where}`);
	return port;
}

/** Parses a libpq-style URL (postgres:// or postgresql://); the host may also come from ?host=/socket/dir. */
export function parseConnectionUrl(url: string, source: string, env: Env = process.env): ConnectionTarget {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new UsageError(`invalid connection URL in ${source}`, 'expected postgres://user[:password]@host[:port]/database');
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw new UsageError(`invalid connection URL in ${source}: scheme must be postgres:// or postgresql://`);
	}
	const parameters = parsed.searchParams;
	const host = parameters.get('host') ?? (decodeURIComponent(parsed.hostname) || env['PGHOST'] || defaultHost());
	const user = decodeURIComponent(parsed.username) || parameters.get('user') || env['PGUSER'] || os.userInfo().username;
	const target: ConnectionTarget = {
		host: host.replace(/^\[(.*)\]$/, '$1'),
		port: parsed.port ? parsePort(parsed.port, source) : parameters.get('port') ? parsePort(parameters.get('port')!, source) : env['PGPORT'] ? parsePort(env['PGPORT'], 'PGPORT') : 5432,
		database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parameters.get('dbname') || env['PGDATABASE'] || user,
		user,
		source,
	};
	const password = decodeURIComponent(parsed.password) || parameters.get('password');
	if (password) target.password = password;
	const sslmode = parseSslMode(parameters.get('sslmode'), source) ?? parseSslMode(env['PGSSLMODE'], 'PGSSLMODE');
	if (sslmode) target.sslmode = sslmode;
	return target;
}

function fromPgVariables(env: Env, source: string): ConnectionTarget {
	const user = env['PGUSER'] || os.userInfo().username;
	const target: ConnectionTarget = {
		host: env['PGHOSTADDR'] || env['PGHOST'] || defaultHost(),
		port: env['PGPORT'] ? parsePort(env['PGPORT'], 'PGPORT') : 5432,
		database: env['PGDATABASE'] || user,
		user,
		source,
	};
	const sslmode = parseSslMode(env['PGSSLMODE'], 'PGSSLMODE');
	if (sslmode) target.sslmode = sslmode;
	return target;
}

/**
 * Where to connect, first match wins: --url, --profile NAME, DATABASE_URL, the PG* variables,
 * the profile chosen with `evfleet profile use`, then libpq's defaults (local socket, OS user).
 */
export function resolveTarget(request: ConnectionRequest, env: Env = process.env, profiles: () => ProfileStore = openProfileStore): ConnectionTarget {
	if (request.url) return parseConnectionUrl(request.url, '--url', env);
	const fromProfile = (name: string, source: string): ConnectionTarget => {
		const profile = profiles().get(name);
		if (!profile) throw new UsageError(`no profile named "${name}"`, 'evfleet profile list shows the saved ones; evfleet profile add creates one');
		return {...profile, source};
	};
	if (request.profile) return fromProfile(request.profile, `profile ${request.profile}`);
	if (env['DATABASE_URL']) return parseConnectionUrl(env['DATABASE_URL'], 'DATABASE_URL', env);
	if (pgVariables.some(name => env[name])) return fromPgVariables(env, 'PG* variables');
	const current = profiles().current();
	if (current) return fromProfile(current, `profile ${current} (in use)`);
	return fromPgVariables(env, 'libpq defaults');
}

/** The password as libpq users expect it: in the URL, else PGPASSWORD, else ~/.pgpass (or PGPASSFILE). */
export function resolvePassword(target: ConnectionTarget, env: Env = process.env): string | undefined {
	if (target.password) return target.password;
	if (env['PGPASSWORD']) return env['PGPASSWORD'];
	return readPgpass(target, env['PGPASSFILE'] ?? `${os.homedir()}/.pgpass`);
}

export function readPgpass(target: ConnectionTarget, file: string): string | undefined {
	let text: string;
	try {
		const stat = fs.statSync(file);
		// libpq ignores a password file that others can read; so do we.
		if (!stat.isFile() || (stat.mode & 0o077) !== 0) return undefined;
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
	const host = target.host.startsWith('/') ? 'localhost' : target.host;
	for (const line of text.split('\n')) {
		if (!line.trim() || line.startsWith('#')) continue;
		const fields = line.split(/(?<!\\):/).map(field => field.replaceAll('\\:', ':').replaceAll('\\\\', '\\'));
		if (fields.length < 5) continue;
		const [h, p, d, u] = fields;
		const wanted = [host, String(target.port), target.database, target.user];
		if ([h, p, d, u].every((field, i) => field === '*' || field === wanted[i])) return fields.slice(4).join(':');
	}
	return undefined;
}

export function describeTarget(target: Pick<ConnectionTarget, 'host' | 'port' | 'database' | 'user'>): string {
	return `${target.user}@${target.host}:${target.port}/${target.database}`;
}

export type ConnectOptions = {
	/** Browsing sessions are read-only at the server: default_transaction_read_only=on. */
	readOnly?: boolean;
	max?: number;
	/** Server notices go here, never to the console (they would write over an Ink screen). */
	onNotice?: (message: string) => void;
	/** Extra startup parameters (statement_timeout, lock_timeout, app.current_org_id …). */
	parameters?: Record<string, string>;
	connectTimeoutSeconds?: number;
};

function sslOption(mode: SslMode | undefined): boolean | 'require' | 'allow' | 'prefer' | 'verify-full' {
	switch (mode) {
		case undefined:
		case 'disable':
			return false;
		case 'verify-ca':
			return 'verify-full';
		default:
			return mode;
	}
}

// numeric and bigint come back as JS numbers: counts and measurements stay numbers in --json.
const numberTypes = {
	numeric: {to: 1700, from: [1700], serialize: (value: unknown) => String(value), parse: (value: string) => Number(value)},
	bigint: {to: 20, from: [20], serialize: (value: unknown) => String(value), parse: (value: string) => Number(value)},
};

/** The one place a postgres.js instance is created. Rows come back camelCase. */
export function createSql(target: ConnectionTarget, options: ConnectOptions = {}): Sql {
	const connection: Record<string, string> = {application_name: 'evfleet', ...options.parameters};
	if (options.readOnly) connection['default_transaction_read_only'] = 'on';
	return postgres({
		host: target.host,
		port: target.port,
		database: target.database,
		username: target.user,
		password: resolvePassword(target),
		ssl: sslOption(target.sslmode),
		max: options.max ?? 4,
		idle_timeout: 30,
		connect_timeout: options.connectTimeoutSeconds ?? 10,
		connection,
		types: numberTypes,
		transform: {...postgres.camel, undefined: null},
		onnotice: notice => options.onNotice?.(String(notice['message'] ?? notice)),
	}) as unknown as Sql;
}

/** Opens a connection and proves it works, turning failures into one line a person can act on. */
export async function connect(target: ConnectionTarget, options: ConnectOptions = {}): Promise<Sql> {
	const sql = createSql(target, options);
	try {
		await sql`select 1`;
	} catch (error) {
		await sql.end({timeout: 0}).catch(() => {});
		throw mapConnectionError(error, target);
	}
	return sql;
}

type PgLikeError = Error & {code?: string; errno?: string; address?: string; port?: number};

/** Turns driver and server errors about reaching the database into ConnectionError with a hint. */
export function mapConnectionError(error: unknown, target: ConnectionTarget): EvfleetError | unknown {
	if (error instanceof EvfleetError) return error;
	const e = error as PgLikeError;
	const where = target.host.startsWith('/') ? `${target.host}/.s.PGSQL.${target.port}` : `${target.host}:${target.port}`;
	const from = `(from ${target.source})`;
	switch (e?.code) {
		case 'ECONNREFUSED':
			return new ConnectionError(`cannot connect to ${where} (connection refused) ${from}`, 'is the server running? try --url postgres://user@host:port/db');
		case 'ENOENT':
			return new ConnectionError(`cannot connect to ${where} (no server socket there) ${from}`, 'is the server running? try --url postgres://user@host:port/db');
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new ConnectionError(`cannot connect to ${where} (unknown host "${target.host}") ${from}`, 'check the host name, or try --url');
		case 'CONNECT_TIMEOUT':
		case 'ETIMEDOUT':
			return new ConnectionError(`cannot connect to ${where} (timed out) ${from}`, 'is the host reachable from here? a firewall?');
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return new ConnectionError(`cannot connect to ${where} (host unreachable) ${from}`);
		case '28P01':
			return new ConnectionError(`password authentication failed for user "${target.user}" at ${where}`, 'set PGPASSWORD or add the password to ~/.pgpass');
		case '28000': {
			if (/no encryption|SSL off/i.test(e.message)) {
				return new ConnectionError(`${where} requires TLS for user "${target.user}"`, 'add ?sslmode=require to the URL (or --profile with sslmode require)');
			}
			return new ConnectionError(`user "${target.user}" may not connect to ${where}: ${e.message}`, 'check pg_hba.conf or use another --url user');
		}
		case '3D000':
			return new ConnectionError(`database "${target.database}" does not exist on ${where}`, 'create it (createdb) or give another database in --url');
		case '42501':
			return new PrivilegeError(`permission denied for user "${target.user}": ${e.message}`);
		case '53300':
			return new ConnectionError(`${where} has too many connections`, 'try again later, or ask the DBA to raise max_connections');
		case '57P03':
			return new ConnectionError(`${where} is starting up or shutting down`, 'try again in a moment');
	}
	if (/does not support SSL/i.test(e?.message ?? '')) {
		return new ConnectionError(`${where} does not support TLS but sslmode is ${target.sslmode}`, 'use sslmode=prefer or disable');
	}
	return error;
}

/** Fails with an install hint when the connected database has no PostGIS. */
export async function requirePostgis(sql: Sql, target: ConnectionTarget): Promise<void> {
	const [row] = await sql<{installed: boolean; available: boolean}[]>`
		select exists(select 1 from pg_extension where extname = 'postgis') as installed,
		       exists(select 1 from pg_available_extensions where name = 'postgis') as available`;
	if (row?.installed) return;
	if (row?.available) {
		throw new ConnectionError(`PostGIS is not installed in database "${target.database}"`, 'run evfleet db migrate to create the schema');
	}
	throw new ConnectionError(`PostGIS is not available on the server at ${target.host}:${target.port}`, 'install it: apt-get install postgresql-15-postgis-3 (Debian/Ubuntu) or brew install postgis');
}
