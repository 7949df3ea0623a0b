// Connections to the Citus coordinator and to the single server of test/citus/global-setup.ts, and tenant scoping
// the way Citus carries it to its workers: SET LOCAL inside a transaction.
import {inject} from 'vitest';
import {createSql, parseConnectionUrl, type ConnectOptions, type Sql} from '../../source/db/connection.js';

export type Server = 'citus' | 'single';

export function serverUrl(server: Server, user?: string): string {
	const url = new URL(inject(server === 'citus' ? 'citusUrl' : 'singleUrl'));
	if (user) url.username = user;
	return url.toString();
}

export function connectTo(server: Server, options: ConnectOptions & {user?: string} = {}): Sql {
	return createSql(parseConnectionUrl(serverUrl(server, options.user), `${server} test`), {max: 1, ...options});
}

/** Runs work in a transaction that sees only organizationId: SET LOCAL, which Citus propagates to the workers. */
export async function asTenant<T>(sql: Sql, organizationId: string, work: (sql: Sql) => Promise<T>): Promise<T> {
	return (await sql.begin(async tx => {
		await tx.unsafe(`set local app.current_org_id = '${organizationId.replace(/[^0-9a-f-]/gi, '')}'`);
		return work(tx as unknown as Sql);
	})) as T;
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
