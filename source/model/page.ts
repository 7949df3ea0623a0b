// The one paging contract: list screens, commands and the db query modules all use these types.
// Keyset pages: a cursor is the sort key and id of the last row of a page, as the server wrote them.

/**
 * Where the next page starts: the sort key and id of the last row of a page. `key` is the server's own text
 * of the sort value (timestamps keep PostgreSQL's microseconds, floats all their digits), cast back by the
 * query module, so rows that share a millisecond are neither skipped nor repeated. Opaque to screens: they
 * hand back the `next` of one page to get the following one.
 */
export type Cursor = {
	/** The sort the cursor was made for; a cursor of another sort starts from the top. */
	readonly sort: string;
	readonly key: string | number | boolean | null;
	readonly id: string;
};

/** A sort key, optionally with its direction: "lastSeen", "lastSeen:desc", "name:asc". */
export type SortRequest<Sort extends string = string> = Sort | `${Sort}:asc` | `${Sort}:desc`;

export type PageRequest<Sort extends string = string> = {
	/** Free-text filter typed after `/`; the data source searches server-side. */
	readonly search?: string | null;
	/** One of the sorts the list offers (`s` cycles them); ties always break on id in the same direction. */
	readonly sort?: SortRequest<Sort>;
	/** Where the page starts (null or undefined: the first page). */
	readonly after?: Cursor | null;
	/** The page that ends just before this position (a page's `previous`): paging back up. */
	readonly before?: Cursor | null;
	/** The last page of the list (`G`, End), read backwards from its end. */
	readonly last?: boolean;
	readonly limit: number;
};

export type Page<T> = {
	readonly rows: T[];
	/** Position after the last row, or null when there are no more rows. */
	readonly next: Cursor | null;
	/** Position before the first row (hand it back as `before`), or null on the first page; absent: the source pages forward only. */
	readonly previous?: Cursor | null;
	/** Rows matching (for "rows 1–40 of ~12 345"); null when unknown. */
	readonly total: number | null;
	/** True when `total` is the planner's estimate (shown with "~"). */
	readonly estimated: boolean;
};

/** "lastSeen:desc" → {sort: 'lastSeen', descending: true}; a key not in `allowed` falls back to `fallback`. */
export function parseSort<Sort extends string>(
	request: SortRequest<Sort> | string | undefined,
	allowed: readonly Sort[],
	fallback: Sort,
): {sort: Sort; descending: boolean | undefined} {
	if (!request) return {sort: fallback, descending: undefined};
	const [key, direction] = request.split(':');
	if (!allowed.includes(key as Sort)) return {sort: fallback, descending: undefined};
	return {sort: key as Sort, descending: direction === 'desc' ? true : direction === 'asc' ? false : undefined};
}

/** Up to `limit` rows from a paged query, fetching pages of at most 1000 (for non-interactive commands). */
export async function collectPages<Row>(
	fetch: (request: {after: Cursor | null; limit: number}) => Promise<Page<Row>>,
	limit: number,
): Promise<Page<Row>> {
	const rows: Row[] = [];
	let after: Cursor | null = null;
	let page: Page<Row>;
	do {
		page = await fetch({after, limit: Math.min(1000, limit - rows.length)});
		rows.push(...page.rows);
		after = page.next;
	} while (after && rows.length < limit);
	return {...page, rows, next: after};
}

/** Whether an error means the database connection is gone (the shell shows a banner and reconnects). */
export type ErrorKind = 'connection' | 'query';
