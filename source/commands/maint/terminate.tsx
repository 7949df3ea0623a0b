import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {MaintenanceCommand} from '../../app/MaintenanceCommand.js';
import {parsePid} from '../../db/maintenance/pid.js';
import {actionOptions, connectionOptions} from '../../app/options.js';

export const description = 'Terminate a backend (pg_terminate_backend): its transaction rolls back, the client is disconnected; asks for the pid';

export const args = zod.tuple([zod.string().describe(argument({name: 'pid', description: 'Backend pid (evfleet maint status lists long-running queries)'}))]);

export const options = connectionOptions.merge(actionOptions);

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};

export default function Terminate({args: [pid], options}: Props) {
	return <MaintenanceCommand options={options} request={() => ({action: 'terminate', pid: parsePid(pid)})} />;
}
