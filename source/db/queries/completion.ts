// Values the console's `:` line completes arguments with: fleet names, VINs and plates, organization slugs.
// Each is one indexed prefix read, bounded by `limit`, and sees only what the session's scope (RLS) shows.
import type {Sql} from 'postgres';
import type {CompletionData, CompletionKind} from '../../model/completion.js';
import {escapeLike} from './organizations.js';

export async function completeFleetNames(sql: Sql, prefix: string, limit: number): Promise<string[]> {
	const rows = await sql<{name: string}[]>`
		select distinct name from fleets where name ilike ${escapeLike(prefix) + '%'} order by name limit ${limit}`;
	return rows.map(row => row.name);
}

/** VINs by prefix (the VIN index, as a range, right in any collation), then plates by prefix. */
export async function completeVehicleReferences(sql: Sql, prefix: string, limit: number): Promise<string[]> {
	const upper = prefix.trim().toUpperCase();
	if (upper.length === 0) return [];
	const [vins, plates] = await Promise.all([
		sql<{value: string}[]>`
			select vin as value from vehicles
			where vin between ${upper} and ${upper.padEnd(17, 'Z')} and vin like ${escapeLike(upper) + '%'}
			order by vin limit ${limit}`,
		sql<{value: string}[]>`
			select plate as value from vehicles
			where plate is not null and upper(plate) like ${escapeLike(upper) + '%'}
			order by plate limit ${limit}`,
	]);
	return [...new Set([...vins, ...plates].map(row => row.value))].slice(0, limit);
}

export async function completeOrganizationSlugs(sql: Sql, prefix: string, limit: number): Promise<string[]> {
	const rows = await sql<{slug: string}[]>`
		select slug from organizations where slug like ${escapeLike(prefix.toLowerCase()) + '%'} order by slug limit ${limit}`;
	return rows.map(row => row.slug);
}

export function completionSource(sql: Sql): CompletionData {
	const byKind: Record<CompletionKind, (sql: Sql, prefix: string, limit: number) => Promise<string[]>> = {
		fleet: completeFleetNames,
		vehicle: completeVehicleReferences,
		organization: completeOrganizationSlugs,
	};
	return {complete: (kind, prefix, limit) => byKind[kind](sql, prefix, limit)};
}
