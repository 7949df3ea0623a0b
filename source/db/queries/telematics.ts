// One vehicle's telematics history, newest first, in keyset pages over the (vehicle_id, recorded_at) primary key.
import type {Sql} from 'postgres';
import {clampLimit, countOrEstimate} from './paging.js';
import type {Cursor, Page} from '../../model/page.js';
import type {TelematicsRow} from '../../model/data-sources.js';
import {isGap} from '../../model/telematics-gaps.js';

export type TelematicsRequest = {
	vehicleId: string;
	/** The next page: rows older than the cursor's time. */
	after?: Cursor | null;
	/** Jump: rows strictly older than this time (the inspector's `t`). Page on with `after: next`, which is exact to the microsecond. */
	before?: Date | null;
	/** Window: nothing older than since, nothing newer than until. */
	since?: Date | null;
	until?: Date | null;
	limit: number;
	/** Silences longer than this are gaps (model/telematics-gaps.ts; default 10 minutes). */
	gapSeconds?: number;
};


export async function listTelematics(sql: Sql, request: TelematicsRequest): Promise<Page<TelematicsRow>> {
	const limit = clampLimit(request.limit, 50, 5000);
	const cursorKey = request.after && request.after.sort === 'recordedAt' && typeof request.after.key === 'string' ? request.after.key : null;
	const window = sql`
		from vehicle_telematics t
		where t.vehicle_id = ${request.vehicleId}::uuid
		  and ${request.since ? sql`t.recorded_at >= ${request.since}` : sql`true`}
		  and ${request.until ? sql`t.recorded_at <= ${request.until}` : sql`true`}`;
	// The page: rows older than the cursor (exact, the server's own text of the last row's time) or the jump time.
	const fetched = await sql<(TelematicsRow & {cursorKey: string})[]>`
		with page as (
			select t.vehicle_id as id, t.recorded_at, t.soc_pct, t.soh_pct, t.speed_kmh, t.heading_deg,
			       st_y(t.location::geometry) as latitude, st_x(t.location::geometry) as longitude, t.odometer_km,
			       t.pack_voltage_v, t.pack_current_a, t.pack_temp_c, t.power_kw
			${window}
			  and ${cursorKey ? sql`t.recorded_at < ${cursorKey}::text::timestamptz` : sql`true`}
			  and ${request.before ? sql`t.recorded_at < ${request.before}` : sql`true`}
			order by t.recorded_at desc
			limit ${limit + 1}
		), newer as (
			-- the row just newer than the page (one index probe), so the first row's silence is known on every page
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
		order by p.recorded_at desc`;
	const page = fetched.slice(0, limit);
	const last = page.at(-1);
	const next: Cursor | null = fetched.length > limit && last ? {sort: 'recordedAt', key: last.cursorKey, id: last.id} : null;
	const rows = page.map(({cursorKey: _cursorKey, ...row}) => ({...row, gap: isGap(row.secondsToNewer, request.gapSeconds)}));
	return {rows, next, ...(await countOrEstimate(sql, window))};
}

/** The cursor that starts a page at a point in time (rows strictly older than it). */
export function telematicsCursorAt(vehicleId: string, time: Date): Cursor {
	return {sort: 'recordedAt', key: time.toISOString(), id: vehicleId};
}
