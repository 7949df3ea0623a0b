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

/** The schema's own predicate (evfleet_enable_tenant_rls), to put back whatever happens. */
const todaysPredicate = '(select s.organization_id from public.evfleet_tenant_scope s)';

/**
 * The live page and one vehicle's last 100 rows as a bound tenant reader, with today's predicate (the login's
 * binding read through the view evfleet_tenant_scope, an initplan planned with the statement) and, in the same run,
 * the predicate before bindings (the setting read as is, app.current_org_id trusted: the baseline) and the first
 * bindings predicate (the same rule in a SQL SECURITY DEFINER function, (select evfleet_current_org()) as shipped
 * until 2026-12-06: parsed and planned again in every statement). Three rounds of the three, samples pooled, so
 * neither the order nor a burst of load favours one. The policies are switched back whatever happens.
 */
export async function tenantPredicate(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const tenant = await tenantReader(context);
	const vehicles = await sql<Array<{id: string}>>`
		select v.id from vehicles v where v.organization_id = ${tenant.org} and exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id)
		order by md5(v.id::text) limit ${context.runs + 2}`;
	const pick = (run: number) => vehicles[(run + vehicles.length) % vehicles.length]!.id;
	const predicates = {
		today: todaysPredicate,
		trusted: 'evfleet_bench_setting_org()',
		function: '(select evfleet_bench_function_org())',
	} as const;
	type Variant = keyof typeof predicates;
	const samples = Object.fromEntries(Object.keys(predicates).map(k => [k, {live: [] as number[], last100: [] as number[]}])) as Record<Variant, {live: number[]; last100: number[]}>;
	try {
		await sql`create or replace function evfleet_bench_setting_org() returns uuid language sql stable as $$ select nullif(current_setting('app.current_org_id', true), '')::uuid $$`;
		// the first bindings predicate's function, as it was (sql/schema.sql before the view)
		await sql.unsafe(`
			create or replace function evfleet_bench_function_org() returns uuid
			language sql stable security definer parallel safe set search_path = pg_catalog, pg_temp as $$
			  select case
			    when pg_has_role(session_user, 'evfleet_admin', 'usage') then s.chosen
			    else (select l.organization_id from public.organization_logins l
			          where l.role_name = session_user
			            and (l.organization_id = s.chosen
			                 or (s.chosen is null
			                     and not exists (select 1 from public.organization_logins m
			                                     where m.role_name = session_user and m.organization_id <> l.organization_id))))
			  end
			  from (select nullif(current_setting('app.current_org_id', true), '')::uuid as chosen) s
			$$`);
		await sql`grant execute on function evfleet_bench_setting_org(), evfleet_bench_function_org() to evfleet_reader`;
		for (let round = 0; round < 3; round++) {
			for (const variant of Object.keys(predicates) as Variant[]) {
				await setPredicate(sql, predicates[variant]);
				samples[variant].live.push(...await timeRuns(context.runs, () => inOrg(tenant.sql, tenant.org, tx => liveVehicles(tx, {})), {warmup: 2}));
				samples[variant].last100.push(...await timeRuns(context.runs, run => inOrg(tenant.sql, tenant.org, tx => listTelematics(tx, {vehicleId: pick(run), limit: 100})), {warmup: 2}));
			}
		}
		const median = (variant: Variant, what: 'live' | 'last100') => summarize(samples[variant][what], 'lower');
		const trusted = {live: median('trusted', 'live'), last100: median('trusted', 'last100')};
		const comparison = (title: string, variant: Variant, what: 'live' | 'last100') => {
			const m = median(variant, what);
			return {title, median: m.median, p95: m.p95, ratio: m.median / trusted[what].median};
		};
		const last100Ratio = median('today', 'last100').median / trusted.last100.median;
		return measuredFigure(
			{id: 'tenantPredicate', title: 'live page and last 100 rows as a bound tenant reader: bindings predicate vs the setting trusted', unit: 'ms', better: 'lower', target: 'no regression (≤ 1.1× before, both)'},
			samples.today.live,
			{title: 'same page, predicate before bindings (setting trusted)', samples: samples.trusted.live},
			{
				ratioKind: 'ofBaseline',
				pass: (_, ratio) => ratio !== null && ratio <= 1.1 && last100Ratio <= 1.1,
				details: {vehicleId: pick(0), rounds: 3},
				comparisons: [
					comparison('last 100 rows, bindings predicate (view)', 'today', 'last100'),
					comparison('last 100 rows, predicate before bindings', 'trusted', 'last100'),
					comparison('live page, bindings in a SQL function (until 2026-12-06)', 'function', 'live'),
					comparison('last 100 rows, bindings in a SQL function (until 2026-12-06)', 'function', 'last100'),
				],
				note: 'three rounds of today\'s predicate, the setting trusted, the SQL-function predicate (samples pooled): the order cannot favour either',
			},
		);
	} finally {
		try {
			await setPredicate(sql, todaysPredicate);
		} finally {
			// dropped even when the policies could not be put back (then the drop says which policy still uses one)
			await sql`drop function if exists evfleet_bench_setting_org()`.catch((error: unknown) => context.log(`  could not drop evfleet_bench_setting_org(): ${String(error)}`));
			await sql`drop function if exists evfleet_bench_function_org()`.catch((error: unknown) => context.log(`  could not drop evfleet_bench_function_org(): ${String(error)}`));
			await tenant.close();
		}
	}
}
