// Performance-related schema choices: live state storage (HOT updates for parked vehicles, vacuum settings) and
// the indexes the live charging board and the vehicle browse rely on.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';

let db: TestDatabase;
let org: string;
let fleetId: string;

beforeAll(async () => {
	db = await createTestDatabase();
	const [o] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values ('Perf', 'perf') returning id`;
	org = o!.id;
	const [f] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, 'Perf fleet') returning id`;
	fleetId = f!.id;
}, 120_000);

afterAll(async () => {
	await db?.close();
});

/** The plan of a query with sequential scans (and bitmap scans) priced out: what index path exists. */
async function planOf(query: string): Promise<string> {
	return db.sql.begin(async sql => {
		await sql`set local enable_seqscan = off`;
		await sql`set local enable_bitmapscan = off`;
		const rows = await sql.unsafe<Array<Record<string, string>>>(`explain (costs off) ${query}`);
		return rows.map(row => Object.values(row)[0]).join('\n');
	}) as Promise<string>;
}

describe('vehicle_live_state storage', () => {
	it('leaves room on each page and is vacuumed after 1% dead rows', async () => {
		const [row] = await db.sql<Array<{reloptions: string[]}>>`select reloptions from pg_class where oid = 'vehicle_live_state'::regclass`;
		expect(row!.reloptions).toEqual(expect.arrayContaining(['fillfactor=50', 'autovacuum_vacuum_scale_factor=0.01']));
	});

	it('updates the live state of a parked vehicle as HOT (no index entries) and keeps the newest row', async () => {
		const [v] = await db.sql<Array<{id: string}>>`
			insert into vehicles (organization_id, fleet_id, vin, make, model, battery_capacity_kwh)
			values (${org}, ${fleetId}, 'WVWZZZ1KZPERF0001', 'VW', 'ID.4', 77) returning id`;
		const vehicleId = v!.id;
		const result = await db.sql.begin(async sql => {
			for (let minute = 0; minute < 20; minute++) {
				await sql`
					insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, location)
					values (${vehicleId}, ${org}, now() - make_interval(mins => ${60 - minute}), ${50 + minute},
					        st_setsrid(st_makepoint(13.4, 52.5), 4326)::geography)`;
			}
			// an older row afterwards must not overwrite the state
			await sql`
				insert into vehicle_telematics (vehicle_id, organization_id, recorded_at, soc_pct, location)
				values (${vehicleId}, ${org}, now() - interval '2 hours', 10, st_setsrid(st_makepoint(13.4, 52.5), 4326)::geography)`;
			const [stats] = await sql<Array<{updates: number; hot: number}>>`
				select pg_stat_get_xact_tuples_updated('vehicle_live_state'::regclass)::int as updates,
				       pg_stat_get_xact_tuples_hot_updated('vehicle_live_state'::regclass)::int as hot`;
			const [state] = await sql<Array<{socPct: number}>>`select soc_pct from vehicle_live_state where vehicle_id = ${vehicleId}`;
			return {stats: stats!, state: state!};
		});
		expect(result.state.socPct).toBe(69);
		expect(result.stats.updates).toBe(19);
		// Every update kept the location: none may need new index entries (an index on a column that changes on
		// every report, e.g. recorded_at or soc_pct, would make them all non-HOT).
		expect(result.stats.hot).toBe(19);
	});
});

describe('indexes behind the live views and the browse', () => {
	it('the stalest station heartbeats come from an index, not a scan of every station', async () => {
		const plan = await planOf(`
			select st.id from charging_stations st
			where st.status <> 'decommissioned' and (st.last_heartbeat_at is null or st.last_heartbeat_at < now() - interval '10 minutes')
			order by st.last_heartbeat_at nulls first limit 50`);
		expect(plan).toMatch(/Index Scan using charging_stations_heartbeat/);
		expect(plan).not.toMatch(/Sort/);
	});

	it('connector counts by status per station are index-only', async () => {
		const plan = await planOf(`
			select count(*) filter (where c.status = 'faulted') from charging_stations st
			cross join lateral (select status from charging_connectors c where c.station_id = st.id) c`);
		expect(plan).toMatch(/Index Only Scan using charging_connectors_station_status/);
	});

	it('the browse status filter and status sort use vehicles_status', async () => {
		const filtered = await planOf(`select v.id from vehicles v where v.status = 'maintenance'`);
		expect(filtered).toMatch(/Index (Only )?Scan using vehicles_status/);
		const sorted = await planOf(`select v.id from vehicles v order by v.status, v.id limit 40`);
		expect(sorted).toMatch(/Index (Only )?Scan using vehicles_status/);
		expect(sorted).not.toMatch(/Sort/);
	});
});
