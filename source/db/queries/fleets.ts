// Fleets with their vehicles by status, average state of charge and the share of vehicles online.
import type {Sql} from 'postgres';
import {escapeLike} from './organizations.js';
import {keyset, clampLimit, countOrEstimate, toPage} from './paging.js';
import {parseSort, type Page, type PageRequest} from '../../model/page.js';
import type {FleetRow} from '../../model/data-sources.js';

export const fleetSorts = ['name', 'organization', 'created'] as const;
export type FleetSort = (typeof fleetSorts)[number];

export type FleetListRequest = PageRequest & {
	organizationId?: string | null;
	/** Fleet name prefix, case-insensitive. */
	search?: string | null;
};

const sortKeys: Record<FleetSort, {key: string; cast: string}> = {
	name: {key: 'f.name', cast: 'text'},
	organization: {key: "(o.slug || '/' || f.name)", cast: 'text'},
	created: {key: 'f.created_at', cast: 'timestamptz'},
};

export async function listFleets(sql: Sql, request: FleetListRequest): Promise<Page<FleetRow>> {
	const limit = clampLimit(request.limit);
	const {sort, descending: asked} = parseSort(request.sort, fleetSorts, request.organizationId ? 'name' : 'organization');
	const descending = asked ?? false;
	const page = keyset(sql, {...sortKeys[sort], id: 'f.id', nullable: false}, request, sort, descending);
	const direction = descending ? sql`desc` : sql`asc`;
	const search = request.search?.trim();
	const from = sql`
		from fleets f
		join organizations o on o.id = f.organization_id
		where ${request.organizationId ? sql`f.organization_id = ${request.organizationId}::uuid` : sql`true`}
		  and ${search ? sql`f.name ilike ${escapeLike(search) + '%'}` : sql`true`}`;
	// The page is chosen first (index order, limit), the per-fleet aggregates run for its rows only: joins grouped by
	// (organization_id, fleet_id), never a subquery correlated with the page, so that on Citus they run on the shards
	// of the page's organizations (vehicles and vehicle_live_state co-located, joined on organization_id).
	const ofPage = sql`v.fleet_id = any (array(select p.id from p)) and v.status <> 'retired'`;
	const fetched = await sql<(FleetRow & {sortKey: string | Date | null; cursorKey: string | null})[]>`
		with p as (
			select f.id, f.name, f.organization_id, o.name as organization_name, o.slug as organization_slug,
			       f.depot_address, st_y(f.depot_location::geometry) as depot_latitude, st_x(f.depot_location::geometry) as depot_longitude,
			       f.timezone, ${page.key} as sort_key, ${page.cursorKey} as cursor_key
			${from}
			  and ${page.after}
			order by ${page.orderBy}
			limit ${limit + 1}
		)
		select p.*,
		       coalesce(agg.vehicles, 0) as vehicles,
		       coalesce(per_status.by_status, '{}'::jsonb) as vehicles_by_status,
		       agg.avg_soc_pct, coalesce(agg.online, 0) as online,
		       case when coalesce(agg.vehicles, 0) = 0 then null else agg.online::double precision / agg.vehicles end as online_share
		from p
		left join (
			select v.organization_id, v.fleet_id, count(*)::int as vehicles,
			       avg(s.soc_pct)::double precision as avg_soc_pct,
			       (count(*) filter (where connectivity_status(extract(epoch from now() - s.recorded_at)::double precision) = 'online'))::int as online
			from vehicles v
			left join vehicle_live_state s on s.vehicle_id = v.id and s.organization_id = v.organization_id
			where ${ofPage}
			group by v.organization_id, v.fleet_id
		) agg on agg.organization_id = p.organization_id and agg.fleet_id = p.id
		left join (
			select n.organization_id, n.fleet_id, jsonb_object_agg(n.status, n.n) as by_status
			from (select v.organization_id, v.fleet_id, v.status, count(*)::int as n from vehicles v where ${ofPage} group by v.organization_id, v.fleet_id, v.status) n
			group by n.organization_id, n.fleet_id
		) per_status on per_status.organization_id = p.organization_id and per_status.fleet_id = p.id
		order by p.sort_key ${direction}, p.id ${direction}`;
	const result = toPage(fetched, limit, sort, row => row.cursorKey, await countOrEstimate(sql, from), page.read);
	return {...result, rows: result.rows.map(({sortKey: _sortKey, cursorKey: _cursorKey, ...row}) => row)};
}

export type FleetRef = {id: string; name: string; organizationId: string};

/** A fleet by id, or by name within an organization (names are unique per organization). */
export async function findFleet(sql: Sql, ref: string, organizationId?: string | null): Promise<FleetRef[]> {
	const text = ref.trim();
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
		return sql<FleetRef[]>`select id, name, organization_id from fleets where id = ${text}::uuid`;
	}
	return sql<FleetRef[]>`
		select id, name, organization_id from fleets
		where lower(name) = ${text.toLowerCase()} and ${organizationId ? sql`organization_id = ${organizationId}::uuid` : sql`true`}
		order by name limit 5`;
}
