// Maintenance actions without a terminal (--yes in scripts and cron) and --dry-run: plain lines, no Ink.
// Ctrl-C / SIGTERM cancel the running statement on the server; the result says what was and was not done.
import {connect, resolveTarget, type ConnectionRequest} from '../db/connection.js';
import {formatDuration} from '../text/formats.js';
import {describeResult, planLines, resultExitCode} from '../print/maintenance-text.js';
import {runPlan} from '../db/maintenance/runner.js';
import {planAction, prepareAction, recordWithoutRunning, type MaintenanceRequest} from '../db/maintenance/service.js';
import {missingPrivileges} from '../db/maintenance/privileges.js';
import {UsageError} from '../model/errors.js';

export type HeadlessOptions = ConnectionRequest & {lockTimeoutMs: number; statementTimeoutMs: number; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream};

/** --dry-run: the plan (and any missing privilege), logged as dry_run; changes nothing. */
export async function dryRun(request: MaintenanceRequest, options: HeadlessOptions): Promise<number> {
	const out = options.out ?? process.stdout;
	const target = resolveTarget(options);
	const sql = await connect(target, {readOnly: true, max: 1});
	try {
		const plan = await planAction(sql, request);
		for (const p of [plan, ...(plan.followUp ? [plan.followUp] : [])]) {
			out.write(`${planLines(p).join('\n')}\n`);
			if (p.nothingToDo) out.write(`nothing to do: ${p.nothingToDo}\n`);
			if (p.refusal) out.write(`would be refused: ${p.refusal.message}\n`);
			for (const missing of await missingPrivileges(sql, p)) out.write(`would be refused: ${missing.message}\n  ${missing.hint}\n`);
			out.write(`lock_timeout ${formatDuration(options.lockTimeoutMs)}, statement_timeout ${options.statementTimeoutMs ? formatDuration(options.statementTimeoutMs) : 'none'}\n`);
			await recordWithoutRunning(target, p, 'dry_run', null);
		}
		out.write('dry run: nothing was changed\n');
		return 0;
	} finally {
		await sql.end({timeout: 5});
	}
}

/** Without --yes and without a terminal: refused (exit 2), and audited like any other refusal. */
export async function refuseWithoutTerminal(request: MaintenanceRequest, options: HeadlessOptions): Promise<number> {
	const refusal = new UsageError('refusing to run a maintenance action without a terminal to confirm it', 'add --yes to run it anyway (scripts, cron), or --dry-run to see the plan');
	// The refusal stands whatever happens to its audit (no server, a plan that fails): it is what the user must act on.
	try {
		const target = resolveTarget(options);
		const sql = await connect(target, {readOnly: true, max: 1});
		try {
			await recordWithoutRunning(target, await planAction(sql, request), 'refused', refusal.message);
		} finally {
			await sql.end({timeout: 5});
		}
	} catch {
		// not audited: nothing more to say than the refusal itself
	}
	throw refusal;
}

/** --yes without a terminal: plan, check privileges, print the plan, run, print the outcome. */
export async function runWithoutTerminal(request: MaintenanceRequest, options: HeadlessOptions): Promise<number> {
	const out = options.out ?? process.stdout;
	const err = options.err ?? process.stderr;
	const target = resolveTarget(options);
	const sql = await connect(target, {readOnly: true, max: 1});
	let plan;
	try {
		plan = await prepareAction(sql, target, request);
	} finally {
		await sql.end({timeout: 5});
	}
	if (plan.nothingToDo) {
		out.write(`nothing to do: ${plan.nothingToDo}\n`);
		return 0;
	}
	const abort = new AbortController();
	let signals = 0;
	const onSignal = () => {
		signals++;
		if (signals === 1) {
			err.write('cancelling on the server… (again to quit at once)\n');
			abort.abort();
		} else process.exit(130);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		let code = 0;
		for (let p: typeof plan | null = plan; p; p = p.followUp) {
			out.write(`${planLines(p).join('\n')}\n`);
			let lastStep = 0;
			const result = await runPlan(target, p, {
				lockTimeoutMs: options.lockTimeoutMs,
				statementTimeoutMs: options.statementTimeoutMs,
				signal: abort.signal,
				onProgress: progress => {
					if (progress.step !== lastStep) {
						lastStep = progress.step;
						err.write(`[${progress.step}/${progress.steps}] ${p!.steps[progress.step - 1]?.sql ?? progress.object}\n`);
					}
				},
			});
			out.write(`${describeResult(p, result).join('\n')}\n`);
			code = resultExitCode(result);
			if (code !== 0) break;
		}
		return code;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}
