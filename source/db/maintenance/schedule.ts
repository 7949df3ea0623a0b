// Scheduling: the pg_cron jobs for evfleet maintenance when pg_cron is installed in this database,
// otherwise the crontab lines that call `evfleet maint … --yes`. What is recommended comes from the schema
// (evfleet_maintenance_schedule(), the same rows sql/energy_schema.sql installs when pg_cron is there).
import type {Sql} from 'postgres';
import {EvfleetError} from '../../model/errors.js';
import type {ActionPlan} from '../../model/maintenance.js';

export type CronJob = {jobid: number; jobname: string | null; schedule: string; command: string; database: string; active: boolean};

export type RecommendedJob = {name: string; schedule: string; command: string; cli: string; why: string};

/** The `evfleet` command that does what each recommended job does (for the crontab lines). */
export const cliEquivalents: Record<string, string> = {
	'evfleet-create-partitions': 'maint partitions create --ahead 3',
	'evfleet-refresh-battery-health-trends': 'maint refresh battery_health_trends',
	'evfleet-refresh-energy-efficiency-metrics': 'maint refresh energy_efficiency_metrics',
};

/** The recommended jobs, as the schema defines them. */
export async function recommendedJobs(sql: Sql): Promise<RecommendedJob[]> {
	try {
		const rows = await sql<Array<{jobname: string; schedule: string; command: string; purpose: string}>>`
			select jobname, schedule, command, purpose from evfleet_maintenance_schedule()`;
		return rows.map(row => ({name: row.jobname, schedule: row.schedule, command: row.command, why: row.purpose, cli: cliEquivalents[row.jobname] ?? `# ${row.command}`}));
	} catch (error) {
		if ((error as {code?: string}).code === '42883') {
			throw new EvfleetError('this database has no evfleet_maintenance_schedule(): its schema predates the recommended schedule', 'load the current sql/energy_schema.sql into it (psql -f), or evfleet db migrate a new database');
		}
		throw error;
	}
}

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
export function jobsToInstall(state: CronState, recommended: readonly RecommendedJob[]): RecommendedJob[] {
	return recommended.filter(r => !state.jobs.some(j => j.jobname === r.name && j.schedule === r.schedule && j.command === r.command && j.active));
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
export function crontabLines(recommended: readonly RecommendedJob[], connection: string, evfleet = 'evfleet'): string[] {
	const log = '>> /var/log/evfleet-maint.log 2>&1';
	const c = connection ? ` ${connection}` : '';
	return [
		'# evfleet maintenance (crontab -e); times are the cron host\'s local time',
		...recommended.map(j => `${j.schedule.padEnd(12)} ${evfleet} ${j.cli} --yes${c} ${log}`),
		`${'*/15 * * * *'.padEnd(12)} ${evfleet} maint status --check${c} > /dev/null || echo "evfleet maintenance needs action" | mail -s evfleet root`,
	];
}
