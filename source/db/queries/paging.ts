// Keyset pagination in SQL for the browse queries (the types are model/page.ts): the "after the cursor" and
// ORDER BY fragments, the page cut, and "rows 1–40 of ~12 345" totals.
import type {PendingQuery, Row as PgRow, Sql} from 'postgres';
import type {Cursor, Page} from '../../model/page.js';

export type Fragment = PendingQuery<PgRow[]>;

/** Counting stops here; above it the total is the planner's estimate (counting a million rows is not browsing). */
export const exactCountLimit = 10_000;

export function clampLimit(limit: number | undefined, fallback = 40, max = 1000): number {
	if (limit === undefined || !Number.isFinite(limit)) return fallback;
	return Math.min(max, Math.max(1, Math.floor(limit)));
}

type SortableValue = string | number | boolean | Date | null | undefined;

function cursorKey(value: SortableValue): string | number | boolean | null {
	if (value === undefined || value === null) return null;
	if (value instanceof Date) return value.toISOString();
	return value;
}

/** Cuts the one extra row a query fetched to learn whether there is a next page. */
export function toPage<Row extends {id: string}>(
	fetched: Row[],
	limit: number,
	sort: string,
	keyOf: (row: Row) => SortableValue,
	total: {total: number; estimated: boolean},
): Page<Row> {
	const rows = fetched.slice(0, limit);
	const last = rows.at(-1);
	const next = fetched.length > limit && last ? {sort, key: cursorKey(keyOf(last)), id: last.id} : null;
	return {rows, next, ...total};
}

export type KeysetSpec = {
	/** SQL expression of the sort key (from a fixed table in the query module, never user input). */
	key: string;
	/** Tie-breaker column, unique (e.g. "v.id"). */
	id: string;
	/** Type name to cast the cursor's key back to: text, timestamptz, double precision, … */
	cast: string;
	/** Whether the key can be null (nulls always sort last); non-null keys get an index-friendly row comparison. */
	nullable: boolean;
};

/**
 * The WHERE fragment "after the cursor" and the ORDER BY fragment of one keyset: `order by key, id` in one
 * direction. A cursor made for another sort order starts from the top.
 */
export function keyset(sql: Sql, spec: KeysetSpec, cursor: Cursor | null | undefined, sort: string, descending: boolean) {
	const key = sql.unsafe(spec.key);
	const id = sql.unsafe(spec.id);
	const cast = sql.unsafe(spec.cast);
	const direction = descending ? sql`desc` : sql`asc`;
	// Non-null keys: plain "desc" (nulls first) so a backward index scan serves it.
	const orderBy = spec.nullable ? sql`${key} ${direction} nulls last, ${id} ${direction}` : sql`${key} ${direction}, ${id} ${direction}`;
	let after = sql`true`;
	if (cursor && cursor.sort === sort) {
		const comparison = descending ? sql`<` : sql`>`;
		if (cursor.key === null) {
			after = spec.nullable ? sql`(${key} is null and ${id} ${comparison} ${cursor.id})` : sql`true`;
		} else {
			// Sent as text and cast by the server: a parameter the server types as timestamptz would go through
			// postgres.js's Date serializer, which keeps milliseconds only (rows in the same millisecond skipped).
			const value = sql`${String(cursor.key)}::text::${cast}`;
			const rowComparison = sql`(${key}, ${id}) ${comparison} (${value}, ${cursor.id})`;
			after = spec.nullable ? sql`(${rowComparison} or ${key} is null)` : rowComparison;
		}
	}
	// The cursor keeps the key as the server's text (exact: microseconds, float digits), cast back with `cast`.
	return {after, orderBy, key, cursorKey: sql`(${key})::text`};
}

/**
 * "of N" for a list: the planner's estimate first (EXPLAIN, nothing read); when that is small, an exact count
 * bounded by exactCountLimit (so a bad estimate never costs more than reading that many rows).
 */
export async function countOrEstimate(sql: Sql, from: Fragment): Promise<{total: number; estimated: boolean}> {
	const [plan] = await sql<{queryPlan: Array<{Plan: {'Plan Rows': number}}>}[]>`explain (format json) select 1 ${from}`;
	const planned = Math.round(plan?.queryPlan?.[0]?.Plan?.['Plan Rows'] ?? 0);
	if (planned > exactCountLimit) return {total: planned, estimated: true};
	const [counted] = await sql<{n: number}[]>`select count(*)::int as n from (select 1 ${from} limit ${exactCountLimit + 1}) capped`;
	const n = counted?.n ?? 0;
	if (n <= exactCountLimit) return {total: n, estimated: false};
	return {total: Math.max(n, planned), estimated: true};
}
