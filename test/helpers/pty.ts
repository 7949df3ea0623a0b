// The CLI in a real pseudo-terminal (util-linux `script`, 80x24 by default), for what only a terminal shows:
// raw-mode keys (Ctrl-C), the alternate screen, escape sequences. Gives the raw output and the command's exit status.
import {spawn} from 'node:child_process';
import {shellQuote, visibleText} from '../../bench/lib/processes.js';
import {cliCommand, cliEnv} from './cli.js';

export type PtyRun = {
	/** Everything written to the terminal so far, escape sequences included. */
	output(): string;
	write(keys: string): void;
	/** Resolves when the visible text (escapes removed) satisfies the predicate; rejects if the command exits first. */
	waitFor(predicate: (text: string) => boolean, timeoutMs?: number): Promise<void>;
	/** The command's exit status (script -e passes it through). */
	exited: Promise<number | null>;
	kill(): void;
};

export function runCliInPty(
	args: readonly string[],
	{env = {}, columns = 80, rows = 24, bin}: {env?: Record<string, string | undefined>; columns?: number; rows?: number; /** Run this launcher (a built bin/evfleet.js) instead of the test default. */ bin?: string} = {},
): PtyRun {
	const [command, argv] = bin ? [process.execPath, [bin, ...args]] : cliCommand(args);
	const inner = `stty cols ${columns} rows ${rows} 2>/dev/null; exec ${shellQuote([command, ...argv])}`;
	const child = spawn('script', ['-qfec', inner, '/dev/null'], {
		// A person's terminal: no CI variables (under CI, chalk draws no styles at all, even with CI=false); `env` over cliEnv(undefined).
		env: {...process.env, CI: undefined, CONTINUOUS_INTEGRATION: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color', ...cliEnv(undefined, env)},
		stdio: ['pipe', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	let done = false;
	const listeners = new Set<() => void>();
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
		for (const listener of listeners) listener();
	});
	child.stderr.resume();
	const exited = new Promise<number | null>(resolve => {
		child.on('close', code => {
			done = true;
			for (const listener of listeners) listener();
			resolve(code);
		});
	});
	return {
		output: () => output,
		exited,
		write(keys) {
			if (!done) child.stdin.write(keys);
		},
		waitFor(predicate, timeoutMs = 30_000) {
			return new Promise((resolve, reject) => {
				const finish = (error?: Error) => {
					clearTimeout(timer);
					listeners.delete(check);
					if (error) reject(error);
					else resolve();
				};
				const check = () => {
					if (predicate(visibleText(output))) finish();
					else if (done) finish(new Error(`exited before the screen showed it: ${visibleText(output).slice(-400)}`));
				};
				const timer = setTimeout(() => finish(new Error(`timed out; last screen: ${visibleText(output).slice(-400)}`)), timeoutMs);
				listeners.add(check);
				check();
			});
		},
		kill() {
			if (done || child.pid === undefined) return;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {}
		},
	};
}
