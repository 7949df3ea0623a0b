// Real scale-out pieces for tests: a PgBouncer in transaction pooling and a streaming replica of the test server.
// Both run as the `postgres` user when the tests run as root (neither runs as root), on loopback, and are
// stopped by the returned stop(). When one cannot be started the test fails, saying why (never skipped).
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {inject} from 'vitest';
import {findServerBinaries, freePort, startCluster} from '../../source/demo/cluster.js';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';

type RunAs = {uid: number; gid: number} | undefined;

function runAs(): RunAs {
	if (process.getuid?.() !== 0) return undefined;
	return {uid: Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).trim()), gid: Number(execFileSync('id', ['-g', 'postgres'], {encoding: 'utf8'}).trim())};
}

function privateDirectory(prefix: string, owner: RunAs): string {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	if (owner) fs.chownSync(directory, owner.uid, owner.gid);
	return directory;
}

function findPgbouncer(): string {
	for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer', '/opt/homebrew/bin/pgbouncer']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	throw new Error('pgbouncer is not installed (apt-get install pgbouncer); the pooler tests need it');
}

async function waitForPort(port: number, child: ChildProcess, logFile: string, what: string): Promise<void> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${what} exited while starting: ${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : ''}`);
		const open = await new Promise<boolean>(resolve => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => (socket.destroy(), resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within 15 s`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

export type Pooler = {
	port: number;
	/** `url` (a URL of the test server) with host and port changed to the pooler's. */
	through(url: string, extra?: Record<string, string>): string;
	stop(): Promise<void>;
};

/**
 * A PgBouncer in transaction pooling in front of the test server (inject('adminUrl')). default_pool_size 1:
 * every client of one database and user shares ONE server connection, the hardest case for session state.
 */
export async function startPgbouncer({poolSize = 1, extraUsers = []}: {poolSize?: number; extraUsers?: string[]} = {}): Promise<Pooler> {
	const binary = findPgbouncer();
	const server = new URL(inject('adminUrl'));
	const owner = runAs();
	const directory = privateDirectory('evfleet-pgbouncer-', owner);
	const port = await freePort();
	const user = decodeURIComponent(server.username) || 'postgres';
	// Clients authenticate to PgBouncer by trust (loopback only), but PgBouncer still wants each user listed;
	// it logs in to the server as that user, with the password from the list when the test server has one.
	const password = decodeURIComponent(server.password);
	const users = [user, ...extraUsers];
	fs.writeFileSync(path.join(directory, 'userlist.txt'), users.map(name => `"${name}" "${name === user ? password : ''}"\n`).join(''));
	const ini = [
		'[databases]',
		`* = host=${server.hostname.replace(/^\[(.*)\]$/, '$1')} port=${server.port || 5432}`,
		'[pgbouncer]',
		'listen_addr = 127.0.0.1',
		`listen_port = ${port}`,
		'unix_socket_dir =',
		'auth_type = trust',
		`auth_file = ${path.join(directory, 'userlist.txt')}`,
		'pool_mode = transaction',
		`default_pool_size = ${poolSize}`,
		'min_pool_size = 0',
		'reserve_pool_size = 0',
		'max_client_conn = 500',
		'server_lifetime = 3600',
		'server_idle_timeout = 60',
		`logfile = ${path.join(directory, 'pgbouncer.log')}`,
		`pidfile = ${path.join(directory, 'pgbouncer.pid')}`,
		`admin_users = ${user}`,
		'',
	].join('\n');
	fs.writeFileSync(path.join(directory, 'pgbouncer.ini'), ini);
	if (owner) for (const file of fs.readdirSync(directory)) fs.chownSync(path.join(directory, file), owner.uid, owner.gid);
	const child = spawn(binary, [path.join(directory, 'pgbouncer.ini')], {stdio: 'ignore', ...(owner ?? {})});
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	try {
		await waitForPort(port, child, path.join(directory, 'pgbouncer.log'), 'pgbouncer');
	} catch (error) {
		child.kill('SIGKILL');
		fs.rmSync(directory, {recursive: true, force: true});
		throw error;
	}
	return {
		port,
		through(url, extra = {}) {
			const parsed = new URL(url);
			parsed.hostname = '127.0.0.1';
			parsed.port = String(port);
			for (const [key, value] of Object.entries(extra)) parsed.searchParams.set(key, value);
			return parsed.toString();
		},
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGINT');
				await exited;
			}
			fs.rmSync(directory, {recursive: true, force: true});
		},
	};
}

export type Replica = {
	url: string;
	/** `url` (a URL of the test server) with host and port changed to the replica's. */
	through(url: string): string;
	/** Waits (polling, with a deadline) until the replica has replayed everything the primary has written so far. */
	caughtUp(): Promise<void>;
	stop(): Promise<void>;
};

/** A hot standby of the test server: pg_basebackup -R (as postgres when root), then a server on its own port. */
export async function startReplica(): Promise<Replica> {
	const primaryUrl = new URL(inject('adminUrl'));
	const bindir = findServerBinaries();
	const owner = runAs();
	const directory = privateDirectory('evfleet-replica-', owner);
	const dataDir = path.join(directory, 'data');
	try {
		execFileSync(
			path.join(bindir, 'pg_basebackup'),
			['-h', primaryUrl.hostname, '-p', primaryUrl.port || '5432', '-U', decodeURIComponent(primaryUrl.username) || 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
			{stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}), env: {...process.env, PGPASSWORD: decodeURIComponent(primaryUrl.password) || process.env['PGPASSWORD'] || ''}},
		);
	} catch (error) {
		fs.rmSync(directory, {recursive: true, force: true});
		throw new Error(`pg_basebackup from ${primaryUrl.host} failed: ${(error as {stderr?: Buffer}).stderr?.toString().trim() ?? (error as Error).message}`, {cause: error});
	}
	// The standby's max_connections (and friends) must not be below the primary's: startCluster's defaults match.
	const cluster = await startCluster({directory, settings: {hot_standby: 'on'}});
	const url = new URL(cluster.url);
	const through = (other: string) => {
		const parsed = new URL(other);
		parsed.hostname = url.hostname;
		parsed.port = url.port;
		return parsed.toString();
	};
	const primary = createSql(parseConnectionUrl(primaryUrl.toString(), 'primary'), {max: 1});
	const standby = createSql(parseConnectionUrl(cluster.url, 'replica'), {max: 1});
	return {
		url: cluster.url,
		through,
		async caughtUp() {
			// the insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit off a commit
			// can be inserted and not yet written, and the replica would count as caught up without it
			const [{lsn} = {lsn: ''}] = await primary<{lsn: string}[]>`select pg_current_wal_insert_lsn()::text as lsn`;
			const deadline = Date.now() + 30_000;
			for (;;) {
				const [row] = await standby<{done: boolean}[]>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`;
				if (row?.done) return;
				if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} within 30 s`);
				await new Promise(resolve => setTimeout(resolve, 50));
			}
		},
		async stop() {
			await Promise.all([primary.end({timeout: 1}), standby.end({timeout: 1})]);
			await cluster.stop();
		},
	};
}
