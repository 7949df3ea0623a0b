import React from 'react';
import zod from 'zod';
import Task from '../../app/Task.js';
import {openProfileStore} from '../../db/profiles.js';
import {outputOptions} from '../../app/options.js';
import {chooseFormat, printRows} from '../../print/output.js';

export const description = 'List saved connection profiles (* marks the one in use)';

export const options = outputOptions;

type Props = {options: zod.infer<typeof options>};

export default function ProfileList({options}: Props) {
	return (
		<Task
			run={async () => {
				const rows = openProfileStore()
					.list()
					.map(({name, profile, current}) => ({name, current, ...profile, sslmode: profile.sslmode ?? null, readonly: profile.readonly === true, statementTimeout: profile.statementTimeout ?? null}));
				printRows(rows, [
					{key: 'current', header: ' ', format: value => (value ? '*' : '')},
					{key: 'name', header: 'name'},
					{key: 'host', header: 'host'},
					{key: 'port', header: 'port', align: 'right'},
					{key: 'database', header: 'database'},
					{key: 'user', header: 'user'},
					{key: 'sslmode', header: 'sslmode'},
					{key: 'readonly', header: 'readonly', format: value => (value ? 'yes' : '')},
					{key: 'statementTimeout', header: 'timeout', format: value => (typeof value === 'string' ? value : '')},
				], chooseFormat(options));
			}}
		/>
	);
}
