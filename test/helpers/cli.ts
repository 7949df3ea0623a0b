// Runs the evfleet CLI as a person would: a real process, stdin not a terminal. CI tests the shipped
// build (bin/evfleet.js, built just before the tests); elsewhere the source runs through tsx, never a stale dist/.
import {spawn} from 'node:child_process';
import path from 'node:path';

export type CliResult = {code: number | null; stdout: string; stderr: string};

export const cliEntry = path.resolve('source/cli.tsx');

export const usesBuild = Boolean(process.env['CI']) && process.env['EVFLEET_TEST_SOURCE'] !== '1';

export function cliCommand(args: readonly string[]): [string, string[]] {
	if (usesBuild) return [process.execPath, [path.resolve('bin/evfleet.js'), ...args]];
	return [process.execPath, ['--import', 'tsx', cliEntry, ...args]];
}

export function runCli(args: readonly string[], options: {env?: Record<string, string | undefined>; input?: string; timeoutMs?: number} = {}): Promise<CliResult> {
	const [command, argv] = cliCommand(args);
	return new Promise((resolve, reject) => {
		const child = spawn(command, argv, {
			env: {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}
