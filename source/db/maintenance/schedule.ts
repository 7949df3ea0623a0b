// Scheduling: the pg_cron jobs for evfleet maintenance when pg_cron is installed in this database,
// otherwise the crontab lines that call `evfleet maint … --yes`.
import type {Sql} from 'postgres';
import type {ActionPlan} from './types.js';

export type CronJob = {jobid: number; jobname: string | null; schedule: string; command: string; database: string; active: boolean};

export type RecommendedJob = {name: string; schedule: string; command: string; cli: string; why: string};

const partitionedTables = ['vehicle_telematics', 'charging_session_metrics', 'energy_consumption_records'];

export const recommendedJobs: RecommendedJob[] = [
	{
		name: 'evfleet-create-partitions',
		schedule: '0 3 1 * *',
		command: `select create_monthly_partitions(t, 3) from unnest(array[${partitionedTables.map(t => `'${t}'`).join(', ')}]::regclass[]) t`,
		cli: 'maint partitions create --ahead 3',
		why: 'monthly: keeps 3 months of partitions ahead (idempotent)',
	},
	{name: 'evfleet-refresh-battery-health-trends', schedule: '15 3 * * *', command: 'select refresh_battery_health_trends()', cli: 'maint refresh battery_health_trends', why: 'daily'},
	{name: 'evfleet-refresh-energy-efficiency-metrics', schedule: '5 * * * *', command: 'select refresh_energy_efficiency_metrics()', cli: 'maint refresh energy_efficiency_metrics', why: 'hourly'},
];

export type CronState = {available: boolean; installed: boolean; preloaded: boolean; jobs: CronJob[]};

export async function cronState(sql: Sql): Promise<CronState> {
	const [row] = await sql<{available: boolean; installed: boolean; preloaded: boolean}[]>`
		select exists (select 1 from pg_available_extensions where name = 'pg_cron') as available,
		       exists (select 1 from pg_extension where extname = 'pg_cron') as installed,
		       current_setting('shared_preload_libraries') ~ '\\mpg_cron\\M' as preloaded`;
	const state = {...row!, jobs: [] as CronJob[]};
	if (state.installed) {
		state.jobs = await sql<CronJob[]>`
			select jobid, jobname, schedule, command, database, active from cron.job
			where jobname like 'evfleet-%' or command ~ '(create_monthly_partitions|refresh_battery_health_trends|refresh_energy_efficiency_metrics)'
			order by jobname`;
	}
	return state;
}

/** Jobs that are missing or differ from the recommendation. */
export function jobsToInstall(state: CronState): RecommendedJob[] {
	return recommendedJobs.filter(r => !state.jobs.some(j => j.jobname === r.name && j.schedule === r.schedule && j.command === r.command && j.active));
}

export function schedulePlan(jobs: RecommendedJob[]): ActionPlan {
	return {
		action: 'schedule',
		title: 'evfleet maint schedule --apply',
		target: jobs.map(j => j.name).join(','),
		steps: jobs.map(j => ({sql: `SELECT cron.schedule('${j.name}', '${j.schedule}', $job$${j.command}$job$)`, object: j.name, progress: 'none'})),
		atomic: true,
		affects: jobs.map(j => ({object: j.name, change: `${j.schedule}  ${j.why}`, rows: null, bytes: null})),
		notes: ['cron.schedule replaces a job of the same name'],
		destructive: false,
		confirmText: null,
		privileges: [{kind: 'log'}],
		lockKeys: ['schedule'],
		nothingToDo: jobs.length === 0 ? 'the recommended jobs are installed' : null,
		followUp: null,
	};
}

/** The crontab equivalent, for servers without pg_cron. */
export function crontabLines(connection: string, evfleet = 'evfleet'): string[] {
	const log = '>> /var/log/evfleet-maint.log 2>&1';
	const c = connection ? ` ${connection}` : '';
	return [
		'# evfleet maintenance (crontab -e); times are the cron host\'s local time',
		...recommendedJobs.map(j => `${j.schedule.padEnd(12)} ${evfleet} ${j.cli} --yes${c} ${log}`),
		`${'*/15 * * * *'.padEnd(12)} ${evfleet} maint status --check${c} > /dev/null || echo "evfleet maintenance needs action" | mail -s evfleet root`,
	];
}
