import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {MaintenanceCommand} from '../../app/MaintenanceCommand.js';
import {parsePid} from '../../db/maintenance/pid.js';
import {actionOptions, connectionOptions} from '../../app/options.js';

export const description = 'Cancel the query a backend is running (pg_cancel_backend); the session stays connected';

export const args = zod.tuple([zod.string().describe(argument({name: 'pid', description: 'Backend pid (evfleet maint status lists long-running queries)'}))]);

export const options = connectionOptions.merge(actionOptions);

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function Cancel({args: [pid], options}: Props) {
	return <MaintenanceCommand options={options} request={() => ({action: 'cancel', pid: parsePid(pid)})} />;
}
