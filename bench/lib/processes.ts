// Whole-process timings, and the console driven under a pseudo-terminal (util-linux `script`), with its memory sampled from /proc.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';

export type ProcessRun = {ms: number; code: number | null; stdout: string; stderr: string};

/** Wall time from spawn to exit, output collected. */
export function timeProcess(command: string, args: string[], {env = process.env, timeoutMs = 60_000}: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<ProcessRun> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', code => {
			clearTimeout(timer);
			resolve({ms: performance.now() - started, code, stdout, stderr});
		});
	});
}

export function commandExists(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

/** Quotes for `sh -c`. */
export function shellQuote(words: string[]): string {
	return words.map(word => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}

// eslint-disable-next-line no-control-regex -- stripping terminal escape sequences from a captured screen
const ansi = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[()][\dA-Za-z]|[=>78cDEHM])/g;

export function visibleText(output: string): string {
	return output.replace(ansi, '').replace(/[\r\n\t ]+/g, ' ').trim();
}

export type PtySession = {
	/** Milliseconds from spawn to the first output with visible text (the first frame). */
	firstFrame: Promise<number>;
	output(): string;
	/** Output received since the given offset (to wait for a frame showing something). */
	waitFor(predicate: (text: string) => boolean, timeoutMs?: number): Promise<void>;
	write(keys: string): void;
	/** The node process running inside the pty (not `script` itself), once it exists. */
	pid(): number | undefined;
	stop(): Promise<void>;
};

function childrenOf(pid: number): number[] {
	try {
		return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

function commandName(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return '';
	}
}

/** The first `node` process below pid (script → [sh →] node). */
export function findNodeDescendant(pid: number): number | undefined {
	const queue = [pid];
	while (queue.length > 0) {
		const current = queue.shift()!;
		for (const child of childrenOf(current)) {
			if (commandName(child).startsWith('node')) return child;
			queue.push(child);
		}
	}
	return undefined;
}

/** Resident set size (VmRSS) and its peak (VmHWM) in MB, from /proc. */
export function memoryOf(pid: number): {rssMb: number; peakMb: number} | undefined {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
		return {rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024};
	} catch {
		return undefined;
	}
}

/** Runs argv in an 80x24 pseudo-terminal (`script -q`), as a person in an SSH session would. */
export function startInPty(argv: string[], {env = process.env, columns = 80, rows = 24}: {env?: NodeJS.ProcessEnv; columns?: number; rows?: number} = {}): PtySession {
	const inner = `stty cols ${columns} rows ${rows} 2>/dev/null; exec ${shellQuote(argv)}`;
	const started = performance.now();
	// Its own process group, so stop() ends script, the shell and the console together (and nothing else).
	const child = spawn('script', ['-qfec', inner, '/dev/null'], {env: {...env, TERM: env.TERM && env.TERM !== 'dumb' ? env.TERM : 'xterm-256color'}, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
	let output = '';
	let resolveFirst: (ms: number) => void;
	let rejectFirst: (error: Error) => void;
	const firstFrame = new Promise<number>((resolve, reject) => {
		resolveFirst = resolve;
		rejectFirst = reject;
	});
	firstFrame.catch(() => undefined);
	let seen = false;
	const waiters = new Set<() => void>();
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
		if (!seen && visibleText(output).length > 0) {
			seen = true;
			resolveFirst(performance.now() - started);
		}
		for (const waiter of waiters) waiter();
	});
	child.stderr.resume();
	let exited = false;
	const exit = new Promise<void>(resolve => child.on('close', () => {
		exited = true;
		if (!seen) rejectFirst(new Error(`exited without drawing anything: ${visibleText(output).slice(0, 200)}`));
		for (const waiter of waiters) waiter();
		resolve();
	}));
	let nodePid: number | undefined;
	return {
		firstFrame,
		output: () => output,
		waitFor(predicate, timeoutMs = 15_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (predicate(visibleText(output))) {
						cleanup();
						resolve();
					} else if (exited) {
						cleanup();
						reject(new Error(`console exited: ${visibleText(output).slice(-300)}`));
					}
				};
				const timer = setTimeout(() => {
					cleanup();
					reject(new Error(`timed out waiting for the console; last screen: ${visibleText(output).slice(-300)}`));
				}, timeoutMs);
				const cleanup = () => {
					clearTimeout(timer);
					waiters.delete(check);
				};
				waiters.add(check);
				check();
			});
		},
		write(keys) {
			if (!exited) child.stdin.write(keys);
		},
		pid() {
			nodePid ??= child.pid === undefined ? undefined : findNodeDescendant(child.pid);
			return nodePid;
		},
		async stop() {
			if (!exited && child.pid !== undefined) {
				try {
					process.kill(-child.pid, 'SIGTERM');
				} catch {
					// already gone
				}
				const timer = setTimeout(() => {
					try {
						process.kill(-child.pid!, 'SIGKILL');
					} catch {
						// already gone
					}
				}, 3000);
				await exit;
				clearTimeout(timer);
			}
		},
	};
}
