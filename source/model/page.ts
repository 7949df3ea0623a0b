// Paging contract between list screens and their data sources (no domain words, no SQL).

/** An opaque keyset position produced by a data source and handed back to it for the next page. */
export type Cursor = string;

export type PageRequest = {
	/** Free-text filter typed after `/`; the data source searches server-side. */
	readonly search?: string;
	/** One of the sort keys the screen offers (`s` cycles them), "key" or "key:desc"; the data source maps it to an indexed order. */
	readonly sort?: string;
	/** Where the page starts (undefined: the first page). */
	readonly after?: Cursor;
	readonly limit: number;
};

export type Page<T> = {
	readonly rows: T[];
	/** Position after the last row, or null when there are no more rows. */
	readonly next: Cursor | null;
	/** Total rows matching (for "rows 1–40 of ~12 345"); null when unknown. */
	readonly total: number | null;
	/** True when `total` is a planner estimate (shown with "~"). */
	readonly estimated?: boolean;
};

/** Whether an error means the database connection is gone (the shell shows a banner and reconnects). */
export type ErrorKind = 'connection' | 'query';
