import React from 'react';
import zod from 'zod';
import type {Sql} from 'postgres';
import ListCommand from '../app/ListCommand.js';
import {connectivities, vehicleSorts, vehicleStatuses} from '../db/queries/vehicles.js';
import type {VehicleRow} from '../model/data-sources.js';
import {NotFoundError, UsageError} from '../model/errors.js';
import {describeLocation, formatAge} from '../text/formats.js';
import {connectionOptions, outputOptions, scopeOptions} from '../app/options.js';
import type {Column} from '../print/output.js';

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
	let fleetId: Promise<string | undefined> | undefined;
	return (
		<ListCommand
			options={options}
			load={async (sql, organization, request) => {
				const {listVehicles} = await import('../db/queries/vehicles.js');
				fleetId ??= findFleetId(sql, options.fleet, organization?.id);
				return listVehicles(sql, {
					...request,
					organizationId: organization?.id,
					fleetId: await fleetId,
					status: options.status,
					connectivity: options.connectivity,
					search: options.search,
					sort: options.desc ? `${options.sort ?? 'vin'}:desc` : options.sort,
				});
			}}
			printed={row => ({...row, location: describeLocation(row)})}
			columns={(format, organization) => {
				// At 80 columns VIN, status and SoC always stay; the others go in this order: organization, fleet,
				// location, model, last seen, conn, plate.
				const columns: Array<Column<PrintedVehicle>> = [
					{key: 'vin', header: 'VIN'},
					{key: 'plate', header: 'plate', priority: 1},
					{key: 'model', header: 'model', format: (_value, row) => `${row.make} ${row.model}`, priority: 4},
					{key: 'status', header: 'status'},
					{key: 'socPct', header: 'SoC', align: 'right', format: value => (value === null ? '-' : `${Math.round(value as number)}%`)},
					{key: 'connectivity', header: 'conn', priority: 2},
					{
						key: 'lastSeenAt',
						header: 'last seen',
						priority: 3,
						format: value => (value ? (format === 'table' ? formatAge(value as Date) : (value as Date).toISOString()) : '-'),
					},
					{key: 'location', header: 'location', priority: 5},
					{key: 'fleetName', header: 'fleet', priority: 6},
				];
				if (!organization && !options.fleet) columns.push({key: 'organizationName', header: 'organization', priority: 7});
				return columns;
			}}
		/>
	);
}

async function findFleetId(sql: Sql, fleet: string | undefined, organizationId: string | undefined): Promise<string | undefined> {
	if (!fleet) return undefined;
	const {findFleet} = await import('../db/queries/fleets.js');
	const fleets = await findFleet(sql, fleet, organizationId);
	if (fleets.length === 0) throw new NotFoundError(`no fleet "${fleet}"`, 'evfleet fleets lists them (names need --org when several organizations use them)');
	if (fleets.length > 1) throw new UsageError(`fleet name "${fleet}" is used by ${fleets.length} organizations`, 'add --org, or give the fleet id');
	return fleets[0]!.id;
}
