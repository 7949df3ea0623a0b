import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import Task from '../../app/Task.js';
import {openProfileStore} from '../../db/profiles.js';

export const description = 'Connect with this profile when no --url, --profile, DATABASE_URL or PG* variable is given';

export const args = zod.tuple([zod.string().describe(argument({name: 'name', description: 'Profile name'}))]);

type Props = {args: zod.infer<typeof args>};

export default function ProfileUse({args: [name]}: Props) {
	return (
		<Task
			run={async () => {
				const store = openProfileStore();
				store.use(name);
				process.stdout.write(`now using profile ${name}\n`);
			}}
		/>
	);
}
