// The interactive console: connects read-only (scoped with --org / :org), builds the data sources and runs
// the shell on the alternate screen. `evfleet` with no command renders this; so does the demo.
import React, {useEffect, useRef, useState} from 'react';
import {useApp} from 'ink';
import {Text} from '../components/Styled.js';
import type {Sql} from 'postgres';
import {describeAddress, describeTarget, type ConnectionTarget} from '../db/connection.js';
import {createConsoleData} from './console-sources.js';
import {serverInfo} from '../db/queries/server.js';
import {createSql} from '../db/connection.js';
import {createActivitySource} from '../db/queries/activity.js';
import {browseScopeWith, openBrowse, scopedHandle} from '../db/scope.js';
import {exitCodeFor} from '../model/errors.js';
import {formatErrorForTerminal} from '../text/sanitize.js';
import {shortServerVersion} from '../text/formats.js';
import {leaveAlternateScreen, useAlternateScreen} from './alternate-screen.js';
import {markInterrupted, useInterrupt} from './interrupt.js';
import {consoleKeyUses, Shell, type SessionInfo} from './Shell.js';
import {parseKeymap} from './keymap.js';
import {openProfileStore} from '../db/profiles.js';
import {findView, type ConsoleData, type ViewDefinition} from './views.js';

export type ConsoleProps = {
	readonly target: ConnectionTarget;
	/** Organization slug or id: everything is scoped to it through row-level security. */
	readonly org?: string;
	/** The first view, e.g. "vehicles" or "vehicle WVW…" (default: organizations, or fleets when scoped). */
	readonly initialView?: string;
	readonly debug?: boolean;
	/** No maintenance actions at all (k9s --readonly): for support staff and shared screens. */
	readonly readOnly?: boolean;
	/** Views to use instead of the default registry (e.g. `evfleet watch` opens a live view with its options). */
	readonly registry?: readonly ViewDefinition[];
	/** A line shown in the console's message line at start (the demo's URL with --print-url). */
	readonly notice?: string;
	/** The config file's keymap (default: read from the config file). */
	readonly keymapConfig?: unknown;
	/** How long a browse or live query may run before the server cancels it (--statement-timeout; 0 = no limit). */
	readonly statementTimeoutMs?: number;
};

type Connected = {sql: Sql; data: ConsoleData; org?: string; close(): Promise<void>};

// Each query runs in a read-only transaction with jit off and the organization SET LOCAL (db/scope.ts): the
// console runs short queries every few seconds (live views), where JIT compiling costs more than it saves
// (measured: 0.8 s of JIT for a 90 ms live-routes query on the large seed).
const poolOptions = {max: 4, onNotice: () => {}};

async function open(target: ConnectionTarget, org: string | undefined, readOnly: boolean, statementTimeoutMs: number | undefined): Promise<Connected> {
	const browse = await openBrowse(target, org, {...poolOptions, statementTimeoutMs});
	// With a replica (--read-url), the maintenance view reads the primary it acts on.
	const primary = target.read ? await openBrowse({...target, read: undefined}, org, {...poolOptions, max: 2, statementTimeoutMs}).catch(async error => {
		await browse.sql.end({timeout: 1});
		throw error;
	}) : undefined;
	// Activity reads the primary (where cancel and terminate act), unscoped (it is not tenant data, and a scoped role
	// would see other roles' queries hidden), on a pool of one: a refresh stuck on a lock holds one backend, no more.
	// createSql connects on the first query: a console that never opens :activity never holds it.
	const activitySql = scopedHandle(createSql({...target, read: undefined}, {readOnly: true, max: 1, onNotice: () => {}}), browseScopeWith(statementTimeoutMs));
	const close = async () => {
		await Promise.all([browse.sql.end({timeout: 1}), primary?.sql.end({timeout: 1}), activitySql.end({timeout: 1})]);
	};
	const data = {...createConsoleData(browse.sql, target, {readOnly, ...(primary ? {primary: primary.sql} : {}), ...(browse.organization ? {organizationId: browse.organization.id} : {})}), activity: createActivitySource(activitySql)};
	return {sql: browse.sql, data, close, ...(browse.organization ? {org: browse.organization.slug} : {})};
}

/** "db:5432/fleet", and "· reads replica:5433" when browsing goes to a replica. */
function sessionLocation(target: ConnectionTarget): string {
	const primary = `${target.host.startsWith('/') ? 'socket' : target.host}:${target.port}/${target.database}`;
	return target.read ? `${primary} · reads ${describeAddress(target.read)}` : primary;
}

export default function Console({target, org, initialView, debug = false, readOnly: readOnlyOption = false, registry, keymapConfig, notice, statementTimeoutMs}: ConsoleProps) {
	const {exit} = useApp();
	// A profile saved with --readonly turns actions off as the option does.
	const readOnly = readOnlyOption || target.readonly === true;
	// The keymap is checked before anything connects: a conflict is a usage error (exit 2) naming both keys.
	const [keymap] = useState(() => {
		try {
			return parseKeymap(keymapConfig === undefined ? openProfileStore().keymap() : keymapConfig, consoleKeyUses(registry), 'keymap in the config file');
		} catch (error) {
			return error as Error;
		}
	});
	useAlternateScreen(true, process.stdout, () => exit());
	const [connected, setConnected] = useState<Connected | undefined>(undefined);
	const [version, setVersion] = useState<string | undefined>(undefined);
	const current = useRef<Connected | undefined>(undefined);
	// Ctrl-C: exit 130. Ink unmounts the console itself (the pool ends in the effect below, the terminal is
	// given back, a running maintenance action is cancelled on the server by its own cleanup).
	useInterrupt(inkExits => {
		markInterrupted();
		if (!inkExits) exit();
	});

	const fail = (error: unknown) => {
		leaveAlternateScreen();
		process.stderr.write(`${formatErrorForTerminal(error, {debug})}\n`);
		process.exitCode = exitCodeFor(error);
		exit();
	};

	useEffect(() => {
		if (keymap instanceof Error) return fail(keymap);
		let cancelled = false;
		open(target, org, readOnly, statementTimeoutMs).then(
			async opened => {
				if (cancelled) return void opened.close();
				current.current = opened;
				setConnected(opened);
				serverInfo(opened.sql).then(
					info => setVersion(shortServerVersion(info.version)),
					() => {},
				);
			},
			error => !cancelled && fail(error),
		);
		return () => {
			cancelled = true;
			void current.current?.close();
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- one connection per console: opened once on mount
	}, []);

	if (keymap instanceof Error) return null;
	if (!connected) return <Text dimColor>connecting to {describeTarget(target)} …</Text>;

	const [viewName = org ? 'fleets' : 'orgs', ...rest] = (initialView ?? '').trim().split(/\s+/).filter(Boolean);
	const session: SessionInfo = {location: sessionLocation(target), user: target.user, version, readOnly: true, actionsOff: readOnly};
	return (
		<Shell
			data={connected.data}
			session={session}
			org={connected.org}
			initialView={findView(viewName, registry) ? viewName : 'orgs'}
			registry={registry}
			keymap={keymap}
			notice={notice}
			initialArg={rest.join(' ') || undefined}
			onOrgChange={async next => {
				const opened = await open(target, next, readOnly, statementTimeoutMs);
				const previous = current.current;
				current.current = opened;
				setConnected(opened);
				await previous?.close();
			}}
			onQuit={() => {
				void current.current?.close();
				exit();
			}}
		/>
	);
}
