import os from 'node:os';
import React, {useEffect, useRef, useState} from 'react';
import {Box, Text, useApp, useStdout} from 'ink';
import zod from 'zod';
import Task, {reportError} from '../app/Task.js';
import type {ConnectionTarget} from '../db/connection.js';
import type {Demo, DemoOptions, DemoPhase} from '../demo/seed/demo.js';
import {formatBar, formatDuration, formatNumber} from '../text/formats.js';
import {parseCount, parseDuration} from '../text/parse.js';
import {colorEnabled, isInteractive} from '../text/terminal.js';

export const description = 'Start a throw-away PostgreSQL with demo data and a live simulator, and open the console on it';

export const options = zod.object({
	headless: zod.boolean().default(false).describe('Open no console: print the URL and keep running until SIGTERM or Ctrl-C (also when not on a terminal)'),
	printUrl: zod.boolean().default(false).describe('Print the connection URL on its own line (for psql or a second console)'),
	keep: zod.boolean().default(false).describe('Keep the data directory on exit and print how to reopen it'),
	dir: zod.string().optional().describe('Data directory to reuse or create (kept on exit): evfleet demo --dir PATH'),
	seed: zod.string().default('1').describe('Random seed of the demo data set'),
	scale: zod.enum(['tiny', 'small', 'medium', 'large']).default('small').describe('Size of the demo data set: tiny (24 vehicles, seconds to seed), small (200 vehicles, the demo), medium, large'),
	tick: zod.string().default('2s').describe('Simulator tick: 500ms, 2s, 10s'),
	debug: zod.boolean().default(false).describe('Show stack traces on errors'),
});

type Props = {options: zod.infer<typeof options>};

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function reopenHint(demo: Demo): string {
	return `data kept in ${demo.directory}\nreopen it with: evfleet demo --dir ${demo.directory}\n`;
}

function demoOptions(options: Props['options']): DemoOptions {
	return {
		keep: options.keep,
		directory: options.dir,
		seed: parseCount(options.seed, '--seed', 2_147_483_647),
		scale: options.scale,
		tickMs: parseDuration(options.tick, '--tick', {min: 100, max: 3_600_000}),
	};
}

/** Stops the demo once, on the first of: a signal, or the returned promise's caller deciding to. */
function onSignalOnce(handler: (signal: NodeJS.Signals) => void): () => void {
	const listener = (signal: NodeJS.Signals) => handler(signal);
	for (const signal of signals) process.on(signal, listener);
	return () => {
		for (const signal of signals) process.off(signal, listener);
	};
}

/** No console: progress on stderr, the URL on stdout, running until a signal. */
function Headless({options, reason}: Props & {readonly reason?: string}) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const settings = demoOptions(options);
				const log = (line: string) => process.stderr.write(`${line}\n`);
				let signalled: (() => void) | undefined;
				const stopRequested = new Promise<void>(resolve => {
					signalled = resolve;
				});
				const removeSignals = onSignalOnce(() => signalled?.());
				if (reason) log(reason);
				try {
					const {startDemo} = await import('../demo/seed/demo.js');
					const demo = await startDemo({
						...settings,
						onPhase: phase => {
							const line = describePhase(phase);
							if (line) log(line);
						},
						onSimulatorError: error => log(`simulator: ${(error as Error).message ?? String(error)}`),
					});
					process.stdout.write(`${demo.url}\n`);
					log(`evfleet demo is running; stop it with Ctrl-C or SIGTERM`);
					await stopRequested;
					log('stopping: simulator, connections, PostgreSQL');
					await demo.stop();
					if (demo.kept) log(reopenHint(demo).trimEnd());
					else log(`removed ${demo.directory}`);
				} finally {
					removeSignals();
				}
			}}
		/>
	);
}

function describePhase(phase: DemoPhase): string | undefined {
	switch (phase.phase) {
		case 'cluster':
			return `postgres: ${phase.message}`;
		case 'cluster-ready':
			return `data directory: ${phase.directory}${phase.reused ? ' (reused)' : ''} (${formatDuration(phase.durationMs)})`;
		case 'migrate-done':
			return `schema: ${phase.files} file(s) applied (${formatDuration(phase.durationMs)})`;
		case 'seed':
			return phase.progress.table ? `seed [${phase.progress.step}/${phase.progress.steps}] ${phase.progress.label}: ${formatNumber(phase.progress.rows ?? 0)} rows` : undefined;
		case 'seed-done':
			return phase.skipped ? 'seed: the data directory already holds data; not seeding' : `seed: ${formatNumber(phase.rows)} rows (${formatDuration(phase.durationMs)})`;
		default:
			return undefined;
	}
}

type Step = {label: string; done: boolean; detail?: string};

const LazyConsole = React.lazy(() => import('../app/Console.js'));

/** Progress while the demo starts, then the console; every way out stops the demo. */
function Interactive({options}: Props) {
	const {exit} = useApp();
	const {write} = useStdout();
	const color = colorEnabled();
	const [steps, setSteps] = useState<Record<'cluster' | 'migrate' | 'seed', Step>>({
		cluster: {label: 'PostgreSQL', done: false, detail: 'starting'},
		migrate: {label: 'schema', done: false},
		seed: {label: 'demo data', done: false},
	});
	const [progress, setProgress] = useState<DemoPhase & {phase: 'seed'} | undefined>(undefined);
	const [target, setTarget] = useState<ConnectionTarget | undefined>(undefined);
	const demo = useRef<Demo | undefined>(undefined);
	const closing = useRef(false);

	useEffect(() => {
		let settings: DemoOptions;
		try {
			settings = demoOptions(options);
		} catch (error) {
			process.exitCode = reportError(error, options.debug);
			exit();
			return;
		}
		const shutdown = async () => {
			if (closing.current) return;
			closing.current = true;
			const running = demo.current;
			if (!running) return;
			await running.stop();
			if (running.kept) process.stdout.write(reopenHint(running));
		};
		// The progress screen reads no keys, so the terminal is not in raw mode and Ctrl-C arrives as SIGINT:
		// 128 + the signal's number (130 for Ctrl-C), as for the console (README, Exit codes).
		const removeSignals = onSignalOnce(signal => {
			void import('../app/alternate-screen.js').then(m => m.leaveAlternateScreen());
			void shutdown().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 0)));
		});
		import('../demo/seed/demo.js')
			.then(({startDemo}) =>
				startDemo({
					...settings,
					onPhase(phase) {
						if (phase.phase === 'cluster') setSteps(s => ({...s, cluster: {...s.cluster, detail: phase.message}}));
						if (phase.phase === 'cluster-ready') setSteps(s => ({...s, cluster: {label: 'PostgreSQL', done: true, detail: `${phase.url.replace(/^postgres:\/\/[^@]+@/, '')}${phase.reused ? ' (reused)' : ''} · ${formatDuration(phase.durationMs)}`}}));
						if (phase.phase === 'migrate') setSteps(s => ({...s, migrate: {...s.migrate, detail: phase.file}}));
						if (phase.phase === 'migrate-done') setSteps(s => ({...s, migrate: {label: 'schema', done: true, detail: `${phase.files} file(s) · ${formatDuration(phase.durationMs)}`}}));
						if (phase.phase === 'seed') setProgress(phase);
						if (phase.phase === 'seed-done') setSteps(s => ({...s, seed: {label: 'demo data', done: true, detail: phase.skipped ? 'kept from last time' : `${formatNumber(phase.rows)} rows · ${formatDuration(phase.durationMs)}`}}));
					},
				}),
			)
			.then(
				started => {
					demo.current = started;
					if (closing.current) {
						closing.current = false;
						void shutdown();
						return;
					}
					// Printed before the console takes the alternate screen (so it is in the scrollback afterwards) and
					// shown in the console's message line, where it can be read while the demo runs.
					if (options.printUrl) write(`${started.url}\n`);
					setTarget(started.target);
				},
				error => {
					process.exitCode = reportError(error, options.debug);
					exit();
				},
			);
		return () => {
			removeSignals();
			if (!demo.current) closing.current = true; // still starting: stop as soon as it is up
			else void shutdown();
		};
		// Runs once: one demo per process.
		// eslint-disable-next-line react-hooks/exhaustive-deps -- one demo per process
	}, []);

	if (target) {
		return (
			<React.Suspense fallback={null}>
				<LazyConsole target={target} debug={options.debug} notice={options.printUrl ? `demo URL: ${demo.current?.url ?? ''}` : undefined}/>
			</React.Suspense>
		);
	}
	const mark = (step: Step) => (step.done ? (color ? <Text color="green">✔</Text> : <Text>✔</Text>) : <Text>…</Text>);
	const p = progress?.progress;
	const counts = p?.counts ?? {};
	return (
		<Box flexDirection="column">
			<Text bold>evfleet demo</Text>
			{(['cluster', 'migrate', 'seed'] as const).map(key => (
				<Text key={key}>
					{mark(steps[key])} {steps[key].label.padEnd(11)} {steps[key].detail ?? ''}
				</Text>
			))}
			{p && !steps.seed.done ? (
				<Box flexDirection="column" paddingLeft={2}>
					<Text>
						{formatBar(p.step, p.steps, 30, !color)} {p.step}/{p.steps} {p.label}
					</Text>
					<Text dimColor={color}>
						vehicles {formatNumber(counts.vehicles ?? 0)} · stations {formatNumber(counts.charging_stations ?? 0)} · sessions{' '}
						{formatNumber(counts.charging_sessions ?? 0)} · telematics {formatNumber(counts.vehicle_telematics ?? 0)}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}

export default function DemoCommand({options}: Props) {
	if (options.headless) return <Headless options={options}/>;
	// Say why no console opens: a person who piped it (or ran it from a script) expected one.
	if (!isInteractive()) return <Headless options={options} reason={`no console: ${process.stdin.isTTY ? 'stdout' : 'stdin'} is not a terminal — running headless (the URL is on stdout; Ctrl-C or SIGTERM stops it)`}/>;
	return <Interactive options={options}/>;
}
