// Connections that give up: a host that accepts and never answers, a port that is not PostgreSQL, a missing
// database, a database without the schema. Each ends with one or two lines and exit 1, after a handful of
// connection attempts at most (never a reconnect loop).
import net from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createSql, parseConnectionUrl, reconnectDelayMs} from '../../source/db/connection.js';
import {runCli} from '../helpers/cli.js';
import {createEmptyDatabase, type TestDatabase} from '../helpers/db.js';
import {runCliInPty} from '../helpers/pty.js';

type FakeServer = {port: number; attempts(): number; close(): Promise<void>};

/** A TCP listener that does `onConnection` with each client and counts them. */
async function fakeServer(onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
	let attempts = 0;
	const sockets = new Set<net.Socket>();
	const server = net.createServer(socket => {
		attempts++;
		sockets.add(socket);
		socket.on('error', () => {});
		socket.on('close', () => sockets.delete(socket));
		onConnection(socket);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	return {
		port,
		attempts: () => attempts,
		close: () =>
			new Promise<void>(resolve => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

const silent = () => fakeServer(() => {}); // accepts, never says a word
const http = () => fakeServer(socket => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
const chatter = () => fakeServer(socket => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')); // answers garbage, keeps the socket open

let servers: FakeServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});
async function serve(make: () => Promise<FakeServer>): Promise<FakeServer> {
	const server = await make();
	servers.push(server);
	return server;
}

describe('a host that accepts and never answers', () => {
	it('gives up after connect_timeout from the URL with a clear message and exit 1', async () => {
		const server = await serve(silent);
		const result = await runCli(['orgs', '--url', `postgres://ops@127.0.0.1:${server.port}/fleet?connect_timeout=2`]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+: no answer within 2 s/);
		expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
		expect(server.attempts()).toBeLessThanOrEqual(2);
	});

	it('honours PGCONNECT_TIMEOUT', async () => {
		const server = await serve(silent);
		const result = await runCli(['vehicles', '--url', `postgres://ops@127.0.0.1:${server.port}/fleet`], {env: {PGCONNECT_TIMEOUT: '3'}});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/no answer within 3 s/);
	});

	it('gives up in the simulator too', async () => {
		const server = await serve(silent);
		const result = await runCli(['simulate', '--ticks', '1', '--url', `postgres://ops@127.0.0.1:${server.port}/fleet?connect_timeout=2`]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/no answer within 2 s/);
	});
});

describe('a port that answers something other than PostgreSQL', () => {
	it('says so after one attempt (an HTTP server that closes)', async () => {
		const server = await serve(http);
		const result = await runCli(['orgs', '--url', `postgres://ops@127.0.0.1:${server.port}/fleet`]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/127\.0\.0\.1:\d+ is not a PostgreSQL server \(it answered "HTTP\/1\.1 400 Bad Request"\)/);
		expect(result.stderr.trim().split('\n').length).toBe(2);
		expect(server.attempts()).toBe(1);
	});

	it('says so after one attempt (a server that keeps talking garbage)', async () => {
		const server = await serve(chatter);
		const result = await runCli(['watch', 'vehicles', '--once', '--url', `postgres://ops@127.0.0.1:${server.port}/fleet`]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/is not a PostgreSQL server \(it answered "SSH-2\.0-OpenSSH/);
		expect(server.attempts()).toBe(1);
	});

	it('a pool makes one attempt per query, waiting longer after each failure, never a loop', async () => {
		const server = await serve(http);
		const sql = createSql(parseConnectionUrl(`postgres://ops@127.0.0.1:${server.port}/fleet`, 'test'), {max: 1});
		try {
			for (let query = 1; query <= 3; query++) {
				await expect(sql`select 1`).rejects.toMatchObject({code: 'EVFLEET_NOT_POSTGRES'});
				expect(server.attempts()).toBe(query);
			}
		} finally {
			await sql.end({timeout: 0});
		}
		expect([1, 2, 3, 4, 5, 6, 7].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
	});
});

describe('a database that is not there or not ready', () => {
	let empty: TestDatabase;
	beforeAll(async () => {
		empty = await createEmptyDatabase();
	});
	afterAll(async () => {
		await empty?.close();
	});

	it('a missing database: says which, and what to do', async () => {
		const url = new URL(empty.url);
		url.pathname = '/evfleet_no_such_database';
		const result = await runCli(['orgs', '--url', url.toString()]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/database "evfleet_no_such_database" does not exist/);
		expect(result.stderr).toMatch(/evfleet db migrate/);
	});

	for (const args of [['orgs'], ['vehicles', '--json'], ['simulate', '--ticks', '1'], ['watch', 'charging', '--once']]) {
		it(`a database without the schema: ${args[0]} says to run evfleet db migrate`, async () => {
			const result = await runCli([...args, '--url', empty.url]);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/has no evfleet schema/);
			expect(result.stderr).toMatch(/evfleet db migrate --url/);
			expect(result.stderr.trim().split('\n').length).toBe(2);
		});
	}

	it('a database without the schema: the console says to run evfleet db migrate', async () => {
		const run = runCliInPty(['--url', empty.url]);
		try {
			expect(await run.exited).toBe(1);
			expect(run.output()).toMatch(/has no evfleet schema/);
			expect(run.output()).toMatch(/evfleet db migrate/);
		} finally {
			run.kill();
		}
	});
});
