import React from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import Task from '../../app/Task.js';
import {openProfileStore} from '../../db/profiles.js';

export const description = 'Delete a saved connection profile';

export const args = zod.tuple([zod.string().describe(argument({name: 'name', description: 'Profile name'}))]);

type Props = {args: zod.infer<typeof args>};

export default function ProfileRemove({args: [name]}: Props) {
	return (
		<Task
			run={async () => {
				const store = openProfileStore();
				store.remove(name);
				process.stdout.write(`removed profile ${name}\n`);
			}}
		/>
	);
}
