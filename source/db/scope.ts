// Organization scope (--org, :org): which organization, and connections that see only it through row-level security.
import {parseIdentifier} from '../text/parse.js';
import type {Sql} from 'postgres';
import {NotFoundError, PrivilegeError} from '../model/errors.js';
import {UnsupportedOnCitusError} from './citus.js';
import {connect, readTarget, requireSchema, resolveTarget, type ConnectOptions, type ConnectionRequest, type ConnectionTarget} from './connection.js';
import {findOrganization, isUuid, suggestOrganizations, type OrganizationRef} from './queries/organizations.js';

/** The role a scoped session of a superuser or admin drops to, so the tenant policies apply to it. */
export const scopedRole = 'evfleet_reader';

/** The setting every tenant policy reads (evfleet_current_org() in sql/schema.sql). */
export const orgSetting = 'app.current_org_id';

/** The organization slugOrId names; NotFoundError (exit 2) with close matches when there is none. */
export async function resolveOrganization(sql: Sql, slugOrId: string): Promise<OrganizationRef> {
	const found = await findOrganization(sql, slugOrId);
	if (found) return found;
	const matches = await suggestOrganizations(sql, slugOrId);
	if (matches.length > 0) {
		throw new NotFoundError(`no organization "${slugOrId}"`, `did you mean: ${matches.map(m => m.slug).join(', ')}?`);
	}
	const [who] = await sql<{seesAll: boolean}[]>`select ${seesAllOrganizations(sql)} as sees_all`;
	if (who && !who.seesAll && !isUuid(slugOrId.trim())) {
		throw new NotFoundError(`no organization "${slugOrId}" visible to this database user`, 'it sees organizations only once scoped: give the organization id (uuid) instead of the slug');
	}
	throw new NotFoundError(`no organization "${slugOrId}"`, 'evfleet orgs lists them');
}

// Roles that row-level security does not restrict: superusers, BYPASSRLS roles, members of evfleet_admin.
const seesAllOrganizations = (sql: Sql) => sql`(
	(select rolsuper or rolbypassrls from pg_roles where rolname = current_user)
	or pg_has_role(current_user, 'evfleet_admin', 'member'))`;

export type SessionRole = {
	user: string;
	seesAll: boolean;
	/** Superuser or BYPASSRLS: no policy applies to it, so only a role switch scopes it. */
	bypassesPolicies: boolean;
	canBecomeReader: boolean;
	/** The database is a Citus coordinator. */
	citus: boolean;
};

/** Who this connection is, for deciding how to scope it. */
export async function sessionRole(sql: Sql): Promise<SessionRole> {
	const [row] = await sql<SessionRole[]>`
		select current_user as user, ${seesAllOrganizations(sql)} as sees_all,
		       (select rolsuper or rolbypassrls from pg_roles where rolname = current_user) as bypasses_policies,
		       coalesce(pg_has_role(current_user, (select oid from pg_roles where rolname = ${scopedRole}), 'member'), false) as can_become_reader,
		       exists (select 1 from pg_extension where extname = 'citus') as citus`;
	return row!;
}

/**
 * What each transaction of a handle starts with. Everything here is transaction-local: SET LOCAL inside the
 * transaction, never a startup parameter or a session-level SET, so that a pooled server connection (PgBouncer in
 * transaction mode) never carries one client's organization to the next, and Citus carries it to its workers
 * (it propagates only SET LOCAL, with citus.propagate_set_commands = 'local'; not set_config()).
 */
export type TransactionScope = {
	/** SET LOCAL app.current_org_id: the organization the tenant policies show. */
	organizationId?: string;
	/** SET LOCAL ROLE: a superuser or admin drops to evfleet_reader so the policies apply to it. */
	role?: string;
	/** BEGIN READ ONLY. */
	readOnly?: boolean;
	/** Other SET LOCAL settings (jit, statement_timeout). */
	settings?: Record<string, string>;
};

const settingName = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function literal(value: string): string {
	if (value.includes('\0')) throw new Error('a setting value cannot contain NUL');
	return `'${value.replaceAll("'", "''")}'`;
}

/** The SET LOCAL statements that open each transaction of a scoped handle (one simple-protocol round trip). */
export function setLocalStatements(scope: TransactionScope): string {
	const statements: string[] = [];
	if (scope.organizationId !== undefined) {
		if (!uuidText.test(scope.organizationId)) throw new Error(`organization id "${scope.organizationId}" is not a uuid`);
		// On Citus the SET LOCALs below reach the workers (where the policies run) only with this; elsewhere it
		// is an inert placeholder setting, gone at commit.
		statements.push(`set local citus.propagate_set_commands = 'local'`);
		statements.push(`set local ${orgSetting} = ${literal(scope.organizationId)}`);
	}
	for (const [name, value] of Object.entries(scope.settings ?? {})) {
		if (!settingName.test(name)) throw new Error(`invalid setting name "${name}"`);
		statements.push(`set local ${name} = ${literal(value)}`);
	}
	// The role last: it may not be allowed to change what came before.
	if (scope.role !== undefined) statements.push(`set local role "${scope.role.replaceAll('"', '""')}"`);
	return statements.join('; ');
}

type Query = PromiseLike<unknown> & Record<string, unknown>;

/**
 * A handle on `pool` whose every query runs in its own transaction that starts with the scope's SET LOCALs.
 * It is a postgres.js Sql in every way the query modules use: tagged queries (also as fragments inside other
 * queries), sql(identifier), sql(object, ...columns), unsafe(), json(), array(), begin(). A query built here is a
 * real postgres.js query (so it nests as a fragment); only awaiting it is redirected into the transaction. What a
 * single transaction cannot serve (reserve, listen, cursors) is refused rather than run unscoped.
 */
export function scopedHandle(pool: Sql, scope: TransactionScope): Sql {
	const prologue = setLocalStatements(scope);
	const mode = scope.readOnly ? 'read only' : 'read write';
	const inTransaction = <T>(work: (tx: Sql) => T | Promise<T>): Promise<T> =>
		pool.begin(mode, async tx => {
			if (prologue) await tx.unsafe(prologue);
			return work(tx as unknown as Sql);
		}) as Promise<T>;
	// One query in one round trip: BEGIN and the SET LOCALs (one simple-protocol message), the query and COMMIT are
	// sent back to back on one connection, and only the answers are awaited (the server runs them in order). When
	// something before COMMIT fails, the transaction is aborted and COMMIT rolls it back; the first error is thrown.
	const inOneTrip = async (build: (connection: Sql) => Query): Promise<unknown> => {
		const connection = await pool.reserve();
		try {
			const opened = connection.unsafe(`begin ${mode}; ${prologue}`);
			const query = build(connection as unknown as Sql);
			const closed = connection.unsafe('commit');
			const [start, result, end] = await Promise.allSettled([opened, query, closed]);
			for (const step of [start, result, end]) if (step.status === 'rejected') throw step.reason;
			return (result as PromiseFulfilledResult<unknown>).value;
		} finally {
			connection.release();
		}
	};
	const refuse = (what: string) => () => {
		throw new Error(`${what} is not available on a transaction-scoped handle (each query is its own transaction)`);
	};
	// Awaiting the outer query runs a copy built on the transaction; flags set on it (.values(), .raw()) go along.
	const deferred = (outer: Query, build: (tx: Sql) => Query): Query => {
		Object.defineProperty(outer, 'then', {
			value: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
				inOneTrip(connection => {
					const inner = build(connection);
					if (outer['isRaw']) inner['isRaw'] = outer['isRaw'];
					return inner;
				}).then(onFulfilled, onRejected),
		});
		for (const name of ['cursor', 'forEach', 'execute', 'describe', 'readable', 'writable']) Object.defineProperty(outer, name, {value: refuse(`.${name}()`)});
		return outer;
	};
	const handle = new Proxy(pool, {
		apply(_target, _this, argumentsList: unknown[]) {
			const [first, ...rest] = argumentsList;
			const outer = (pool as unknown as (...a: unknown[]) => Query)(first, ...rest);
			if (!Array.isArray((first as {raw?: unknown} | null)?.raw)) return outer; // sql(identifier), sql(object, ...columns)
			return deferred(outer, tx => (tx as unknown as (...a: unknown[]) => Query)(first, ...rest));
		},
		get(target, property, receiver) {
			switch (property) {
				case 'unsafe':
					return (text: string, args?: unknown, options?: unknown) =>
						deferred((target.unsafe as unknown as (...a: unknown[]) => Query)(text, args, options), tx => (tx.unsafe as unknown as (...a: unknown[]) => Query)(text, args, options));
				case 'begin':
					return (modeOrWork: unknown, maybeWork?: (tx: Sql) => unknown) => {
						const work = (typeof modeOrWork === 'function' ? modeOrWork : maybeWork) as (tx: Sql) => unknown;
						return inTransaction(work);
					};
				case 'reserve':
				case 'listen':
				case 'subscribe':
				case 'file':
					return refuse(`sql.${String(property)}()`);
				default:
					return Reflect.get(target, property, receiver);
			}
		},
	});
	return handle;
}

/**
 * The scope of a handle on organizationId, decided from what `sql`'s login may see. Tenant logins and evfleet_admin
 * members are scoped by the organization setting alone (the policies read it). A superuser or BYPASSRLS login passes
 * every policy, so it also drops to evfleet_reader for the transaction; Citus cannot follow that switch (it opens its
 * worker connections as the current role, and evfleet_reader cannot log in), so there it is refused in one sentence.
 */
export async function organizationScope(sql: Sql, organizationId: string, base: TransactionScope = {}): Promise<TransactionScope> {
	const role = await sessionRole(sql);
	if (!role.bypassesPolicies) return {...base, organizationId};
	if (role.citus) {
		throw new UnsupportedOnCitusError(
			`user "${role.user}" passes every row-level security policy, and on Citus it cannot drop to ${scopedRole} to be scoped (Citus connects to the workers as the current role)`,
			`connect as an evfleet_admin login to choose an organization there (create role dba login in role evfleet_admin), or leave out --org`,
		);
	}
	if (!role.canBecomeReader) {
		throw new PrivilegeError(`user "${role.user}" sees every organization and cannot SET ROLE ${scopedRole} to be scoped`, `grant ${scopedRole} to ${role.user}, or connect as a login without admin rights`);
	}
	return {...base, organizationId, role: scopedRole};
}

/** How long a browse, live or chart query may run before the server cancels it (--statement-timeout). */
export const defaultStatementTimeoutMs = 5000;

/**
 * How browse, live and chart handles run: read-only transactions, jit off (short queries: compiling costs more than
 * it saves), and a statement_timeout, SET LOCAL like the rest (it holds through a transaction pooler and ends with
 * the transaction), so no console query can hang on a lock or a slow server for longer than that.
 */
export function browseScopeWith(statementTimeoutMs: number = defaultStatementTimeoutMs): TransactionScope {
	return {readOnly: true, settings: {jit: 'off', statement_timeout: `${Math.max(0, Math.round(statementTimeoutMs))}ms`}};
}

export const browseScope: TransactionScope = browseScopeWith();

/** One-shot browse commands (evfleet vehicles, battery …) have no next tick to retry on: they get longer. */
export const commandStatementTimeoutMs = 60_000;

/** Browse handles take the statement timeout beside the connection options (0 = no limit). */
export type BrowseOptions = ConnectOptions & {statementTimeoutMs?: number};

export type ScopedConnection = {sql: Sql; organization: OrganizationRef; target: ConnectionTarget};

export type BrowseConnection = {sql: Sql; organization: OrganizationRef | null; target: ConnectionTarget};

/**
 * Opens a handle that sees only one organization (slug or id): resolves it through `base` (unscoped), then
 * returns a handle whose every transaction sets the organization (SET LOCAL), and proves the scope took effect.
 * The pool itself stays free of tenant state; ending the returned handle ends the pool.
 */
export async function openScoped(target: ConnectionTarget, rawOrg: string, options: ConnectOptions = {}, base: TransactionScope = {readOnly: options.readOnly ?? false}): Promise<ScopedConnection> {
	// An empty --org is a typo, not "no organization": refused before connecting, never run unscoped.
	const org = parseIdentifier(rawOrg, '--org');
	const pool = await connect(target, options);
	try {
		const unscoped = scopedHandle(pool, base);
		await requireSchema(unscoped, target);
		let organization = await resolveOrganizationForScope(unscoped, org);
		const sql = scopedHandle(pool, await organizationScope(unscoped, organization.id, base));
		await assertScoped(sql, organization.id);
		// Restricted logins resolved the organization by id alone: now that it is visible, read its name (or learn it does not exist).
		const visible = await findOrganization(sql, organization.id);
		if (!visible) throw new NotFoundError(`no organization "${org}"`, 'evfleet orgs lists them');
		organization = visible;
		return {sql, organization, target};
	} catch (error) {
		await pool.end({timeout: 0});
		throw error;
	}
}

/**
 * The handle browse, live and chart queries use: on the replica when there is one (--read-url), read-only
 * transactions, scoped to `org` through row-level security when given.
 */
export async function openBrowse(target: ConnectionTarget, org: string | undefined, options: BrowseOptions = {}): Promise<BrowseConnection> {
	const where = readTarget(target);
	const {statementTimeoutMs, ...connectOptions} = options;
	const base: ConnectOptions = {...connectOptions, readOnly: true};
	const scope = browseScopeWith(statementTimeoutMs);
	if (org !== undefined) return openScoped(where, org, base, scope);
	const sql = scopedHandle(await connect(where, base), scope);
	try {
		await requireSchema(sql, where);
	} catch (error) {
		await sql.end({timeout: 0});
		throw error;
	}
	return {sql, organization: null, target: where};
}

/**
 * Fails unless this connection's policies are keyed on organizationId and apply to its role (not a superuser or
 * BYPASSRLS role; an evfleet_admin member's every-row policy holds only while no organization is chosen).
 */
export async function assertScoped(sql: Sql, organizationId: string): Promise<void> {
	const [row] = await sql<{org: string | null; bypasses: boolean; user: string}[]>`
		select current_setting(${orgSetting}, true) as org, current_user as user,
		       (select rolsuper or rolbypassrls from pg_roles where rolname = current_user) as bypasses`;
	if (row?.org !== organizationId || row.bypasses) {
		throw new PrivilegeError(`could not scope the session to organization ${organizationId} (user ${row?.user} ${row?.bypasses ? 'still sees every organization' : `has ${orgSetting}=${row?.org}`})`);
	}
}

// A login that RLS restricts sees no organization before it is scoped: it can only name one by id.
async function resolveOrganizationForScope(sql: Sql, org: string): Promise<OrganizationRef> {
	const role = await sessionRole(sql);
	const ref = org.trim();
	if (!role.seesAll && isUuid(ref)) return {id: ref.toLowerCase(), name: ref, slug: ref};
	return resolveOrganization(sql, ref);
}

/**
 * The connection a browse command uses: the replica when there is one, read-only transactions, scoped to
 * `org` through row-level security when given. Always closed afterwards.
 */
export async function withBrowseSql<T>(
	request: ConnectionRequest & {org?: string | undefined},
	work: (sql: Sql, organization: OrganizationRef | null, target: ConnectionTarget) => Promise<T>,
): Promise<T> {
	const target = resolveTarget(request);
	const opened = await openBrowse(target, request.org, {max: 2, statementTimeoutMs: commandStatementTimeoutMs});
	try {
		return await work(opened.sql, opened.organization, target);
	} finally {
		await opened.sql.end({timeout: 5});
	}
}
