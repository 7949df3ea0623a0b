// Connections to the Citus coordinator and to the single server of test/citus/global-setup.ts, and tenant scoping
// the way the console sets it (db/scope.ts), which is the way Citus carries it to its workers: SET LOCAL inside a transaction.
import {inject} from 'vitest';
import {createSql, parseConnectionUrl, type ConnectOptions, type Sql} from '../../source/db/connection.js';
import {browseScope, organizationScope, scopedHandle, type TransactionScope} from '../../source/db/scope.js';

export type Server = 'citus' | 'single';

export function serverUrl(server: Server, user?: string): string {
	const url = new URL(inject(server === 'citus' ? 'citusUrl' : 'singleUrl'));
	if (user) url.username = user;
	return url.toString();
}

export function connectTo(server: Server, options: ConnectOptions & {user?: string} = {}): Sql {
	return createSql(parseConnectionUrl(serverUrl(server, options.user), `${server} test`), {max: 1, ...options});
}

/**
 * The console's handle on organizationId (db/scope.ts, as `evfleet console --org` opens it): every query its own
 * transaction that starts with SET LOCAL citus.propagate_set_commands = 'local'; SET LOCAL app.current_org_id = ...
 * `base`: the console's browse scope (read-only, jit off) unless a test writes.
 */
export async function consoleHandle(pool: Sql, organizationId: string, base: TransactionScope = browseScope): Promise<Sql> {
	return scopedHandle(pool, await organizationScope(scopedHandle(pool, base), organizationId, base));
}

/** Runs work in one transaction of the console's handle on organizationId (the organization set as the console sets it). */
export async function asTenant<T>(sql: Sql, organizationId: string, work: (sql: Sql) => Promise<T>, base: TransactionScope = browseScope): Promise<T> {
	const handle = await consoleHandle(sql, organizationId, base);
	return (await handle.begin(tx => work(tx as unknown as Sql))) as T;
}

/** A statement postgres.js ran: its text and parameters, as sent. */
export type SentStatement = {text: string; parameters: unknown[]};

/**
 * sql, recording every statement run through it (tagged templates; fragments are not statements). For EXPLAIN of
 * exactly what a query module sent.
 */
export function recording(sql: Sql): {sql: Sql; sent: () => SentStatement[]} {
	const queries: Array<{string?: string; parameters?: unknown[]}> = [];
	const proxy = new Proxy(sql, {
		apply(target, thisArg, args) {
			const query = Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args) as {string?: string; parameters?: unknown[]};
			if (query && typeof query === 'object') queries.push(query);
			return query;
		},
	});
	return {
		sql: proxy,
		sent: () => queries.filter(q => typeof q.string === 'string').map(q => ({text: q.string!, parameters: q.parameters ?? []})),
	};
}

/**
 * pool, recording every statement run in its transactions: what a scoped handle (db/scope.ts, each query its own
 * transaction, on a reserved connection or in begin()) actually sent, for EXPLAIN.
 */
export function recordingTransactions(pool: Sql): {sql: Sql; sent: () => SentStatement[]} {
	const recorded: Array<() => SentStatement[]> = [];
	const proxy = new Proxy(pool, {
		get(target, property, receiver) {
			if (property === 'reserve') {
				return async () => {
					const reserved = await (target as unknown as {reserve(): Promise<Sql & {release(): void}>}).reserve();
					const recorder = recording(reserved);
					recorded.push(recorder.sent);
					return recorder.sql; // release() and the rest read through to the reserved connection
				};
			}
			if (property !== 'begin') return Reflect.get(target, property, receiver);
			return (...args: unknown[]) => {
				const work = args.at(-1) as (tx: Sql) => unknown;
				const wrapped = (tx: Sql) => {
					const recorder = recording(tx);
					recorded.push(recorder.sent);
					return work(recorder.sql);
				};
				return (target.begin as unknown as (...a: unknown[]) => unknown)(...args.slice(0, -1), wrapped);
			};
		},
	});
	return {sql: proxy, sent: () => recorded.flatMap(sent => sent())};
}
