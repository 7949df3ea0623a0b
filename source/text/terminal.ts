// Facts about the terminal every printer and screen asks the same way.

type Stream = {isTTY?: boolean};

type Env = Record<string, string | undefined>;

const forceColor = (env: Env): boolean | undefined => {
	const value = env['FORCE_COLOR'];
	if (value === undefined) return undefined;
	return value !== '0' && value !== 'false';
};

/** Colors only on a terminal, never with NO_COLOR (any non-empty value), TERM=dumb or FORCE_COLOR=0. */
export function colorEnabled(stream: Stream = process.stdout, env: Env = process.env): boolean {
	if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
	return textAttributesEnabled(stream, env);
}

/**
 * Bold and inverse (not colors): on a terminal even under NO_COLOR, so headings and the selected row stay
 * visible; never in a pipe, with TERM=dumb or FORCE_COLOR=0, where nothing but text is written. Faint (dim)
 * counts as a color: terminals draw it as a paler color, and it is what makes text hard to read.
 * (chalk, which Ink draws with, ignores NO_COLOR: the house components decide; see components/Styled.tsx.)
 */
export function textAttributesEnabled(stream: Stream = process.stdout, env: Env = process.env): boolean {
	if (env['TERM'] === 'dumb') return false;
	return forceColor(env) ?? Boolean(stream.isTTY);
}

export function isInteractive(stdin: Stream = process.stdin, stdout: Stream = process.stdout): boolean {
	return Boolean(stdin.isTTY && stdout.isTTY);
}
