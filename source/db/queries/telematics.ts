// One vehicle's telematics history, newest first, in keyset pages over the (vehicle_id, recorded_at) primary key.
import type {Sql} from 'postgres';
import {clampLimit, countOrEstimate, toPage} from './paging.js';
import type {Cursor, Page} from '../../model/page.js';
import type {TelematicsRow} from '../../model/data-sources.js';
import {isGap} from '../../model/telematics-gaps.js';

export type TelematicsRequest = {
	vehicleId: string;
	/** The next page: rows older than the cursor's time (a page's `next`). */
	after?: Cursor | null;
	/** The page above: rows newer than the cursor's time (a page's `previous`), read oldest first and turned round. */
	previous?: Cursor | null;
	/** The last page: the vehicle's oldest rows (`G`), read oldest first and turned round. */
	last?: boolean;
	/** Jump: only rows strictly older than this time (the inspector's `t`); the list then starts there. */
	before?: Date | null;
	/** Window: nothing older than since, nothing newer than until. */
	since?: Date | null;
	until?: Date | null;
	limit: number;
	/** Silences longer than this are gaps (model/telematics-gaps.ts; default 10 minutes). */
	gapSeconds?: number;
};

const mine = (cursor: Cursor | null | undefined) => (cursor && cursor.sort === 'recordedAt' && typeof cursor.key === 'string' ? cursor.key : null);

/**
 * One page of a vehicle's history, newest first: the first page, the page older than `after`, or read backwards
 * (oldest first, `recorded_at asc`, then turned round) the page newer than `previous` or the last page. Each is
 * one range scan of the (vehicle_id, recorded_at) key; cursors are the server's text of recorded_at (microseconds).
 */
export async function listTelematics(sql: Sql, request: TelematicsRequest): Promise<Page<TelematicsRow>> {
	const limit = clampLimit(request.limit, 50, 5000);
	const afterKey = mine(request.after);
	const previousKey = afterKey ? null : mine(request.previous);
	const backward = !afterKey && (previousKey !== null || request.last === true);
	const window = sql`
		from vehicle_telematics t
		where t.vehicle_id = ${request.vehicleId}::uuid
		  and ${request.since ? sql`t.recorded_at >= ${request.since}` : sql`true`}
		  and ${request.until ? sql`t.recorded_at <= ${request.until}` : sql`true`}
		  and ${request.before ? sql`t.recorded_at < ${request.before}` : sql`true`}`;
	// Past the cursor (exact, the server's own text of a row's time): older going down, newer going back up.
	const pastCursor = afterKey
		? sql`t.recorded_at < ${afterKey}::text::timestamptz`
		: previousKey
			? sql`t.recorded_at > ${previousKey}::text::timestamptz`
			: sql`true`;
	const reading = backward ? sql`asc` : sql`desc`;
	const fetched = await sql<(TelematicsRow & {cursorKey: string})[]>`
		with page as (
			select t.vehicle_id as id, t.recorded_at, t.soc_pct, t.soh_pct, t.speed_kmh, t.heading_deg,
			       st_y(t.location::geometry) as latitude, st_x(t.location::geometry) as longitude, t.odometer_km,
			       t.pack_voltage_v, t.pack_current_a, t.pack_temp_c, t.power_kw
			${window}
			  and ${pastCursor}
			order by t.recorded_at ${reading}
			limit ${limit + 1}
		), newer as (
			-- the row just newer than the page (one index probe), so the first row's silence is known on every page
			-- (read backwards, the extra row fetched is that row already, and the probe looks past it)
			select n.recorded_at
			from vehicle_telematics n
			where n.vehicle_id = ${request.vehicleId}::uuid and n.recorded_at > (select max(recorded_at) from page)
			order by n.recorded_at
			limit 1
		)
		select p.id, p.recorded_at, p.soc_pct, p.soh_pct, p.speed_kmh, p.heading_deg, p.latitude, p.longitude, p.odometer_km,
		       p.pack_voltage_v, p.pack_current_a, p.pack_temp_c, p.power_kw, p.recorded_at::text as cursor_key,
		       extract(epoch from lag(p.recorded_at, 1, (select recorded_at from newer)) over (order by p.recorded_at desc) - p.recorded_at)::double precision
		         as seconds_to_newer
		from page p
		order by p.recorded_at ${reading}`;
	const page = toPage(fetched, limit, 'recordedAt', row => row.cursorKey, await countOrEstimate(sql, window), {backward, fromCursor: afterKey !== null || previousKey !== null});
	const rows = page.rows.map(({cursorKey: _cursorKey, ...row}) => ({...row, gap: isGap(row.secondsToNewer, request.gapSeconds)}));
	return {...page, rows};
}
