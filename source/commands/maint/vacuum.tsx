import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {MaintenanceCommand} from '../../app/MaintenanceCommand.js';
import {actionOptions, connectionOptions} from '../../app/options.js';

export const description = 'VACUUM a table (a partitioned table: each partition), or every evfleet table';

export const args = zod.tuple([zod.string().optional().describe(argument({name: 'table', description: 'Table name (default: all tables)'}))]);

export const options = connectionOptions.merge(actionOptions).extend({
	analyze: zod.boolean().default(false).describe('Also update planner statistics (VACUUM (ANALYZE))'),
});

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function Vacuum({args: [table], options}: Props) {
	return <MaintenanceCommand options={options} request={() => ({action: 'vacuum', table, analyze: options.analyze})} />;
}
