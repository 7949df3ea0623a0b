// Keyset pagination in SQL for the browse queries (the types are model/page.ts): the "after the cursor" and
// ORDER BY fragments, the page cut, and "rows 1–40 of ~12 345" totals.
import type {PendingQuery, Row as PgRow, Sql} from 'postgres';
import type {Cursor, Page, PageRequest} from '../../model/page.js';

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

/** How keyset() read a page: forwards (the first page, or after a cursor) or backwards (before a cursor, the last page). */
export type KeysetRead = {readonly backward: boolean; readonly fromCursor: boolean};

/**
 * Cuts the one extra row a query fetched to learn whether there is a page beyond, and puts a page read backwards
 * (in reversed order) back in the list's order. `read` is keyset()'s.
 */
export function toPage<Row extends {id: string}>(
	fetched: Row[],
	limit: number,
	sort: string,
	keyOf: (row: Row) => SortableValue,
	total: {total: number; estimated: boolean},
	read: KeysetRead = {backward: false, fromCursor: false},
): Page<Row> {
	const cursorAt = (row: Row | undefined): Cursor | null => (row ? {sort, key: cursorKey(keyOf(row)), id: row.id} : null);
	const beyond = fetched.length > limit;
	if (read.backward) {
		const rows = fetched.slice(0, limit).reverse();
		return {rows, next: read.fromCursor ? cursorAt(rows.at(-1)) : null, previous: beyond ? cursorAt(rows[0]) : null, ...total};
	}
	const rows = fetched.slice(0, limit);
	return {rows, next: beyond ? cursorAt(rows.at(-1)) : null, previous: read.fromCursor ? cursorAt(rows[0]) : null, ...total};
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
 * The WHERE and ORDER BY fragments of one keyset page in the order `key, id` (both one direction; nullable keys
 * sort their nulls last). The first page, or the page after `request.after`; or read backwards: the page before
 * `request.before`, or the last page (`request.last`), in the reversed order with the comparison flipped, so each
 * is one index range scan like the forward pages (toPage turns it back). A cursor made for another sort order
 * starts from the top.
 */
export function keyset(sql: Sql, spec: KeysetSpec, request: Pick<PageRequest, 'after' | 'before' | 'last'>, sort: string, descending: boolean) {
	const key = sql.unsafe(spec.key);
	const id = sql.unsafe(spec.id);
	const cast = sql.unsafe(spec.cast);
	const mine = (cursor: Cursor | null | undefined) => (cursor && cursor.sort === sort ? cursor : undefined);
	const after = mine(request.after);
	const before = after ? undefined : mine(request.before);
	const backward = !after && (before !== undefined || request.last === true);
	const cursor = after ?? before;
	// Read backwards, the order is reversed, nulls included (they come first), and so is "past the cursor".
	const reading = backward ? !descending : descending;
	const direction = reading ? sql`desc` : sql`asc`;
	// Non-null keys: plain "desc" (nulls first) so a backward index scan serves it.
	const orderBy = spec.nullable
		? sql`${key} ${direction} ${backward ? sql`nulls first` : sql`nulls last`}, ${id} ${direction}`
		: sql`${key} ${direction}, ${id} ${direction}`;
	let where = sql`true`;
	if (cursor) {
		const comparison = reading ? sql`<` : sql`>`;
		if (cursor.key === null) {
			// Past a null key: the nulls beyond it by id; read backwards, every non-null key too (they come before the nulls).
			const nulls = sql`(${key} is null and ${id} ${comparison} ${cursor.id})`;
			where = !spec.nullable ? sql`true` : backward ? sql`(${nulls} or ${key} is not null)` : nulls;
		} else {
			// Sent as text and cast by the server: a parameter the server types as timestamptz would go through
			// postgres.js's Date serializer, which keeps milliseconds only (rows in the same millisecond skipped).
			const value = sql`${String(cursor.key)}::text::${cast}`;
			const rowComparison = sql`(${key}, ${id}) ${comparison} (${value}, ${cursor.id})`;
			// Forwards the nulls come after every key; backwards they never precede a non-null cursor.
			where = spec.nullable && !backward ? sql`(${rowComparison} or ${key} is null)` : rowComparison;
		}
	}
	const read: KeysetRead = {backward, fromCursor: cursor !== undefined};
	// The cursor keeps the key as the server's text (exact: microseconds, float digits), cast back with `cast`.
	return {after: where, orderBy, key, cursorKey: sql`(${key})::text`, read};
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
