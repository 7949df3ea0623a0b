import React from 'react';
import zod from 'zod';
import Task from '../app/Task.js';
import {connect, describeTarget, requireSchema, resolveTarget} from '../db/connection.js';
import {UsageError} from '../model/errors.js';
import {formatDuration} from '../text/formats.js';
import {connectionOptions} from '../app/options.js';
import {parseCount, parseDuration} from '../text/parse.js';

export const description = 'Run the live fleet simulator against a database until Ctrl-C (moves vehicles, charges, routes, faults)';

export const options = connectionOptions.extend({
	tick: zod.string().default('2s').describe('Time between ticks: 500ms, 2s, 10s (one round trip each)'),
	seed: zod.string().default('1').describe('Random seed of the simulator'),
	speed: zod.string().default('30').describe('Simulated seconds per real second'),
	vehicles: zod.string().default('400').describe('At most this many vehicles move (those on routes first)'),
	ticks: zod.string().optional().describe('Stop after this many ticks (default: run until Ctrl-C or SIGTERM)'),
	heartbeat: zod.string().default('3min').describe('Simulated time between two heartbeats of a charging station'),
	silentStations: zod.string().default('3').describe('Percent of active stations that stay silent on purpose (stale detection has something to show)'),
	quiet: zod.boolean().default(false).describe('Print only errors, not one line per tick'),
});

type Props = {options: zod.infer<typeof options>};

export default function Simulate({options}: Props) {
	return (
		<Task
			debug={options.debug}
			run={async () => {
				const tickMs = parseDuration(options.tick, '--tick', {min: 100, max: 3_600_000});
				const seed = parseCount(options.seed, '--seed', 2_147_483_647);
				const timeScale = parseCount(options.speed, '--speed', 10_000);
				const maxVehicles = parseCount(options.vehicles, '--vehicles', 100_000);
				const heartbeatSeconds = parseDuration(options.heartbeat, '--heartbeat') / 1000;
				const silent = options.silentStations.trim();
				if (!/^\d+(\.\d+)?$/.test(silent) || Number(silent) > 100) throw new UsageError(`invalid --silent-stations "${options.silentStations}"`, 'use a percentage from 0 to 100');
				const maxTicks = options.ticks ? parseCount(options.ticks, '--ticks') : undefined;
				const target = resolveTarget(options);
				const {startSimulator, SimulatorBusyError} = await import('../demo/simulator.js');
				const sql = await connect(target, {max: 1});
				let errors = 0;
				try {
					await requireSchema(sql, target);
					let finish: (() => void) | undefined;
					const finished = new Promise<void>(resolve => {
						finish = resolve;
					});
					const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
					const onSignal = () => finish?.();
					for (const signal of signals) process.on(signal, onSignal);
					process.stderr.write(`simulating on ${describeTarget(target)} every ${formatDuration(tickMs)}; Ctrl-C stops\n`);
					let fatal: unknown;
					const simulator = startSimulator(sql, {
						tickMs,
						seed,
						timeScale,
						maxVehicles,
						heartbeatSeconds,
						silentStationShare: Number(silent) / 100,
						onTick(tick) {
							if (!options.quiet) {
								const parts = [`tick ${tick.tick}`, `${tick.durationMs} ms`, `${tick.telematics} telematics`];
								if (tick.sessionsStarted) parts.push(`${tick.sessionsStarted} charging started`);
								if (tick.sessionsEnded) parts.push(`${tick.sessionsEnded} charging ended`);
								if (tick.waypointsReached) parts.push(`${tick.waypointsReached} waypoints reached`);
								if (tick.routesStarted) parts.push(`${tick.routesStarted} routes started`);
								if (tick.routesCompleted) parts.push(`${tick.routesCompleted} routes completed`);
								process.stdout.write(`${parts.join(' · ')}${tick.events.length ? ` — ${tick.events.join('; ')}` : ''}\n`);
							}
							if (maxTicks && tick.tick >= maxTicks) finish?.();
						},
						onError(error) {
							if (error instanceof SimulatorBusyError) {
								fatal = error;
								finish?.();
								return;
							}
							errors++;
							process.stderr.write(`tick failed (will retry): ${(error as Error).message ?? String(error)}\n`);
						},
					});
					await finished;
					for (const signal of signals) process.off(signal, onSignal);
					await simulator.stop();
					if (fatal) throw fatal;
				} finally {
					await sql.end({timeout: 5});
				}
				return errors > 0 && maxTicks ? 1 : 0;
			}}
		/>
	);
}
