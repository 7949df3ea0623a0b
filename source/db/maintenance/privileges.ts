// Before anything runs: does this session hold what the plan needs? Says which role is missing.
import type {Sql} from 'postgres';
import {PrivilegeError} from '../../model/errors.js';
import {quoteIdent} from '../queries/maintenance.js';
import type {ActionPlan, PrivilegeNeed} from '../../model/maintenance.js';

export type SessionRoles = {user: string; superuser: boolean; roles: string[]};

export async function sessionRoles(sql: Sql): Promise<SessionRoles> {
	const [row] = await sql<SessionRoles[]>`
		select current_user as user, r.rolsuper as superuser,
		       array(select rolname::text from pg_roles where rolname in ('evfleet_reader', 'evfleet_writer', 'evfleet_operator', 'evfleet_admin')
		             and pg_has_role(current_user, oid, 'member') order by rolname) as roles
		from pg_roles r where r.rolname = current_user`;
	return row!;
}

function describeRoles(session: SessionRoles): string {
	if (session.superuser) return 'superuser';
	return session.roles.length > 0 ? session.roles.join(', ') : 'no evfleet role';
}

/** The unmet needs of a plan, as one line each; empty when the session may run it. */
export async function missingPrivileges(sql: Sql, plan: ActionPlan, session?: SessionRoles): Promise<Array<{need: PrivilegeNeed; message: string; hint: string}>> {
	const me = session ?? (await sessionRoles(sql));
	if (me.superuser) return [];
	const missing: Array<{need: PrivilegeNeed; message: string; hint: string}> = [];
	const seen = new Set<string>();
	for (const need of plan.privileges) {
		const key = JSON.stringify(need);
		if (seen.has(key)) continue;
		seen.add(key);
		switch (need.kind) {
			case 'function': {
				const [row] = await sql<{ok: boolean | null}[]>`
					select case when to_regprocedure(${`public.${need.signature}`}) is null then null
					            else has_function_privilege(to_regprocedure(${`public.${need.signature}`}), 'EXECUTE') end as ok`;
				if (row!.ok === false) {
					missing.push({need, message: `${plan.title} needs the ${need.role} role (to execute ${need.signature}); "${me.user}" has ${describeRoles(me)}`, hint: `a DBA grants it with: GRANT ${need.role} TO ${quoteIdent(me.user)};`});
				}
				break;
			}
			case 'owner': {
				const [row] = await sql<{owner: string; ok: boolean; ownerIsSuperuser: boolean; databaseOwner: string; isDatabaseOwner: boolean}[]>`
					select pg_get_userbyid(c.relowner) as owner, pg_has_role(c.relowner, 'USAGE') as ok,
					       (select rolsuper from pg_roles where oid = c.relowner) as owner_is_superuser,
					       pg_get_userbyid(d.datdba) as database_owner, pg_has_role(d.datdba, 'USAGE') as is_database_owner
					from pg_class c, pg_database d
					where c.oid = ${`public.${quoteIdent(need.relation)}`}::regclass and d.datname = current_database()`;
				if (!row!.ok && !(need.alsoDatabaseOwner && row!.isDatabaseOwner)) {
					const who = need.alsoDatabaseOwner && row!.databaseOwner !== row!.owner ? `the owner of ${need.relation} ("${row!.owner}") or the database owner ("${row!.databaseOwner}")` : `the owner of ${need.relation} ("${row!.owner}")`;
					// Membership in a superuser role is superuser: never suggest granting it.
					const hint = row!.ownerIsSuperuser
						? `connect as "${row!.owner}" (--url postgres://${row!.owner}@…); better, a DBA makes evfleet's tables owned by a schema-owner role that is not a superuser (membership in it can then be granted)`
						: `connect as "${row!.owner}" (--url postgres://${row!.owner}@…), or a DBA grants membership in the schema owner: GRANT ${quoteIdent(row!.owner)} TO ${quoteIdent(me.user)};`;
					missing.push({need, message: `${plan.title} must run as ${who}; "${me.user}" has ${describeRoles(me)}`, hint});
				}
				break;
			}
			case 'signal': {
				const what = need.verb === 'cancel' ? `cancel pid ${need.pid}'s query` : `terminate pid ${need.pid}`;
				if (need.roleIsSuperuser) {
					missing.push({need, message: `only a superuser can ${what}: it runs as superuser "${need.role}"; "${me.user}" has ${describeRoles(me)}`, hint: 'connect as a superuser (pg_signal_backend does not cover superuser sessions)'});
					break;
				}
				const [row] = await sql<{same: boolean; signal: boolean}[]>`
					select coalesce((select pg_has_role(oid, 'USAGE') from pg_roles where rolname = ${need.role}), false) as same,
					       pg_has_role('pg_signal_backend', 'USAGE') as signal`;
				if (!row!.same && !row!.signal) {
					missing.push({need, message: `${plan.title} needs superuser, the role "${need.role}" (whose session it is), or membership in pg_signal_backend; "${me.user}" has ${describeRoles(me)}`, hint: `a DBA grants it with: GRANT pg_signal_backend TO ${quoteIdent(me.user)};`});
				}
				break;
			}
			case 'log': {
				const [row] = await sql<{ok: boolean}[]>`
					select has_table_privilege('public.maintenance_log', 'INSERT') and has_table_privilege('public.maintenance_log', 'UPDATE') as ok`;
				if (!row!.ok) {
					missing.push({need, message: `${plan.title} needs the evfleet_operator role (to write the maintenance_log audit); "${me.user}" has ${describeRoles(me)}`, hint: `a DBA grants it with: GRANT evfleet_operator TO ${quoteIdent(me.user)};`});
				}
				break;
			}
		}
	}
	return missing;
}

/** Throws a PrivilegeError naming the role that is needed; reads the catalog only. */
export async function checkPrivileges(sql: Sql, plan: ActionPlan): Promise<void> {
	const missing = await missingPrivileges(sql, plan);
	if (missing.length === 0) return;
	// The first one is the one to act on; the others usually repeat it per table.
	const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
	throw new PrivilegeError(`${missing[0]!.message}${more}`, missing[0]!.hint);
}
