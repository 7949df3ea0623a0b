// A throw-away PostgreSQL cluster from the local server binaries: tests and `evfleet demo` run on it.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {EvfleetError} from '../model/errors.js';

export class ClusterError extends EvfleetError {}

const installHint =
	process.platform === 'darwin'
		? 'install them: brew install postgresql postgis'
		: 'install them: apt-get install postgresql postgresql-15-postgis-3';

export type Cluster = {
	url: string;
	host: string;
	port: number;
	user: string;
	socketDir: string;
	dataDir: string;
	/** The folder that holds everything; deleted by stop() unless kept. */
	directory: string;
	/** Stops the server; deletes the directory unless keep was asked for. Safe to call twice. */
	stop(): Promise<void>;
};

export type ClusterOptions = {
	/** Keep the directory after stop (evfleet demo --keep). */
	keep?: boolean;
	/** Reuse or create this directory instead of a fresh temporary one. */
	directory?: string;
	/** Progress lines ("initdb", "starting server"). */
	onProgress?: (message: string) => void;
	/** Server settings; defaults trade durability for speed, as suits a throw-away cluster. */
	settings?: Record<string, string>;
};

function isExecutable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Finds the server binaries: $EVFLEET_PG_BINDIR, pg_config --bindir, /usr/lib/postgresql/<newest>/bin, then PATH. */
export function findServerBinaries(env = process.env): string {
	const candidates: string[] = [];
	if (env['EVFLEET_PG_BINDIR']) candidates.push(env['EVFLEET_PG_BINDIR']);
	try {
		candidates.push(execFileSync('pg_config', ['--bindir'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim());
	} catch {}
	try {
		const versions = fs
			.readdirSync('/usr/lib/postgresql')
			.filter(v => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		candidates.push(...versions.map(v => `/usr/lib/postgresql/${v}/bin`));
	} catch {}
	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
	for (const dir of ['/opt/homebrew/bin', '/usr/local/bin']) candidates.push(dir);
	const found = candidates.find(dir => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres')));
	if (!found) throw new ClusterError('PostgreSQL server binaries (initdb, postgres) not found', installHint);
	return found;
}

/** PostGIS must be installed for the server's version, or the schema cannot load. */
export function checkPostgisInstalled(bindir: string): void {
	let sharedir: string | undefined;
	try {
		sharedir = execFileSync(path.join(bindir, 'pg_config'), ['--sharedir'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		const version = /postgresql\/(\d+)\/bin/.exec(bindir)?.[1];
		if (version) sharedir = `/usr/share/postgresql/${version}`;
	}
	if (sharedir && fs.existsSync(path.join(sharedir, 'extension')) && !fs.existsSync(path.join(sharedir, 'extension', 'postgis.control'))) {
		const version = /postgresql\/(\d+)/.exec(sharedir)?.[1] ?? '15';
		throw new ClusterError(
			`PostGIS is not installed for the PostgreSQL server in ${bindir}`,
			process.platform === 'darwin' ? 'install it: brew install postgis' : `install it: apt-get install postgresql-${version}-postgis-3`,
		);
	}
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

type RunAs = {uid: number; gid: number} | undefined;

/** PostgreSQL refuses to run as root: then the server runs as the `postgres` user. */
function serverUser(): RunAs {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	try {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], {encoding: 'utf8'}).trim());
		return {uid, gid};
	} catch {
		throw new ClusterError('running as root, and there is no "postgres" user to run the server as', 'create one (useradd postgres) or run as a normal user');
	}
}

function chownTree(target: string, runAs: RunAs): void {
	if (!runAs) return;
	fs.chownSync(target, runAs.uid, runAs.gid);
	for (const entry of fs.readdirSync(target, {withFileTypes: true})) {
		const full = path.join(target, entry.name);
		if (entry.isDirectory()) chownTree(full, runAs);
		else fs.chownSync(full, runAs.uid, runAs.gid);
	}
}

/** Is a process with this pid alive? (EPERM: alive, owned by another user.) */
function processAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The process's command name where /proc tells it (Linux); undefined elsewhere. */
function processName(pid: number): string | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return undefined;
	}
}

/** Does a PostgreSQL server accept connections on this Unix socket? */
function socketAnswers(socketPath: string): Promise<boolean> {
	return new Promise(resolve => {
		const socket = net.connect({path: socketPath});
		const done = (answer: boolean) => {
			socket.destroy();
			resolve(answer);
		};
		socket.setTimeout(2000, () => done(false));
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

const ownerFile = 'evfleet-owner.pid';

/** The evfleet process that started the server of this directory, while it runs (not us, not a reused pid). */
function liveOwner(directory: string): number | undefined {
	let pid: number;
	try {
		pid = Number(fs.readFileSync(path.join(directory, ownerFile), 'utf8').split('\n')[0]);
	} catch {
		return undefined;
	}
	if (pid === process.pid || !processAlive(pid)) return undefined;
	const name = processName(pid);
	return name === undefined || /node|evfleet/i.test(name) ? pid : undefined;
}

/** A postgres process: alive, and (where /proc tells) still a postgres, not a reused pid. */
function postgresAlive(pid: number): boolean {
	if (!processAlive(pid)) return false;
	const name = processName(pid);
	return name === undefined || /postgres/.test(name);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (postgresAlive(pid)) {
		if (Date.now() > deadline) return false;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	return true;
}

/**
 * A kept directory may hold the postmaster.pid of a server that died with a crash (kill -9, power loss): the pid
 * is gone, or reused by another program, or the socket does not answer. Then the file is stale and removed, so
 * that neither PostgreSQL nor our readiness check reads it. A live server of this directory whose evfleet is gone
 * (an orphan: its evfleet was killed) is stopped; one whose evfleet still runs is refused.
 */
export async function clearStaleServer(directory: string, dataDir: string, progress: (message: string) => void): Promise<void> {
	const pidFile = path.join(dataDir, 'postmaster.pid');
	let lines: string[];
	try {
		lines = fs.readFileSync(pidFile, 'utf8').split('\n');
	} catch {
		return;
	}
	const pid = Number(lines[0]);
	const alive = postgresAlive(pid);
	const socketPath = path.join(lines[4]?.trim() || directory, `.s.PGSQL.${lines[3]?.trim()}`);
	if (alive && (await socketAnswers(socketPath))) {
		const owner = liveOwner(directory);
		if (owner !== undefined) {
			throw new ClusterError(`another evfleet (pid ${owner}) is running the server of ${directory} (server pid ${pid})`, 'use that demo, stop it first, or choose another --dir');
		}
		progress(`stopping the server a killed evfleet left running (pid ${pid})`);
		try {
			process.kill(pid, 'SIGINT'); // fast shutdown
		} catch {}
		if (!(await waitForExit(pid, 20_000))) {
			try {
				process.kill(pid, 'SIGQUIT');
			} catch {}
			if (!(await waitForExit(pid, 10_000))) throw new ClusterError(`the server left running in ${directory} (pid ${pid}) does not stop`, `stop it: kill ${pid}`);
		}
	} else if (alive) {
		// A postgres that no longer answers: shutting down (its evfleet died). Wait for it rather than start beside it.
		progress(`waiting for the previous server (pid ${pid}) to exit`);
		if (!(await waitForExit(pid, 30_000))) throw new ClusterError(`a server of ${directory} (pid ${pid}) neither answers nor exits`, `stop it: kill ${pid}`);
	}
	if (fs.existsSync(pidFile)) {
		fs.rmSync(pidFile, {force: true});
		progress(`removed a stale postmaster.pid (server pid ${pid} is gone)`);
	}
}

/**
 * A watchdog that stops the server when evfleet dies without cleaning up (SIGKILL, a crash): a shell in its own
 * process group reading a pipe from us. The pipe closes with our process, however it ends; then the shell stops
 * the server (fast shutdown, then immediate) and removes a throw-away directory. stop() kills it first.
 */
function startWatchdog(serverPid: number, removeDirectory: string | undefined): ChildProcess {
	const script = [
		'while read -r _; do :; done',
		'kill -INT "$1" 2>/dev/null',
		'i=0',
		'while kill -0 "$1" 2>/dev/null; do i=$((i+1)); if [ "$i" -eq 100 ]; then kill -QUIT "$1" 2>/dev/null; fi; sleep 0.1; done',
		'if [ -n "$2" ]; then rm -rf "$2"; fi',
	].join('\n');
	const watchdog = spawn('/bin/sh', ['-c', script, 'evfleet-watchdog', String(serverPid), removeDirectory ?? ''], {stdio: ['pipe', 'ignore', 'ignore'], detached: true});
	watchdog.on('error', () => {});
	watchdog.unref();
	(watchdog.stdin as unknown as {unref?: () => void} | null)?.unref?.();
	return watchdog;
}

function readLogTail(logFile: string): string {
	try {
		return fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
	} catch {
		return '';
	}
}

const liveClusters = new Set<() => void>();
let exitHookInstalled = false;

// On any exit path the servers go with us: SIGINT/SIGTERM/SIGHUP stop them and remove their folders.
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const stopNow of liveClusters) stopNow();
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			// Only act when nobody else handles the signal; otherwise the owner decides when to exit.
			if (process.listenerCount(signal) > 1) return;
			process.exit(signal === 'SIGINT' ? 130 : 143);
		});
	}
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
	const progress = options.onProgress ?? (() => {});
	const bindir = findServerBinaries();
	checkPostgisInstalled(bindir);
	const runAs = serverUser();
	const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-pg-'));
	fs.mkdirSync(directory, {recursive: true});
	const dataDir = path.join(directory, 'data');
	const socketDir = directory;
	const logFile = path.join(directory, 'server.log');
	if (runAs) {
		fs.chmodSync(directory, 0o700);
		chownTree(directory, runAs);
	}
	const spawnOptions = runAs ? {uid: runAs.uid, gid: runAs.gid} : {};
	const user = 'postgres';

	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		progress('initdb');
		try {
			execFileSync(path.join(bindir, 'initdb'), ['-D', dataDir, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
				stdio: ['ignore', 'pipe', 'pipe'],
				...spawnOptions,
				env: {...process.env, LC_ALL: 'C'},
			});
		} catch (error) {
			const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim().split('\n').slice(-3).join('\n');
			if (!options.directory) fs.rmSync(directory, {recursive: true, force: true});
			throw new ClusterError(`initdb failed: ${stderr || (error as Error).message}`);
		}
	}

	if (options.directory) await clearStaleServer(directory, dataDir, progress);
	const port = await freePort();
	const settings: Record<string, string> = {
		listen_addresses: '127.0.0.1',
		port: String(port),
		unix_socket_directories: socketDir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '100',
		shared_buffers: '128MB',
		...options.settings,
	};
	const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
	progress('starting server');
	const logFd = fs.openSync(logFile, 'a');
	if (runAs) fs.fchownSync(logFd, runAs.uid, runAs.gid);
	let watchdog: ChildProcess | undefined;
	const child: ChildProcess = spawn(path.join(bindir, 'postgres'), args, {stdio: ['ignore', logFd, logFd], ...spawnOptions});
	fs.closeSync(logFd);
	if (child.pid) {
		fs.writeFileSync(path.join(directory, ownerFile), `${process.pid}\n`);
		watchdog = startWatchdog(child.pid, options.keep ? undefined : directory);
	}
	let exited = false;
	const exitedPromise = new Promise<void>(resolve => child.once('exit', () => {
		exited = true;
		resolve();
	}));

	let stopped = false;
	const removeDirectory = () => {
		if (!options.keep) fs.rmSync(directory, {recursive: true, force: true});
	};
	const stopNow = () => {
		// Synchronous last resort at process exit: immediate shutdown, then remove the folder.
		if (stopped) return;
		stopped = true;
		watchdog?.kill('SIGKILL');
		if (!exited) child.kill('SIGQUIT');
		if (!options.keep) {
			try {
				removeDirectory();
			} catch {}
		}
	};
	liveClusters.add(stopNow);
	installExitHook();

	const stop = async () => {
		if (stopped) return;
		stopped = true;
		liveClusters.delete(stopNow);
		watchdog?.kill('SIGKILL');
		if (!exited) {
			child.kill('SIGINT'); // fast shutdown: roll back, disconnect, exit
			const timer = setTimeout(() => child.kill('SIGQUIT'), 5000);
			await exitedPromise;
			clearTimeout(timer);
		}
		removeDirectory();
	};

	// Ready when postmaster.pid says so (its 8th line), or fail with the end of the server log.
	const pidFile = path.join(dataDir, 'postmaster.pid');
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (exited) {
			const tail = readLogTail(logFile);
			stopped = true;
			liveClusters.delete(stopNow);
			watchdog?.kill('SIGKILL');
			if (!options.directory) fs.rmSync(directory, {recursive: true, force: true});
			throw new ClusterError(`the PostgreSQL server exited while starting${tail ? `:\n${tail}` : ''}`);
		}
		try {
			// Our server's file (its pid on the first line), never one a crashed server left behind.
			const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
			if (lines[0]?.trim() === String(child.pid) && lines[7]?.trim() === 'ready') break;
		} catch {}
		if (Date.now() > deadline) {
			await stop();
			throw new ClusterError('the PostgreSQL server did not become ready within 30 s');
		}
		await new Promise(resolve => setTimeout(resolve, 25));
	}
	progress('server ready');
	return {
		url: `postgres://${user}@127.0.0.1:${port}/postgres`,
		host: '127.0.0.1',
		port,
		user,
		socketDir,
		dataDir,
		directory,
		stop,
	};
}
