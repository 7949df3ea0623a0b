// Where to connect (--url, --profile, DATABASE_URL, PG* variables, the profile in use) and the one postgres.js factory.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import postgres, {type Sql} from 'postgres';
import {ConnectionError, EvfleetError, MigrationError, PrivilegeError, UsageError} from '../model/errors.js';
import {openProfileStore, sslModes, type ProfileStore, type SslMode} from './profiles.js';
import {parseTimeout} from '../text/parse.js';

export type {Sql} from 'postgres';

export type ConnectionTarget = {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	sslmode?: SslMode;
	/** A transaction-pooling pooler (PgBouncer) sits in front: no prepared statements, no session state. */
	pooler?: boolean;
	/** Seconds to wait for a connection (URL connect_timeout, PGCONNECT_TIMEOUT; default 10). */
	connectTimeoutSeconds?: number;
	/** A direct (unpooled) connection to the primary, for maintenance that needs a session. */
	direct?: ConnectionTarget;
	/** A streaming replica that serves browse, live and chart queries. */
	read?: ConnectionTarget;
	/** Which rule chose this target, for `db status` and error messages. */
	source: string;
	/** Chosen through a profile saved with --readonly: the console offers no maintenance actions. */
	readonly?: boolean;
	/** The profile's statementTimeout, for the console's browse and live queries (--statement-timeout wins). */
	statementTimeoutMs?: number;
};

export type ConnectionRequest = {url?: string; profile?: string; readUrl?: string; directUrl?: string};

/** PgBouncer's default port: a target on it is taken for a transaction pooler unless the URL says pooler=none. */
export const poolerPort = 6432;

export const defaultConnectTimeoutSeconds = 10;

/** Whether the target is (or is taken for) a transaction pooler: explicit pooler= in the URL or profile, else port 6432. */
export function isPooler(target: Pick<ConnectionTarget, 'pooler' | 'port'>): boolean {
	return target.pooler ?? target.port === poolerPort;
}

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

function parsePooler(value: string | null, where: string): boolean | undefined {
	if (value === null) return undefined;
	if (value === 'transaction') return true;
	if (value === 'none' || value === 'session') return false;
	throw new UsageError(`invalid pooler "${value}" in ${where}`, 'use pooler=transaction (PgBouncer in transaction mode) or pooler=none (a direct connection, also on port 6432)');
}

function parseConnectTimeout(value: string | undefined | null, where: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new UsageError(`invalid connect_timeout "${value}" in ${where}`, 'give whole seconds, e.g. connect_timeout=10 (0 = the default, 10)');
	// libpq: 0 means wait forever; evfleet never waits forever, so 0 is the default.
	return seconds === 0 ? undefined : Math.max(2, seconds);
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
	const pooler = parsePooler(parameters.get('pooler'), source);
	if (pooler !== undefined) target.pooler = pooler;
	const timeout = parseConnectTimeout(parameters.get('connect_timeout'), source) ?? parseConnectTimeout(env['PGCONNECT_TIMEOUT'], 'PGCONNECT_TIMEOUT');
	if (timeout !== undefined) target.connectTimeoutSeconds = timeout;
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
	const timeout = parseConnectTimeout(env['PGCONNECT_TIMEOUT'], 'PGCONNECT_TIMEOUT');
	if (timeout !== undefined) target.connectTimeoutSeconds = timeout;
	return target;
}

/**
 * Where to connect, first match wins: --url, --profile NAME, DATABASE_URL, the PG* variables,
 * the profile chosen with `evfleet profile use`, then libpq's defaults (local socket, OS user).
 */
export function resolveTarget(request: ConnectionRequest, env: Env = process.env, profiles: () => ProfileStore = openProfileStore): ConnectionTarget {
	const primary = resolvePrimary(request, env, profiles);
	// --read-url / --direct-url beside any of the above; a profile may carry its own (readUrl, directUrl).
	const readUrl = request.readUrl ? {url: request.readUrl, source: '--read-url'} : primary.read;
	const directUrl = request.directUrl ? {url: request.directUrl, source: '--direct-url'} : primary.direct;
	const {read: _read, direct: _direct, target} = primary;
	// The primary's connect timeout holds for the others unless their URL says otherwise.
	const inherit = (other: ConnectionTarget): ConnectionTarget =>
		other.connectTimeoutSeconds === undefined && target.connectTimeoutSeconds !== undefined ? {...other, connectTimeoutSeconds: target.connectTimeoutSeconds} : other;
	if (readUrl) target.read = inherit(parseConnectionUrl(readUrl.url, readUrl.source, env));
	if (directUrl) target.direct = inherit(parseConnectionUrl(directUrl.url, directUrl.source, env));
	return target;
}

type Resolved = {target: ConnectionTarget; read?: {url: string; source: string}; direct?: {url: string; source: string}};

function resolvePrimary(request: ConnectionRequest, env: Env, profiles: () => ProfileStore): Resolved {
	if (request.url) return {target: parseConnectionUrl(request.url, '--url', env)};
	const fromProfile = (name: string, source: string): Resolved => {
		const profile = profiles().get(name);
		if (!profile) throw new UsageError(`no profile named "${name}"`, 'evfleet profile list shows the saved ones; evfleet profile add creates one');
		const {readUrl, directUrl, statementTimeout, ...where} = profile;
		const target: ConnectionTarget = {...where, source};
		// Checked again here: the config file is hand-editable.
		if (statementTimeout !== undefined) target.statementTimeoutMs = parseTimeout(statementTimeout, `statementTimeout of ${source}`);
		const timeout = parseConnectTimeout(env['PGCONNECT_TIMEOUT'], 'PGCONNECT_TIMEOUT');
		if (timeout !== undefined) target.connectTimeoutSeconds = timeout;
		return {
			target,
			...(readUrl ? {read: {url: readUrl, source: `${source} (readUrl)`}} : {}),
			...(directUrl ? {direct: {url: directUrl, source: `${source} (directUrl)`}} : {}),
		};
	};
	if (request.profile) return fromProfile(request.profile, `profile ${request.profile}`);
	if (env['DATABASE_URL']) return {target: parseConnectionUrl(env['DATABASE_URL'], 'DATABASE_URL', env)};
	if (pgVariables.some(name => env[name])) return {target: fromPgVariables(env, 'PG* variables')};
	const current = profiles().current();
	if (current) return fromProfile(current, `profile ${current} (in use)`);
	return {target: fromPgVariables(env, 'libpq defaults')};
}

/**
 * Where maintenance that needs a session goes (advisory locks, cancelling its own statements, VACUUM,
 * session settings): the direct URL when given, else the target itself unless it is a transaction pooler.
 */
export function sessionTarget(target: ConnectionTarget): ConnectionTarget {
	if (target.direct) return target.direct;
	if (!isPooler(target)) return target;
	throw new UsageError(
		`${describeTarget(target)} is a transaction pooler (${target.pooler ? 'pooler=transaction' : `port ${poolerPort}`}), and this needs a session of its own (advisory lock, cancel, VACUUM, session settings)`,
		'give a direct URL to the primary: --direct-url postgres://user@host:5432/db (or directUrl in the profile)',
	);
}

/** Where browse, live and chart queries go: the replica when --read-url (or the profile's readUrl) names one. */
export function readTarget(target: ConnectionTarget): ConnectionTarget {
	return target.read ?? target;
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
	/**
	 * Browsing sessions are read-only at the server (default_transaction_read_only=on) on a direct connection;
	 * through a pooler, the scoped handle (db/scope.ts) runs each query in a READ ONLY transaction instead.
	 */
	readOnly?: boolean;
	max?: number;
	/** Server notices go here, never to the console (they would write over an Ink screen). */
	onNotice?: (message: string) => void;
	/**
	 * Session settings as startup parameters (statement_timeout, lock_timeout for maintenance). They are session
	 * state: such a connection goes to sessionTarget() (the direct URL), never through a transaction pooler.
	 * A tenant's organization is never one of them: it is SET LOCAL in each transaction (db/scope.ts).
	 */
	parameters?: Record<string, string>;
	/** Overrides the target's connect timeout (URL connect_timeout, PGCONNECT_TIMEOUT, default 10 s). */
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

/** Where a connection goes, in words: host:port, or the socket file. */
export function describeAddress(target: Pick<ConnectionTarget, 'host' | 'port'>): string {
	return target.host.startsWith('/') ? `${target.host}/.s.PGSQL.${target.port}` : `${target.host}:${target.port}`;
}

export function connectTimeoutSeconds(target: ConnectionTarget, options: ConnectOptions = {}): number {
	return options.connectTimeoutSeconds ?? target.connectTimeoutSeconds ?? defaultConnectTimeoutSeconds;
}

/** Why the last connection attempt of a pool failed in a way postgres.js does not report by itself. */
export class NotPostgresError extends ConnectionError {
	readonly code = 'EVFLEET_NOT_POSTGRES';
}

/** Delay before the next attempt after `failures` failed ones: 0, 0.5, 1, 2, 4, then 5 s (at most one attempt per 5 s). */
export const reconnectDelayMs = (failures: number): number => (failures <= 0 ? 0 : Math.min(5000, 500 * 2 ** (failures - 1)));

// What a PostgreSQL server (or PgBouncer) answers first: to a TLS request one byte, S(yes) N(no) or E(error);
// to a startup packet a message R(auth) E(error) N(notice) v(protocol) with a small length.
const tlsAnswers = new Set([0x53, 0x4e, 0x45]);
const startupAnswers = new Set([0x52, 0x45, 0x4e, 0x76]);

function looksLikePostgres(chunk: Buffer, tls: boolean): boolean {
	if (tls) return tlsAnswers.has(chunk[0]!);
	return startupAnswers.has(chunk[0]!) && (chunk.length < 5 || chunk.readUInt32BE(1) < 65_536);
}

function printable(chunk: Buffer): string {
	return chunk.subarray(0, 24).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

/**
 * postgres.js opens every socket through this (its `socket` option), so one pool never hammers a server:
 * - the TCP connect is bounded by the connect timeout (a blackholed host);
 * - a server whose first byte is not PostgreSQL's (HTTP, SSH, garbage) fails the attempt with NotPostgresError
 *   instead of postgres.js reconnecting in a tight loop;
 * - after failed attempts the next one waits (reconnectDelayMs), so a watch view retries at most every 5 s.
 */
function guardedSockets(target: ConnectionTarget, timeoutMs: number, tls: boolean) {
	let failures = 0;
	let lastAttemptAt = 0;
	const where = describeAddress(target);
	const failed = (error: Error): net.Socket => {
		failures++;
		// postgres.js attaches its listeners after this returns: fail on the next turn so it hears about it.
		const socket = new net.Socket();
		setImmediate(() => socket.destroy(error));
		return socket;
	};
	return async (): Promise<net.Socket> => {
		const wait = lastAttemptAt + reconnectDelayMs(failures) - Date.now();
		if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
		lastAttemptAt = Date.now();
		const socket = target.host.startsWith('/') ? net.connect(`${target.host}/.s.PGSQL.${target.port}`) : net.connect(target.port, target.host);
		const outcome = await new Promise<Error | undefined>(resolve => {
			const timer = setTimeout(() => resolve(Object.assign(new Error(`connect to ${where} timed out`), {code: 'CONNECT_TIMEOUT'})), timeoutMs);
			socket.once('connect', () => (clearTimeout(timer), resolve(undefined)));
			socket.once('error', error => (clearTimeout(timer), resolve(error)));
		});
		if (outcome) {
			socket.destroy();
			return failed(outcome);
		}
		socket.removeAllListeners('error');
		// Look at the server's first answer before postgres.js parses it.
		const emit = socket.emit.bind(socket);
		let first = true;
		socket.emit = ((event: string, ...args: unknown[]) => {
			if (event === 'data' && first) {
				first = false;
				const chunk = args[0] as Buffer;
				if (!looksLikePostgres(chunk, tls)) {
					failures++;
					socket.destroy(new NotPostgresError(`${where} is not a PostgreSQL server (it answered "${printable(chunk)}") (from ${target.source})`, 'check the port and host in --url; PostgreSQL listens on 5432, PgBouncer on 6432 by default'));
					return true;
				}
				failures = 0;
			} else if (event === 'close' && first) {
				failures++; // closed before saying anything: count it, so the next attempt waits
			}
			return emit(event, ...args);
		}) as typeof socket.emit;
		return socket;
	};
}

/** Where a connection with these options goes: session settings need a session (the direct URL, or a refusal through a pooler). */
function connectionTarget(target: ConnectionTarget, options: ConnectOptions): ConnectionTarget {
	const session = options.parameters && Object.keys(options.parameters).some(name => name !== 'application_name');
	return session ? sessionTarget(target) : target;
}

/** The one place a postgres.js instance is created. Rows come back camelCase. */
export function createSql(target: ConnectionTarget, options: ConnectOptions = {}): Sql {
	// Session settings need a session: the direct URL, or a refusal through a transaction pooler.
	const where = connectionTarget(target, options);
	const pooled = isPooler(where);
	// PgBouncer forwards application_name; everything else in the startup packet it refuses (or a pooled server
	// connection would keep it for the next client): only a direct connection gets session settings there.
	const connection: Record<string, string> = {application_name: 'evfleet', ...options.parameters};
	if (options.readOnly && !pooled) connection['default_transaction_read_only'] = 'on';
	const timeoutSeconds = connectTimeoutSeconds(where, options);
	// `socket` is postgres.js's documented socket factory (README "Custom socket"), missing from its types.
	const ssl = sslOption(where.sslmode);
	const socketOption = {socket: guardedSockets(where, timeoutSeconds * 1000, ssl !== false)} as object;
	return postgres({
		...socketOption,
		host: where.host,
		port: where.port,
		database: where.database,
		username: where.user,
		password: resolvePassword(where),
		ssl,
		max: options.max ?? 4,
		idle_timeout: 30,
		connect_timeout: timeoutSeconds,
		// A transaction pooler hands each transaction to any server connection: named prepared statements
		// would be missing there (PgBouncer 1.18 does not track them).
		prepare: !pooled,
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
		throw mapConnectionError(error, connectionTarget(target, options));
	}
	return sql;
}

type PgLikeError = Error & {code?: string; errno?: string; address?: string; port?: number};

/** Turns driver and server errors about reaching the database into ConnectionError with a hint. */
export function mapConnectionError(error: unknown, target: ConnectionTarget): EvfleetError | unknown {
	if (error instanceof EvfleetError) return error;
	const e = error as PgLikeError;
	const where = describeAddress(target);
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
			return new ConnectionError(
				`cannot connect to ${where}: no answer within ${connectTimeoutSeconds(target)} s ${from}`,
				'is the host reachable and is it PostgreSQL? a firewall? (wait longer with connect_timeout=30 in the URL or PGCONNECT_TIMEOUT)',
			);
		case 'ECONNRESET':
		case 'CONNECTION_CLOSED':
			return new ConnectionError(`cannot connect to ${where}: the server closed the connection before answering ${from}`, 'is that port PostgreSQL (5432) or PgBouncer (6432)? check --url');
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
			return new ConnectionError(`database "${target.database}" does not exist on ${where}`, 'create it (createdb), then run evfleet db migrate; or give another database in --url');
		case '08P01':
			if (/unsupported startup parameter/i.test(e.message)) {
				return new ConnectionError(`${where} refused a session setting (${e.message}): it is a connection pooler (PgBouncer)`, 'add ?pooler=transaction to its URL, and give --direct-url for maintenance');
			}
			break;
		case '42501':
			return new PrivilegeError(`permission denied for user "${target.user}": ${e.message}`);
		case '53300':
			return new ConnectionError(`${where} has too many connections`, 'try again later, or ask the DBA to raise max_connections');
		case '57P03':
			return new ConnectionError(`${where} is starting up or shutting down`, 'try again in a moment');
	}
	if (/no more connections allowed|pool_size|query_wait_timeout/i.test(e?.message ?? '')) {
		return new ConnectionError(`${where} (a pooler) has no free server connection: ${e.message}`, 'try again, or raise the pool size in pgbouncer.ini');
	}
	if (/does not support SSL/i.test(e?.message ?? '')) {
		return new ConnectionError(`${where} does not support TLS but sslmode is ${target.sslmode}`, 'use sslmode=prefer or disable');
	}
	return error;
}

/** Fails with the one thing to do when the connected database has no evfleet schema (yet). */
export async function requireSchema(sql: Sql, target: ConnectionTarget): Promise<void> {
	const [row] = await sql<{present: boolean}[]>`select to_regclass('organizations') is not null and to_regclass('vehicles') is not null as present`;
	if (row?.present) return;
	throw new MigrationError(`database "${target.database}" on ${describeAddress(target)} has no evfleet schema`, `create it: evfleet db migrate --url postgres://${target.user}@${describeAddress(target)}/${target.database}`);
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
