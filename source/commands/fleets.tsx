import React from 'react';
import zod from 'zod';
import ListCommand from '../app/ListCommand.js';
import {fleetSorts} from '../db/queries/fleets.js';
import {formatNumber} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';

export const description = 'List fleets: organization, depot, vehicles by status, average SoC, share online';

export const options = connectionOptions.merge(outputOptions).merge(scopeOptions).extend({
	search: zod.string().optional().describe('Only fleets whose name starts with this'),
	sort: zod.enum(fleetSorts).optional().describe('Sort by (default: organization, or name with --org)'),
	limit: zod.string().default('500').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

function formatByStatus(byStatus: Record<string, number>): string {
	return Object.entries(byStatus)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([status, n]) => `${status} ${n}`)
		.join(', ');
}

export default function Fleets({options}: Props) {
	return (
		<ListCommand
			options={options}
			load={async (sql, organization, request) => {
				const {listFleets} = await import('../db/queries/fleets.js');
				return listFleets(sql, {...request, organizationId: organization?.id, sort: options.sort, search: options.search});
			}}
			// Name, vehicles, average SoC and online share always stay; depot, then by status, then organization go first.
			columns={(_format, organization) => [
				...(organization ? [] : [{key: 'organizationSlug' as const, header: 'organization', priority: 1}]),
				{key: 'name', header: 'fleet'},
				{key: 'depotAddress', header: 'depot', priority: 3},
				{key: 'vehicles', header: 'vehicles', align: 'right'},
				{key: 'vehiclesByStatus', header: 'by status', format: value => formatByStatus(value as Record<string, number>), priority: 2},
				{key: 'avgSocPct', header: 'avg SoC', align: 'right', format: value => (value === null ? '-' : `${formatNumber(value as number)}%`)},
				{key: 'onlineShare', header: 'online', align: 'right', format: value => (value === null ? '-' : `${formatNumber((value as number) * 100)}%`)},
			]}
		/>
	);
}
