// Facts about the terminal every printer and screen asks the same way.

type Stream = {isTTY?: boolean};

/** Colors only on a terminal, never with NO_COLOR (any value) or TERM=dumb. */
export function colorEnabled(stream: Stream = process.stdout, env: Record<string, string | undefined> = process.env): boolean {
	if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
	if (env['TERM'] === 'dumb') return false;
	if (env['FORCE_COLOR'] && env['FORCE_COLOR'] !== '0') return true;
	return Boolean(stream.isTTY);
}

export function isInteractive(stdin: Stream = process.stdin, stdout: Stream = process.stdout): boolean {
	return Boolean(stdin.isTTY && stdout.isTTY);
}
