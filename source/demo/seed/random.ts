// Deterministic randomness for the seed: the same seed always yields the same numbers, in Node and in SQL.
import {createHash} from 'node:crypto';

/** A small, fast PRNG (mulberry32) for the few thousand rows built in Node. */
export function createRandom(seed: number, stream: string): () => number {
	let state = createHash('sha256').update(`${seed}:${stream}`).digest().readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

export type Random = ReturnType<typeof createRandom>;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const between = (random: Random, low: number, high: number): number => low + (high - low) * random();

/** The id of the n-th seeded row of a kind: md5(seed:kind:key) as a UUID, exactly as SQL's md5(...)::uuid makes it. */
export function seededUuid(seed: number, kind: string, key: string | number): string {
	const hex = createHash('md5').update(`${seed}:${kind}:${key}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * SQL for a uniform number in [0, 1) from a key and a stream: hashint8extended is deterministic and parallel safe,
 * unlike random(), whose state is per backend (parallel workers, several connections).
 */
export function sqlRandom(key: string, stream: number): string {
	return `((hashint8extended((${key})::bigint, :p_seed::bigint * 1000003 + ${stream}) & 4503599627370495)::float8 / 4503599627370496.0)`;
}

/** SQL for the same UUID seededUuid makes. */
export function sqlUuid(kind: string, key: string): string {
	return `md5(:p_seed::text || ':${kind}:' || (${key})::text)::uuid`;
}
