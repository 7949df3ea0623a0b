// The one rule for reporting gaps, used by `evfleet vehicle` (db/queries/telematics.ts marks its rows) and the
// inspector alike: a row is followed by a gap when the vehicle stayed silent longer than the threshold before
// its next newer row. A fixed threshold (not one derived from a page) so both agree on the same rows.

/** Silences longer than this are gaps unless told otherwise (`--gap`, default 10m). */
export const defaultGapSeconds = 600;

export function isGap(secondsToNewer: number | null, gapSeconds: number = defaultGapSeconds): boolean {
	return secondsToNewer !== null && secondsToNewer > gapSeconds;
}

/**
 * Seconds from each row (newest first) to the next newer one; `newer` is the row just newer than the first
 * (from the previous page or the server), so the first row's silence is known on every page.
 */
export function secondsToNewer<Row extends {recordedAt: Date}>(rows: readonly Row[], newer: Date | null = null): Array<Row & {secondsToNewer: number | null}> {
	return rows.map((row, i) => {
		const next = i === 0 ? newer : rows[i - 1]!.recordedAt;
		return {...row, secondsToNewer: next === null ? null : (next.getTime() - row.recordedAt.getTime()) / 1000};
	});
}
