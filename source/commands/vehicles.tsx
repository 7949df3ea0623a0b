import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {collectPages} from '../db/queries/paging.js';
import {connectivities, vehicleSorts, vehicleStatuses, type VehicleRow} from '../db/queries/vehicles.js';
import {withBrowseSql} from '../db/scope.js';
import {NotFoundError, UsageError} from '../model/errors.js';
import {describeLocation, formatAge} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';
import {chooseFormat, printJson, printRows, type Column} from '../print/output.js';
import {parseCount} from '../text/parse.js';

export const description = 'List vehicles: VIN, plate, model, status, SoC, connectivity, last seen, location, fleet';

export const options = connectionOptions.merge(outputOptions).merge(scopeOptions).extend({
	fleet: zod.string().optional().describe('Only this fleet (id, or name with --org)'),
	status: zod.enum(vehicleStatuses).optional().describe('Only vehicles with this status'),
	connectivity: zod.enum(connectivities).optional().describe('Only online (reported in 5 min), stale (1 h) or offline vehicles'),
	search: zod.string().optional().describe('VIN or plate prefix, id, or make/model'),
	sort: zod.enum(vehicleSorts).default('vin').describe('Sort by'),
	desc: zod.boolean().default(false).describe('Descending order'),
	limit: zod.string().default('100').describe('At most this many rows'),
});

type Props = {options: zod.infer<typeof options>};

type PrintedVehicle = VehicleRow & {location: string};

export default function Vehicles({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const format = chooseFormat(options);
				const limit = parseCount(options.limit);
				const {listVehicles} = await import('../db/queries/vehicles.js');
				const {findFleet} = await import('../db/queries/fleets.js');
				await withBrowseSql(options, async (sql, organization) => {
					let fleetId: string | undefined;
					if (options.fleet) {
						const fleets = await findFleet(sql, options.fleet, organization?.id);
						if (fleets.length === 0) throw new NotFoundError(`no fleet "${options.fleet}"`, 'evfleet fleets lists them (names need --org when several organizations use them)');
						if (fleets.length > 1) throw new UsageError(`fleet name "${options.fleet}" is used by ${fleets.length} organizations`, 'add --org, or give the fleet id');
						fleetId = fleets[0]!.id;
					}
					const page = await collectPages(
						request =>
							listVehicles(sql, {
								...request,
								organizationId: organization?.id,
								fleetId,
								status: options.status,
								connectivity: options.connectivity,
								search: options.search,
								sort: options.sort,
								descending: options.desc,
							}),
						limit,
					);
					if (format === 'json') return printJson(page.rows);
					const rows: PrintedVehicle[] = page.rows.map(row => ({...row, location: describeLocation(row)}));
					const columns: Array<Column<PrintedVehicle>> = [
						{key: 'vin', header: 'VIN'},
						{key: 'plate', header: 'plate', priority: 9},
						{key: 'model', header: 'model', format: (_value, row) => `${row.make} ${row.model}`, priority: 3},
						{key: 'status', header: 'status', priority: 6},
						{key: 'socPct', header: 'SoC', align: 'right', format: value => (value === null ? '-' : `${Math.round(value as number)}%`), priority: 8},
						{key: 'connectivity', header: 'conn', priority: 7},
						{
							key: 'lastSeenAt',
							header: 'last seen',
							priority: 7,
							format: value => (value ? (format === 'table' ? formatAge(value as Date) : (value as Date).toISOString()) : '-'),
						},
						{key: 'location', header: 'location', priority: 4},
						{key: 'fleetName', header: 'fleet', priority: 2},
					];
					if (!organization && !fleetId) columns.push({key: 'organizationName', header: 'organization', priority: 1});
					printRows(rows, columns, format, process.stdout, {compact: true, width: process.stdout.columns});
					if (page.nextCursor) process.stderr.write(`showing ${page.rows.length} of ${page.totalIsExact ? '' : '~'}${page.estimatedTotal}; raise --limit for more\n`);
				});
			}}
		/>
	);
}
