import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {MaintenanceCommand} from '../../app/MaintenanceCommand.js';
import {actionOptions, connectionOptions} from '../../app/options.js';

export const description = 'REINDEX an index or all indexes of a table, CONCURRENTLY (writes continue)';

export const args = zod.tuple([zod.string().describe(argument({name: 'name', description: 'Index or table name'}))]);

export const options = connectionOptions.merge(actionOptions);

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function Reindex({args: [name], options}: Props) {
	return <MaintenanceCommand options={options} request={() => ({action: 'reindex', name})} />;
}
