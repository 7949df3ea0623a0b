// What every `evfleet maint <action>` command renders: --dry-run prints the plan; --yes without a terminal
// runs headless; on a terminal the plan → confirm → progress → outcome flow. Without --yes and without a
// terminal it refuses (exit 2) instead of waiting for an answer nobody can give.
// Kept light (Pastel imports every command at startup): the database and screen modules load lazily.
import React, {useEffect, useState, type ReactElement} from 'react';
import {Box, Text, useApp, useStdout} from 'ink';
import Task from './Task.js';
import type {ConnectionOptions} from './options.js';
import {parseTimeout} from '../text/parse.js';
import {isInteractive} from '../text/terminal.js';
import type {MaintenanceRequest} from '../db/maintenance/service.js';

export type ActionCommandOptions = ConnectionOptions & {yes: boolean; dryRun: boolean; lockTimeout: string; statementTimeout: string};

type Parsed = {request: MaintenanceRequest; lockTimeoutMs: number; statementTimeoutMs: number};

function parse(options: ActionCommandOptions, request: () => MaintenanceRequest): Parsed {
	return {
		request: request(),
		lockTimeoutMs: parseTimeout(options.lockTimeout, '--lock-timeout'),
		statementTimeoutMs: parseTimeout(options.statementTimeout, '--statement-timeout'),
	};
}

function Interactive({options, parsed}: {readonly options: ActionCommandOptions; readonly parsed: Parsed}) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const [view, setView] = useState<ReactElement | null>(null);
	const [lines, setLines] = useState<{text: string[]; error: boolean} | null>(null);
	useEffect(() => {
		let closed = false;
		let close: () => Promise<void> = async () => {};
		const done = (text: string[], exitCode: number) => {
			process.exitCode = exitCode;
			setView(null);
			setLines({text, error: exitCode !== 0});
			void close().finally(() => setTimeout(() => exit(), 0));
		};
		(async () => {
			const [{connect, resolveTarget}, {createMaintenanceData}, {MaintenanceAction}] = await Promise.all([import('../db/connection.js'), import('../db/maintenance/data.js'), import('../screens/MaintenanceAction.js')]);
			const target = resolveTarget(options);
			const sql = await connect(target, {readOnly: true, max: 1});
			close = () => sql.end({timeout: 5});
			if (closed) return close();
			const data = createMaintenanceData(target, sql, parsed);
			const width = Math.min(stdout.columns || 80, 100);
			const height = Math.max(12, (stdout.rows || 24) - 1);
			setView(<MaintenanceAction data={data} request={parsed.request} yes={options.yes} width={width} height={height} onFinish={outcome => done(outcome.lines, outcome.exitCode)} />);
		})().catch(error => {
			const e = error as {message?: string; hint?: string; exitCode?: number};
			done([`evfleet: ${e.message ?? String(error)}`, ...(e.hint ? [`  ${e.hint}`] : [])], typeof e.exitCode === 'number' ? e.exitCode : 1);
		});
		return () => {
			closed = true;
			void close();
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- one action per mount: the request is fixed for the command
	}, []);
	if (lines) {
		return (
			<Box flexDirection="column">
				{lines.text.map((line, i) => (
					<Text key={`${i}${line}`} wrap="wrap">
						{line}
					</Text>
				))}
			</Box>
		);
	}
	return view;
}

export function MaintenanceCommand({options, request}: {readonly options: ActionCommandOptions; readonly request: () => MaintenanceRequest}) {
	let parsed: Parsed;
	try {
		parsed = parse(options, request);
	} catch (error) {
		return <Task debug={options.debug} run={async () => Promise.reject(error)} />;
	}
	if (options.dryRun) {
		return <Task debug={options.debug} run={async () => (await import('./maintenance-headless.js')).dryRun(parsed.request, {...options, ...parsed})} />;
	}
	if (!isInteractive()) {
		if (!options.yes) {
			return <Task debug={options.debug} run={async () => (await import('./maintenance-headless.js')).refuseWithoutTerminal(parsed.request, {...options, ...parsed})} />;
		}
		return <Task debug={options.debug} run={async () => (await import('./maintenance-headless.js')).runWithoutTerminal(parsed.request, {...options, ...parsed})} />;
	}
	return <Interactive options={options} parsed={parsed} />;
}
