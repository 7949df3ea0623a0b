// Organization scope (--org, :org): which organization, and connections that see only it through row-level security.
import type {Sql} from 'postgres';
import {NotFoundError, PrivilegeError} from '../model/errors.js';
import {connect, resolveTarget, type ConnectOptions, type ConnectionRequest, type ConnectionTarget} from './connection.js';
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

export type SessionRole = {user: string; seesAll: boolean; canBecomeReader: boolean};

/** Who this connection is, for deciding how to scope it. */
export async function sessionRole(sql: Sql): Promise<SessionRole> {
	const [row] = await sql<SessionRole[]>`
		select current_user as user, ${seesAllOrganizations(sql)} as sees_all,
		       coalesce(pg_has_role(current_user, (select oid from pg_roles where rolname = ${scopedRole}), 'member'), false) as can_become_reader`;
	return row!;
}

/**
 * Startup parameters that scope every connection of a pool to one organization (reconnects included):
 * app.current_org_id, and role=evfleet_reader when the login would otherwise see every organization.
 */
export function scopeParameters(organizationId: string, options: {asReader: boolean}): Record<string, string> {
	return options.asReader ? {[orgSetting]: organizationId, role: scopedRole} : {[orgSetting]: organizationId};
}

/** Connect options for a connection scoped to organizationId, decided from what `sql`'s login may see. */
export async function scopedConnectionOptions(sql: Sql, organizationId: string, base: ConnectOptions = {}): Promise<ConnectOptions> {
	const role = await sessionRole(sql);
	if (role.seesAll && !role.canBecomeReader) {
		throw new PrivilegeError(`user "${role.user}" sees every organization and cannot SET ROLE ${scopedRole} to be scoped`, `grant ${scopedRole} to ${role.user}, or connect as a login without admin rights`);
	}
	return {...base, parameters: {...base.parameters, ...scopeParameters(organizationId, {asReader: role.seesAll})}};
}

export type ScopedConnection = {sql: Sql; organization: OrganizationRef; target: ConnectionTarget};

/**
 * Opens a pool that sees only one organization (slug or id): resolves it with a short unscoped connection,
 * then connects with the scope in the startup parameters and proves the scope took effect.
 */
export async function openScoped(target: ConnectionTarget, org: string, options: ConnectOptions = {}): Promise<ScopedConnection> {
	const probe = await connect(target, {...options, max: 1});
	let organization: OrganizationRef;
	let scoped: ConnectOptions;
	try {
		organization = await resolveOrganizationForScope(probe, org);
		scoped = await scopedConnectionOptions(probe, organization.id, options);
	} finally {
		await probe.end({timeout: 5});
	}
	const sql = await connect(target, scoped);
	try {
		await assertScoped(sql, organization.id);
		// Restricted logins resolved the organization by id alone: now that it is visible, read its name (or learn it does not exist).
		const visible = await findOrganization(sql, organization.id);
		if (!visible) throw new NotFoundError(`no organization "${org}"`, 'evfleet orgs lists them');
		organization = visible;
	} catch (error) {
		await sql.end({timeout: 0});
		throw error;
	}
	return {sql, organization, target};
}

/** Fails unless this connection's policies are keyed on organizationId and its role does not see everything. */
export async function assertScoped(sql: Sql, organizationId: string): Promise<void> {
	const [row] = await sql<{org: string | null; seesAll: boolean; user: string}[]>`
		select current_setting(${orgSetting}, true) as org, ${seesAllOrganizations(sql)} as sees_all, current_user as user`;
	if (row?.org !== organizationId || row.seesAll) {
		throw new PrivilegeError(`could not scope the session to organization ${organizationId} (user ${row?.user} ${row?.seesAll ? 'still sees every organization' : `has ${orgSetting}=${row?.org}`})`);
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
 * The connection a browse command uses: read-only, scoped to `org` through row-level security when given.
 * Always closed afterwards.
 */
export async function withBrowseSql<T>(
	request: ConnectionRequest & {org?: string | undefined},
	work: (sql: Sql, organization: OrganizationRef | null, target: ConnectionTarget) => Promise<T>,
): Promise<T> {
	const target = resolveTarget(request);
	// jit off: browse queries are short; compiling them costs more than it saves (see app/Console.tsx).
	const options: ConnectOptions = {readOnly: true, max: 2, parameters: {jit: 'off'}};
	const opened = request.org ? await openScoped(target, request.org, options) : {sql: await connect(target, options), organization: null, target};
	try {
		return await work(opened.sql, opened.organization, target);
	} finally {
		await opened.sql.end({timeout: 5});
	}
}
