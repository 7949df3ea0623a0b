// Tenant figures: what a login bound to one organization (organization_logins) gets under row-level security.
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {liveVehicles} from '../../source/db/queries/live.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import {measuredFigure, type BenchContext, type Figure} from '../lib/context.js';
import {summarize, timeRuns} from '../lib/stats.js';

const tenantLogin = 'evfleet_bench_tenant';

/** A reader login bound to the organization with the most vehicles; the organization's id. */
async function tenantReader(context: BenchContext): Promise<{sql: Sql; org: string; close: () => Promise<void>}> {
	const {sql} = context;
	const [{org}] = await sql<[{org: string}]>`select organization_id as org from vehicles group by 1 order by count(*) desc, 1 limit 1`;
	await sql.unsafe(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${tenantLogin}') then create role ${tenantLogin} login in role evfleet_reader; end if; end $$`);
	await sql`delete from organization_logins where role_name = ${tenantLogin}`;
	await sql`insert into organization_logins (role_name, organization_id) values (${tenantLogin}, ${org})`;
	const url = new URL(context.url);
	url.username = tenantLogin;
	url.password = '';
	const tenant = createSql(parseConnectionUrl(url.toString(), 'bench'), {max: 1});
	return {sql: tenant, org, close: () => tenant.end({timeout: 5})};
}

/** One transaction with the organization chosen transaction-locally, as the console does. */
function inOrg<T>(sql: Sql, org: string, work: (tx: Sql) => Promise<T>): Promise<T> {
	return sql.begin(async tx => {
		await tx`select set_config('app.current_org_id', ${org}, true)`;
		return work(tx as unknown as Sql);
	}) as Promise<T>;
}

/** Stations within 2 km as a tenant: charging_stations_within (GiST) vs ST_DWithin under RLS (a scan of every station). */
export async function radiusTenant(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const tenant = await tenantReader(context);
	try {
		const points = await sql<Array<{latitude: number; longitude: number}>>`
			select st_y(location::geometry) + 0.005 as latitude, st_x(location::geometry) - 0.005 as longitude
			from charging_stations order by md5(id::text) limit ${Math.max(context.runs, 3) + 2}`;
		if (points.length === 0) throw new Error('no charging stations seeded');
		const at = (run: number) => points[(run + points.length) % points.length]!;
		const radiusM = 2000;
		const product = await timeRuns(context.runs, run => inOrg(tenant.sql, tenant.org, tx => tx`
			select s.id, w.distance_m from charging_stations_within(${at(run).longitude}, ${at(run).latitude}, ${radiusM}) w
			join charging_stations s on s.id = w.station_id`), {warmup: 2});
		const baseline = await timeRuns(Math.max(context.slowBaselineRuns, 3), run => inOrg(tenant.sql, tenant.org, tx => tx`
			select s.id, st_distance(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography) as distance_m
			from charging_stations s
			where st_dwithin(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography, ${radiusM})`), {warmup: 1});
		const superuser = await timeRuns(context.runs, run => sql`
			select s.id, st_distance(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography) as distance_m
			from charging_stations s
			where st_dwithin(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography, ${radiusM})`, {warmup: 2});
		const productMedian = summarize(product, 'lower').median;
		const superMedian = summarize(superuser, 'lower');
		const [{stations}] = await sql<[{stations: number}]>`select count(*)::int as stations from charging_stations`;
		return measuredFigure(
			{id: 'radiusTenant', title: 'stations within 2 km, as a tenant reader (RLS)', unit: 'ms', better: 'lower', target: '≥ 100× faster, ≤ 3× superuser'},
			product,
			{title: 'ST_DWithin under RLS (tenant)', samples: baseline},
			{
				ratioKind: 'faster',
				pass: (value, ratio) => ratio !== null && ratio >= 100 && value <= 3 * superMedian.median,
				details: {stations, radiusM},
				comparisons: [{title: 'ST_DWithin as superuser (no RLS)', median: superMedian.median, p95: superMedian.p95, ratio: productMedian / superMedian.median}],
				note: 'charging_stations_within() joined with charging_stations (its policies apply), org chosen with set_config(..., true)',
			},
		);
	} finally {
		await tenant.close();
	}
}

/** Rewrites every tenant policy's predicate: `column = <expression>` (same as evfleet_enable_tenant_rls does). */
async function setPredicate(sql: Sql, expression: string): Promise<void> {
	await sql.unsafe(`
		do $$
		declare p record;
		begin
			for p in
				select pol.polname, pol.polrelid::regclass as rel, (regexp_match(pg_get_expr(pol.polqual, pol.polrelid), '^\\((\\w+) = '))[1] as col
				from pg_policy pol where pol.polname like '%\\_tenant\\_isolation'
			loop
				execute format('alter policy %I on %s using (%I = ${expression}) with check (%I = ${expression})', p.polname, p.rel, p.col, p.col);
			end loop;
		end
		$$`);
}

/**
 * The live page and one vehicle's last 100 rows as a bound tenant reader, with today's predicate (the login's
 * binding checked once per statement, an initplan) and, in the same run, the predicate before bindings (the
 * setting read as is, app.current_org_id trusted). The policies are switched back whatever happens.
 */
export async function tenantPredicate(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const tenant = await tenantReader(context);
	const vehicles = await sql<Array<{id: string}>>`
		select v.id from vehicles v where v.organization_id = ${tenant.org} and exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id)
		order by md5(v.id::text) limit ${context.runs + 2}`;
	const pick = (run: number) => vehicles[(run + vehicles.length) % vehicles.length]!.id;
	const measure = async () => ({
		live: await timeRuns(context.runs, () => inOrg(tenant.sql, tenant.org, tx => liveVehicles(tx, {})), {warmup: 2}),
		last100: await timeRuns(context.runs, run => inOrg(tenant.sql, tenant.org, tx => listTelematics(tx, {vehicleId: pick(run), limit: 100})), {warmup: 2}),
	});
	try {
		await sql`create or replace function evfleet_bench_setting_org() returns uuid language sql stable as $$ select nullif(current_setting('app.current_org_id', true), '')::uuid $$`;
		await sql`grant execute on function evfleet_bench_setting_org() to evfleet_reader`;
		const now = await measure();
		await setPredicate(sql, 'evfleet_bench_setting_org()');
		const before = await measure();
		await setPredicate(sql, '(select evfleet_current_org())');
		const again = await measure();
		const live = summarize([...now.live, ...again.live], 'lower');
		const last100Now = summarize([...now.last100, ...again.last100], 'lower');
		const last100Before = summarize(before.last100, 'lower');
		return measuredFigure(
			{id: 'tenantPredicate', title: 'live page as a bound tenant reader: bindings predicate vs the setting trusted', unit: 'ms', better: 'lower', target: 'no regression (≤ 1.2× before)'},
			[...now.live, ...again.live],
			{title: 'same page, predicate before bindings (setting trusted)', samples: before.live},
			{
				ratioKind: 'ofBaseline',
				pass: (_, ratio) => ratio !== null && ratio <= 1.2,
				details: {vehicleId: pick(0), liveMedianMs: live.median},
				comparisons: [
					{title: 'last 100 rows, bindings predicate', median: last100Now.median, p95: last100Now.p95, ratio: last100Now.median / last100Before.median},
					{title: 'last 100 rows, predicate before bindings', median: last100Before.median, p95: last100Before.p95, ratio: 1},
				],
				note: 'runs: today\'s predicate, the old one, today\'s again (its samples pooled): the order cannot favour either',
			},
		);
	} finally {
		await setPredicate(sql, '(select evfleet_current_org())');
		await sql`drop function if exists evfleet_bench_setting_org()`;
		await tenant.close();
	}
}
