// Plain-text descriptions of maintenance plans and results, shared by the screen, the dialog and the
// non-interactive commands (no Ink, no database).
import {formatDuration} from '../text/formats.js';
import type {ActionPlan, ActionResult} from '../model/maintenance.js';

/** The plan as lines: title, notes, the exact SQL, what it affects. */
export function planLines(plan: ActionPlan): string[] {
	const lines = [plan.title, ...plan.notes.map(note => `  note: ${note}`), 'SQL:', ...plan.steps.map(step => `  ${step.sql};`), 'Affects:'];
	lines.push(...(plan.affects.length > 0 ? plan.affects.map(a => `  ${a.object}: ${a.change}`) : ['  nothing']));
	return lines;
}

/** What was done, what was not, what to clean up. */
export function describeResult(plan: ActionPlan, result: ActionResult): string[] {
	const lines: string[] = [];
	const took = formatDuration(result.durationMs);
	if (result.outcome === 'done') lines.push(`done: ${plan.title} (${result.completed.length} statement${result.completed.length === 1 ? '' : 's'}, ${took})`);
	else lines.push(`${result.outcome}: ${result.error ?? plan.title} (${took})`);
	if (result.outcome !== 'done') {
		if (result.completed.length > 0) lines.push(`  done:     ${result.completed.map(s => s.object).join(', ')}`);
		if (result.interrupted) lines.push(`  stopped:  ${result.interrupted.object}`);
		if (result.notRun.length > 0) lines.push(`  not run:  ${result.notRun.map(s => s.object).join(', ')}`);
	}
	for (const leftover of result.leftovers) lines.push(`  ${leftover}`);
	if (result.auditError) lines.push(`AUDIT NOT WRITTEN: ${result.auditError}; the action above was ${result.outcome === 'done' ? 'carried out' : result.outcome} without its maintenance_log record`);
	else if (result.auditNote) lines.push(`  ${result.auditNote}`);
	return lines;
}

/** Exit code for a result: 0 done (and audited), 1 otherwise. */
export function resultExitCode(result: ActionResult): number {
	return result.outcome === 'done' && !result.auditError ? 0 : 1;
}
