import React, {useEffect, useState} from 'react';
import zod from 'zod';
import {Box, Text, useApp} from 'ink';
import Task from '../../app/Task.js';
import {ConfirmDialog} from '../../components/ConfirmDialog.js';
import {UsageError} from '../../model/errors.js';
import {connectionOptions, outputOptions} from '../../app/options.js';
import {isInteractive} from '../../text/terminal.js';

export const description = 'Show the pg_cron jobs for maintenance and install the recommended ones; without pg_cron print crontab lines';

export const options = connectionOptions.merge(outputOptions).extend({
	apply: zod.boolean().default(false).describe('Install (or update) the recommended pg_cron jobs after confirmation'),
	yes: zod.boolean().default(false).describe('Install without asking'),
});

type Props = {options: zod.infer<typeof options>};

async function load(options: Props['options']) {
	const [{resolveTarget, connect, describeTarget}, schedule] = await Promise.all([import('../../db/connection.js'), import('../../db/maintenance/schedule.js')]);
	const target = resolveTarget(options);
	const sql = await connect(target, {max: 1});
	try {
		const [state, recommended] = await Promise.all([schedule.cronState(sql), schedule.recommendedJobs(sql)]);
		const connection = options.profile ? `--profile ${options.profile}` : options.url ? `--url '${options.url.replace(/:[^:@/]*@/, '@')}'` : '';
		return {target, state, recommended, missing: schedule.jobsToInstall(state, recommended), schedule, where: describeTarget(target), connection};
	} finally {
		await sql.end({timeout: 5});
	}
}

async function install(options: Props['options'], jobs: Awaited<ReturnType<typeof load>>['missing']): Promise<string> {
	const [{resolveTarget}, {schedulePlan}, {runPlan}] = await Promise.all([import('../../db/connection.js'), import('../../db/maintenance/schedule.js'), import('../../db/maintenance/runner.js')]);
	const plan = schedulePlan(jobs);
	const result = await runPlan(resolveTarget(options), plan, {});
	if (result.outcome !== 'done') throw new Error(result.error ?? 'installing the jobs failed');
	return `installed ${jobs.map(j => j.name).join(', ')}`;
}

function print(options: Props['options'], info: Awaited<ReturnType<typeof load>>) {
	const out = process.stdout;
	if (options.json) {
		out.write(`${JSON.stringify({pgCron: {available: info.state.available, preloaded: info.state.preloaded, installed: info.state.installed}, jobs: info.state.jobs, recommended: info.recommended, missing: info.missing.map(j => j.name), crontab: info.state.installed ? [] : info.schedule.crontabLines(info.recommended, info.connection)}, null, 2)}\n`);
		return;
	}
	if (info.state.installed) {
		out.write(`pg_cron jobs in ${info.where}:\n`);
		if (info.state.jobs.length === 0) out.write('  none for evfleet\n');
		for (const j of info.state.jobs) out.write(`  ${j.jobname ?? `#${j.jobid}`}  ${j.schedule}  ${j.active ? '' : '(inactive) '}${j.command}\n`);
		if (info.missing.length > 0) out.write(`missing or different from the recommendation: ${info.missing.map(j => `${j.name} (${j.schedule})`).join(', ')}\n  evfleet maint schedule --apply installs them\n`);
		else out.write('the recommended jobs are installed\n');
		return;
	}
	const why = !info.state.available ? 'pg_cron is not available on this server' : !info.state.preloaded ? 'pg_cron is available but not in shared_preload_libraries' : 'pg_cron is not installed in this database (CREATE EXTENSION pg_cron in cron.database_name)';
	out.write(`${why}; add these lines to a crontab instead:\n\n${info.schedule.crontabLines(info.recommended, info.connection).join('\n')}\n`);
}

function InstallConfirm({options}: Props) {
	const {exit} = useApp();
	const [info, setInfo] = useState<Awaited<ReturnType<typeof load>> | null>(null);
	const [message, setMessage] = useState<string | null>(null);
	const end = (text: string, code: number) => {
		process.exitCode = code;
		setMessage(text);
		setTimeout(() => exit(), 0);
	};
	useEffect(() => {
		load(options).then(
			loaded => {
				if (!loaded.state.installed) return end('pg_cron is not installed in this database: evfleet maint schedule prints crontab lines instead', 1);
				if (loaded.missing.length === 0) return end('the recommended jobs are installed', 0);
				setInfo(loaded);
			},
			error => end(`evfleet: ${(error as Error).message}`, 1),
		);
		// eslint-disable-next-line react-hooks/exhaustive-deps -- loads once per command
	}, []);
	if (message) return <Text>{message}</Text>;
	if (!info) return <Text dimColor>reading cron.job…</Text>;
	return (
		<ConfirmDialog
			title="Install the recommended pg_cron jobs"
			width={80}
			onCancel={() => end('not installed (answered no)', 1)}
			onConfirm={() => {
				setInfo(null);
				install(options, info.missing).then(text => end(text, 0), error => end(`evfleet: ${(error as Error).message}`, 1));
			}}
		>
			<Box flexDirection="column">
				{info.missing.map(j => (
					<Text key={j.name} wrap="truncate">{`  ${j.name}  ${j.schedule}  ${j.why}`}</Text>
				))}
			</Box>
		</ConfirmDialog>
	);
}

export default function Schedule({options}: Props) {
	if (options.apply && !options.yes) {
		if (!isInteractive()) {
			const error = new UsageError('refusing to install cron jobs without a terminal to confirm', 'add --yes to install them anyway');
			return <Task debug={options.debug} run={async () => Promise.reject(error)} />;
		}
		return <InstallConfirm options={options} />;
	}
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const info = await load(options);
				if (options.apply) {
					if (!info.state.installed) throw new UsageError('pg_cron is not installed in this database', 'use the crontab lines evfleet maint schedule prints');
					process.stdout.write(info.missing.length === 0 ? 'the recommended jobs are installed\n' : `${await install(options, info.missing)}\n`);
					return;
				}
				print(options, info);
			}}
		/>
	);
}
