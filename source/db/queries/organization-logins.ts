// organization_logins: which database logins may see which organizations (the tenant binding of every RLS policy).
// Only evfleet_admin members (and superusers) may read or write it; each change is recorded in maintenance_log.
import type {Sql} from 'postgres';
import {NotFoundError, PrivilegeError, UsageError} from '../../model/errors.js';
import {findOrganization, type OrganizationRef} from './organizations.js';

export type OrganizationLoginRow = {
	roleName: string;
	organizationId: string;
	organizationSlug: string;
	grantedAt: Date;
	grantedBy: string;
	/** false when the login was dropped after it was bound: revoke the binding. */
	loginExists: boolean;
};

const insufficientPrivilege = '42501';

function privilegeError(error: unknown): never {
	if ((error as {code?: string}).code === insufficientPrivilege) {
		throw new PrivilegeError('only evfleet_admin members may read or change organization logins', 'connect as a login granted evfleet_admin');
	}
	throw error;
}

/** Bindings, by organization then login; only one organization's with organizationId. */
export async function listOrganizationLogins(sql: Sql, organizationId?: string): Promise<OrganizationLoginRow[]> {
	return sql<OrganizationLoginRow[]>`
		select l.role_name::text, l.organization_id, o.slug as organization_slug, l.granted_at, l.granted_by::text,
		       exists (select 1 from pg_roles r where r.rolname = l.role_name and r.rolcanlogin) as login_exists
		from organization_logins l join organizations o on o.id = l.organization_id
		${organizationId ? sql`where l.organization_id = ${organizationId}::uuid` : sql``}
		order by o.slug, l.role_name`.catch(privilegeError);
}

/** The organization a binding names (slug or id), or a NotFoundError (exit 2). */
export async function organizationForLogins(sql: Sql, slugOrId: string): Promise<OrganizationRef> {
	if (slugOrId.trim() === '') throw new UsageError('--org is empty', 'give an organization slug or id (evfleet orgs lists them)');
	const found = await findOrganization(sql, slugOrId);
	if (!found) throw new NotFoundError(`no organization "${slugOrId}"`, 'evfleet orgs lists them');
	return found;
}

/** The SQL a change runs, as the confirmation shows it. */
export function organizationLoginSql(change: 'grant' | 'revoke', login: string, organization: OrganizationRef): string {
	const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
	return change === 'grant'
		? `INSERT INTO organization_logins (role_name, organization_id) VALUES (${literal(login)}, ${literal(organization.id)}) ON CONFLICT DO NOTHING`
		: `DELETE FROM organization_logins WHERE role_name = ${literal(login)} AND organization_id = ${literal(organization.id)}`;
}

/** Binds (grant) or unbinds (revoke) a login; false when there was nothing to change. Audited in maintenance_log. */
export async function changeOrganizationLogin(sql: Sql, change: 'grant' | 'revoke', login: string, organization: OrganizationRef): Promise<boolean> {
	if (login.trim() === '') throw new UsageError('the login name is empty', 'give the database login to bind, e.g. evfleet org logins grant acme_app --org acme');
	return sql.begin(async tx => {
		if (change === 'grant') {
			const [role] = await tx<{canLogin: boolean}[]>`select rolcanlogin as can_login from pg_roles where rolname = ${login}`;
			if (!role) throw new NotFoundError(`no database role "${login}"`, `create it first: CREATE ROLE ${login} LOGIN IN ROLE evfleet_reader`);
			if (!role.canLogin) throw new UsageError(`"${login}" is not a login role`, 'bind logins (roles with LOGIN), not group roles: a binding follows session_user');
		}
		const changed = change === 'grant'
			? await tx`insert into organization_logins (role_name, organization_id) values (${login}, ${organization.id}) on conflict do nothing`
			: await tx`delete from organization_logins where role_name = ${login} and organization_id = ${organization.id}`;
		await tx`
			insert into maintenance_log (action, target, sql, finished_at, outcome)
			values (${`org.logins.${change}`}, ${`${login} @ ${organization.slug}`}, ${organizationLoginSql(change, login, organization)}, now(), 'done')`;
		return changed.count > 0;
	}).catch(privilegeError) as Promise<boolean>;
}
