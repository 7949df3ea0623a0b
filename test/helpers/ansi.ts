// What a terminal was told about colors: the SGR sequences (ESC [ … m) in raw output.

/** The parameters of every SGR sequence, one array per sequence ("ESC[m" is [0]). */
export function sgrSequences(output: string): number[][] {
	return [...output.matchAll(/\u001B\[([\d;:]*)m/g)].map(match => (match[1] === '' ? [0] : match[1]!.split(/[;:]/).map(Number)));
}

/** SGR parameters that set or reset a color, or faint (2): what NO_COLOR rules out. Bold (1/22) and inverse (7/27) are not. */
export function colorParameters(output: string): number[] {
	const found: number[] = [];
	for (const parameters of sgrSequences(output)) {
		for (let i = 0; i < parameters.length; i++) {
			const p = parameters[i]!;
			if (p === 38 || p === 48) {
				found.push(p);
				i += parameters[i + 1] === 5 ? 2 : 4; // 38;5;n or 38;2;r;g;b
			} else if (p === 2 || (p >= 30 && p <= 39) || (p >= 40 && p <= 49) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) {
				found.push(p);
			}
		}
	}
	return found;
}

export const hasInverse = (output: string) => sgrSequences(output).some(parameters => parameters.includes(7));
export const hasBold = (output: string) => sgrSequences(output).some(parameters => parameters.includes(1));
