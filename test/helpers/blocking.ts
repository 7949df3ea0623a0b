// Ordering transactions in tests without sleeps: a barrier to hold a transaction open, and a wait until the
// server says one backend is blocked by another (pg_blocking_pids), polled with a deadline.
import type {Sql} from '../../source/db/connection.js';

/** A promise to await inside a transaction and the function that lets it go on. */
export function barrier(): {wait: Promise<void>; open(): void} {
	let open!: () => void;
	const wait = new Promise<void>(resolve => (open = resolve));
	return {wait, open};
}

/** The server process id of a one-connection pool (`connect({max: 1})`). */
export async function backendPid(sql: Sql): Promise<number> {
	const [row] = await sql<{pid: number}[]>`select pg_backend_pid() as pid`;
	return row!.pid;
}

/** Resolves once `waiter` waits for a lock `holder` holds; fails after `timeoutMs` (the waiter never blocked). */
export async function waitUntilBlocked(observer: Sql, waiter: number, holder: number, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [row] = await observer<{blocked: boolean}[]>`select ${holder}::int = any(pg_blocking_pids(${waiter}::int)) as blocked`;
		if (row?.blocked) return;
		if (Date.now() > deadline) throw new Error(`backend ${waiter} was not blocked by ${holder} within ${timeoutMs} ms`);
		await observer`select pg_sleep(0.01)`;
	}
}
