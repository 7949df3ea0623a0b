// One maintenance action from plan to outcome: plan (exact SQL + what it affects) → confirm → run with
// progress → what was and was not done. esc cancels while running (the statement is cancelled on the server).
// Used by the `evfleet maint …` commands on a terminal and by the maintenance screen.
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {useKeyboard} from '../components/keyboard.js';
import {Text} from '../components/Styled.js';
import {leaveAlternateScreen} from '../app/alternate-screen.js';
import {interruptedExitCode, wasInterrupted} from '../app/interrupt.js';
import {ConfirmDialog, confirmKeyHints} from '../components/ConfirmDialog.js';
import {useCaptureHints, useViewVisible} from '../app/keys.js';
import {Progress} from '../components/Progress.js';
import {Spinner} from '../components/Spinner.js';
import {truncate} from '../text/cells.js';
import {colorEnabled} from '../text/terminal.js';
import type {ActionPlan, ActionProgress, ActionResult, MaintenanceActions, MaintenanceRequest} from '../model/maintenance-data.js';
import {describeResult, resultExitCode} from '../print/maintenance-text.js';

export type FlowOutcome = {exitCode: number; lines: string[]; outcome: 'done' | 'failed' | 'cancelled' | 'refused' | 'nothing' | 'error'};

type State =
	| {kind: 'planning'}
	| {kind: 'error'; message: string; hint: string | null; exitCode: number}
	| {kind: 'nothing'; plan: ActionPlan}
	| {kind: 'confirm'; plan: ActionPlan}
	| {kind: 'running'; plan: ActionPlan; progress: ActionProgress | null; cancelling: boolean}
	| {kind: 'result'; plan: ActionPlan; result: ActionResult; lines: string[]};

export type MaintenanceActionProps = {
	readonly data: MaintenanceActions;
	readonly request: MaintenanceRequest;
	/** Skip the confirmations (--yes). */
	readonly yes?: boolean;
	readonly width: number;
	readonly height: number;
	readonly isActive?: boolean;
	/** Called once at the end; the command exits with exitCode, the screen goes back to its overview. */
	onFinish(outcome: FlowOutcome): void;
	/** Reports whether the flow is running a statement (the screen keeps esc for cancel meanwhile). */
	onRunningChange?(running: boolean): void;
};

function errorParts(error: unknown): {message: string; hint: string | null; exitCode: number} {
	const e = error as {message?: string; hint?: string; exitCode?: number};
	return {message: e?.message ?? String(error), hint: e?.hint ?? null, exitCode: typeof e?.exitCode === 'number' ? e.exitCode : 1};
}

/** The plan, cut to `height` lines: notes, SQL (both wrapped), then affected objects; lists end with "… N more". */
// After the screen is gone the terminal is back in cooked mode: a second Ctrl-C is a SIGINT, and quits at once
// (as `evfleet maint … --yes` does); the statement was already cancelled on the server.
const quitNow = () => process.exit(interruptedExitCode);
function waitForSecondInterrupt() {
	process.on('SIGINT', quitNow);
}
function stopWaitingForSecondInterrupt() {
	process.off('SIGINT', quitNow);
}

/** The word on the confirmation's button, and in the footer. */
function confirmVerb(plan: ActionPlan): string {
	return plan.action === 'partitions.drop' ? 'Drop' : plan.action === 'partitions.detach' ? 'Detach' : plan.action === 'cancel' ? 'Cancel query' : plan.action === 'terminate' ? 'Terminate' : 'Run';
}

export function PlanView({plan, width, height}: {readonly plan: ActionPlan; readonly width: number; readonly height: number}) {
	const cost = (text: string) => Math.max(1, Math.ceil(text.length / Math.max(1, width)));
	let budget = Math.max(6, height) - 2; // the "SQL" and "Affects" headings
	const take = <T,>(items: readonly T[], text: (item: T) => string, room: number): [T[], number] => {
		const kept: T[] = [];
		let used = 0;
		for (const [i, item] of items.entries()) {
			const more = i < items.length - 1 ? 1 : 0; // keep a line for "… N more" unless this is the last
			if (used + cost(text(item)) + more > room) break;
			kept.push(item);
			used += cost(text(item));
		}
		if (kept.length === 0 && items.length > 0) kept.push(items[0]!);
		return [kept, items.length - kept.length];
	};
	const [notes] = take(plan.notes, note => note, Math.floor(budget / 2));
	budget -= notes.reduce((sum, note) => sum + cost(note), 0);
	const [steps, moreSteps] = take(plan.steps, step => `  ${step.sql};`, Math.max(2, Math.ceil(budget / 2)));
	budget -= steps.reduce((sum, step) => sum + cost(`  ${step.sql};`), 0) + (moreSteps > 0 ? 1 : 0);
	const [affects, moreAffects] = take(plan.affects, () => 'x', Math.max(1, budget));
	const color = colorEnabled();
	return (
		<Box flexDirection="column" width={width}>
			{notes.map(note => (
				<Text key={note} dimColor wrap="wrap">
					{note}
				</Text>
			))}
			<Text bold>SQL</Text>
			{steps.map((step, i) => (
				<Text key={`${i}${step.sql}`} color={color ? 'yellow' : undefined} wrap="wrap">
					{`  ${step.sql};`}
				</Text>
			))}
			{moreSteps > 0 ? <Text dimColor>{`  … ${moreSteps} more statement(s) (--dry-run prints them all)`}</Text> : null}
			<Text bold>Affects</Text>
			{affects.length === 0 ? <Text dimColor>  nothing</Text> : null}
			{affects.map(a => (
				<Text key={a.object} wrap="truncate">
					{truncate(`  ${a.object}: ${a.change}`, width)}
				</Text>
			))}
			{moreAffects > 0 ? <Text dimColor>{`  … ${moreAffects} more`}</Text> : null}
		</Box>
	);
}

export function MaintenanceAction({data, request, yes = false, width, height, isActive = true, onFinish, onRunningChange}: MaintenanceActionProps) {
	const [state, setState] = useState<State>({kind: 'planning'});
	const [elapsedMs, setElapsedMs] = useState(0);
	const controller = useRef<AbortController | null>(null);
	const finished = useRef(false);
	const mounted = useRef(true);
	const startedAt = useRef(0);
	const runningTitle = useRef('');
	// What earlier steps of a two-step action did (detach before drop), repeated in the final report.
	const earlier = useRef<string[]>([]);

	const finish = (outcome: FlowOutcome) => {
		if (finished.current) return;
		finished.current = true;
		onFinish(outcome);
	};

	const run = (plan: ActionPlan) => {
		const abort = new AbortController();
		controller.current = abort;
		runningTitle.current = plan.title;
		startedAt.current = Date.now();
		setElapsedMs(0);
		setState({kind: 'running', plan, progress: null, cancelling: false});
		onRunningChange?.(true);
		data
			.run(plan, {
				signal: abort.signal,
				onProgress: progress => {
					if (mounted.current) setState(s => (s.kind === 'running' && s.plan === plan ? {...s, progress} : s));
				},
			})
			.then(
				result => {
					controller.current = null;
					onRunningChange?.(false);
					const lines = [...earlier.current, ...describeResult(plan, result)];
					if (!mounted.current) {
						// Unmounted mid-run (Ctrl-C, or q answered y): the person still learns what was and was not done.
						stopWaitingForSecondInterrupt();
						process.stderr.write(`${lines.join('\n')}\n`);
						if (!wasInterrupted()) process.exitCode = resultExitCode(result);
						return;
					}
					if (result.outcome === 'done' && plan.followUp) {
						earlier.current = lines;
						if (yes) run(plan.followUp);
						else setState({kind: 'confirm', plan: plan.followUp});
						return;
					}
					setState({kind: 'result', plan, result, lines});
				},
				error => {
					controller.current = null;
					onRunningChange?.(false);
					const parts = errorParts(error);
					if (!mounted.current) {
						stopWaitingForSecondInterrupt();
						process.stderr.write(`evfleet: ${parts.message}\n`);
						if (!wasInterrupted()) process.exitCode = parts.exitCode;
						return;
					}
					setState({kind: 'error', ...parts});
				},
			);
	};

	useEffect(() => {
		mounted.current = true;
		data.prepare(request).then(
			plan => {
				if (!mounted.current) return;
				if (plan.nothingToDo) setState({kind: 'nothing', plan});
				else if (yes) run(plan);
				else setState({kind: 'confirm', plan});
			},
			error => {
				if (mounted.current) setState({kind: 'error', ...errorParts(error)});
			},
		);
		return () => {
			mounted.current = false;
			if (!controller.current) return;
			// The screen is going away (Ctrl-C, quit) while a statement runs: cancel it on the server, say so on
			// the person's own screen, and wait for the outcome (printed above) unless Ctrl-C is pressed again.
			controller.current.abort();
			leaveAlternateScreen();
			process.stderr.write(`cancelling on the server: ${runningTitle.current} … (Ctrl-C again quits at once)\n`);
			waitForSecondInterrupt();
		};
		// One request per mount.
		// eslint-disable-next-line react-hooks/exhaustive-deps -- one request per mount
	}, []);

	const onScreen = useViewVisible();
	useEffect(() => {
		// Hidden under another view (the action carries on), the elapsed time is not drawn: no tick.
		if (state.kind !== 'running' || !onScreen) return;
		setElapsedMs(Date.now() - startedAt.current);
		const timer = setInterval(() => setElapsedMs(Date.now() - startedAt.current), 200);
		return () => clearInterval(timer);
	}, [state.kind, onScreen]);

	// Terminal states end the flow on their own in a command (yes), or on a key in the screen.
	useEffect(() => {
		if (state.kind === 'error') finish({exitCode: state.exitCode, lines: [state.message, ...(state.hint ? [state.hint] : [])], outcome: 'error'});
		if (state.kind === 'nothing') finish({exitCode: 0, lines: [`nothing to do: ${state.plan.nothingToDo}`], outcome: 'nothing'});
		if (state.kind === 'result') finish({exitCode: resultExitCode(state.result), lines: state.lines, outcome: state.result.outcome});
		// eslint-disable-next-line react-hooks/exhaustive-deps -- finish once per terminal state, not on every render of its callbacks
	}, [state.kind]);

	useKeyboard(
		(input, key) => {
			if (state.kind !== 'running' || state.cancelling) return;
			if (key.escape || (key.ctrl && input === 'c')) {
				controller.current?.abort();
				setState({...state, cancelling: true});
			}
		},
		{isActive: isActive && state.kind === 'running'},
	);

	// The footer says what the keys do in this step (in a command there is no footer: nothing is published).
	useCaptureHints(
		state.kind === 'confirm'
			? confirmKeyHints(state.plan.destructive, confirmVerb(state.plan))
			: state.kind === 'running'
				? state.cancelling ? [] : [{key: 'esc', label: 'cancel the action (on the server)'}]
				: [],
	);

	const color = colorEnabled();
	switch (state.kind) {
		case 'planning':
			return <Spinner label="planning (reading the catalog)…" />;
		case 'error':
			return (
				<Box flexDirection="column" width={width}>
					<Text color={color ? 'red' : undefined} wrap="wrap">
						{state.message}
					</Text>
					{state.hint ? <Text dimColor wrap="wrap">{state.hint}</Text> : null}
				</Box>
			);
		case 'nothing':
			return <Text wrap="truncate">{`nothing to do: ${state.plan.nothingToDo}`}</Text>;
		case 'confirm': {
			const plan = state.plan;
			const verb = confirmVerb(plan);
			return (
				<ConfirmDialog
					key={plan.action}
					title={plan.title}
					confirmText={plan.destructive ? plan.confirmText : null}
					action={verb}
					width={width}
					isActive={isActive}
					onConfirm={() => run(plan)}
					onCancel={() => {
						const lines = [...earlier.current, `not run: ${plan.title} (answered no${earlier.current.length > 0 ? '' : '; nothing was changed'})`];
						data.refuse(plan, 'answered no').then(
							logged => finish({exitCode: 1, lines: logged ? lines : [...lines, 'the refusal could not be written to maintenance_log'], outcome: 'refused'}),
							() => finish({exitCode: 1, lines, outcome: 'refused'}),
						);
					}}
				>
					<PlanView plan={plan} width={width - 4} height={height - 7} />
				</ConfirmDialog>
			);
		}
		case 'running': {
			const p = state.progress;
			const plan = state.plan;
			const label = p ? `${plan.steps.length > 1 ? `${p.step}/${p.steps} ` : ''}${p.object}` : plan.title;
			const detail = state.cancelling ? 'cancelling on the server…' : p?.waitingFor ? `waiting for a lock held by ${p.waitingFor}` : p?.phase ?? null;
			const done = plan.steps.length > 1 && p?.total === null ? (p?.step ?? 1) - 1 : p?.done;
			const total = plan.steps.length > 1 && p?.total === null ? plan.steps.length : p?.total;
			return (
				<Box flexDirection="column" width={width}>
					<Text bold wrap="truncate">
						{plan.title}
					</Text>
					<Progress label={label} elapsedMs={elapsedMs} done={done} total={total} detail={detail} width={width} />
					<Text dimColor>esc or Ctrl-C cancels (the statement is cancelled on the server)</Text>
				</Box>
			);
		}
		case 'result':
			return (
				<Box flexDirection="column" width={width}>
					{state.lines.map((line, i) => (
						<Text key={`${i}${line}`} color={color && i === 0 ? (state.result.outcome === 'done' ? 'green' : 'red') : undefined} wrap="wrap">
							{line}
						</Text>
					))}
				</Box>
			);
	}
}
