// Organizations (tenants) with their size at a glance: fleets, vehicles, vehicles online now, users.
import type {Sql} from 'postgres';
import {keyset, clampLimit, countOrEstimate, toPage, type Fragment} from './paging.js';
import {parseSort, type Page, type PageRequest} from '../../model/page.js';
import type {OrganizationRow} from '../../model/data-sources.js';

export const organizationSorts = ['name', 'slug', 'plan', 'created'] as const;
export type OrganizationSort = (typeof organizationSorts)[number];

export type OrganizationListRequest = PageRequest & {
	/** Name or slug prefix, case-insensitive. */
	search?: string | null;
};

const sortKeys: Record<OrganizationSort, {key: string; cast: string}> = {
	name: {key: 'o.name', cast: 'text'},
	slug: {key: 'o.slug', cast: 'text'},
	plan: {key: 'o.subscription_plan', cast: 'text'},
	created: {key: 'o.created_at', cast: 'timestamptz'},
};

/**
 * One page of organizations; counts come from per-organization index lookups, so a page costs its own rows only.
 * The page is chosen first; each count is a join with a group by organization_id (never a subquery correlated with
 * the page), which Citus runs on the shards of the page's organizations (organizations is a reference table there).
 */
export async function listOrganizations(sql: Sql, request: OrganizationListRequest): Promise<Page<OrganizationRow>> {
	const limit = clampLimit(request.limit);
	const {sort, descending: asked} = parseSort(request.sort, organizationSorts, 'name');
	const descending = asked ?? false;
	const page = keyset(sql, {...sortKeys[sort], id: 'o.id', nullable: false}, request, sort, descending);
	const search = request.search?.trim();
	const from = sql`
		from organizations o
		where ${search ? sql`(o.name ilike ${escapeLike(search) + '%'} or o.slug like ${escapeLike(search.toLowerCase()) + '%'})` : sql`true`}`;
	// Rows of `table` per organization of the page (index on organization_id), those matching `where`.
	const countPer = (table: string, where: Fragment) => sql`(
		select t.organization_id, count(*)::int as n from ${sql(table)} t
		where t.organization_id = any (array(select p.id from p)) and ${where}
		group by t.organization_id)`;
	const fetched = await sql<(OrganizationRow & {sortKey: string | Date; cursorKey: string | null})[]>`
		with p as (
			select o.id, o.name, o.slug, o.subscription_plan as plan, o.is_active, o.created_at, ${page.key} as sort_key, ${page.cursorKey} as cursor_key
			${from}
			  and ${page.after}
			order by ${page.orderBy}
			limit ${limit + 1}
		)
		select p.id, p.name, p.slug, p.plan, p.is_active, p.created_at, p.sort_key, p.cursor_key,
		       coalesce(f.n, 0) as fleets, coalesce(v.n, 0) as vehicles, coalesce(s.n, 0) as online_now, coalesce(u.n, 0) as users
		from p
		left join ${countPer('fleets', sql`true`)} f on f.organization_id = p.id
		left join ${countPer('vehicles', sql`t.status <> 'retired'`)} v on v.organization_id = p.id
		left join ${countPer('vehicle_live_state', sql`connectivity_status(extract(epoch from now() - t.recorded_at)::double precision) = 'online'`)} s on s.organization_id = p.id
		left join ${countPer('users', sql`t.status <> 'deactivated'`)} u on u.organization_id = p.id
		order by p.sort_key ${descending ? sql`desc` : sql`asc`}, p.id ${descending ? sql`desc` : sql`asc`}`;
	const result = toPage(fetched, limit, sort, row => row.cursorKey, await countOrEstimate(sql, from), page.read);
	return {...result, rows: result.rows.map(({sortKey: _sortKey, cursorKey: _cursorKey, ...row}) => row)};
}

export type OrganizationRef = {id: string; name: string; slug: string};

/** By slug or id; undefined when there is none (or row-level security hides it). */
export async function findOrganization(sql: Sql, slugOrId: string): Promise<OrganizationRef | undefined> {
	const ref = slugOrId.trim();
	const [row] = isUuid(ref)
		? await sql<OrganizationRef[]>`select id, name, slug from organizations where id = ${ref}::uuid`
		: await sql<OrganizationRef[]>`select id, name, slug from organizations where slug = ${ref.toLowerCase()}`;
	return row;
}

/** Organizations whose slug or name resembles ref (shared prefix, or containing it), for "did you mean". */
export async function suggestOrganizations(sql: Sql, ref: string, limit = 5): Promise<OrganizationRef[]> {
	const text = ref.trim().toLowerCase();
	if (!text) return [];
	const head = escapeLike(text.slice(0, Math.max(2, Math.ceil(text.length / 2))));
	return sql<OrganizationRef[]>`
		select id, name, slug from organizations
		where slug like ${head + '%'} or slug like ${'%' + escapeLike(text) + '%'} or lower(name) like ${'%' + escapeLike(text) + '%'}
		order by slug
		limit ${limit}`;
}

export function isUuid(text: string): boolean {
	return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

/** A LIKE pattern that matches text literally. */
export function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, match => `\\${match}`);
}
