// People of one organization: who to call at a customer (name, email, roles, status, last login).
import type {Sql} from 'postgres';
import {escapeLike} from './organizations.js';
import {clampLimit, countOrEstimate, keyset, toPage} from './paging.js';
import {parseSort, type Page, type PageRequest} from '../../model/page.js';
import type {UserRow} from '../../model/data-sources.js';

export const userSorts = ['name', 'email', 'status', 'lastLogin'] as const;
export type UserSort = (typeof userSorts)[number];

export type UserListRequest = PageRequest & {
	organizationId?: string | null;
	status?: string | null;
	/** Name or email prefix, case-insensitive. */
	search?: string | null;
};

const sortKeys: Record<UserSort, {key: string; cast: string; nullable: boolean}> = {
	name: {key: 'u.full_name', cast: 'text', nullable: false},
	email: {key: 'lower(u.email)', cast: 'text', nullable: false},
	status: {key: 'u.status', cast: 'text', nullable: false},
	lastLogin: {key: 'u.last_login_at', cast: 'timestamptz', nullable: true},
};

export async function listUsers(sql: Sql, request: UserListRequest): Promise<Page<UserRow>> {
	const limit = clampLimit(request.limit);
	const {sort, descending: asked} = parseSort(request.sort, userSorts, 'name');
	const descending = asked ?? (sort === 'lastLogin');
	const page = keyset(sql, {...sortKeys[sort], id: 'u.id'}, request, sort, descending);
	const search = request.search?.trim();
	const from = sql`
		from users u
		join organizations o on o.id = u.organization_id
		where ${request.organizationId ? sql`u.organization_id = ${request.organizationId}::uuid` : sql`true`}
		  and ${request.status ? sql`u.status = ${request.status}` : sql`true`}
		  and ${search ? sql`(u.full_name ilike ${escapeLike(search) + '%'} or lower(u.email) like ${escapeLike(search.toLowerCase()) + '%'})` : sql`true`}`;
	const fetched = await sql<(UserRow & {cursorKey: string | null})[]>`
		select u.id, u.organization_id, o.name as organization_name, u.full_name, u.email, u.phone, u.status, u.last_login_at,
		       coalesce((select array_agg(r.name order by r.name) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id and ur.organization_id = u.organization_id), '{}') as roles,
		       ${page.cursorKey} as cursor_key
		${from}
		  and ${page.after}
		order by ${page.orderBy}
		limit ${limit + 1}`;
	const result = toPage(fetched, limit, sort, row => row.cursorKey, await countOrEstimate(sql, from), page.read);
	return {...result, rows: result.rows.map(({cursorKey: _cursorKey, ...row}) => row)};
}
