// Tenant figures: what a login bound to one organization (organization_logins) gets under row-level security.
import {createSql, parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {liveVehicles} from '../../source/db/queries/live.js';
import {listTelematics} from '../../source/db/queries/telematics.js';
import {browseScopeWith, scopedHandle} from '../../source/db/scope.js';
import {measuredFigure, type BenchContext, type Figure} from '../lib/context.js';
import {summarize, timeRuns} from '../lib/stats.js';

const tenantLogin = 'evfleet_bench_tenant';

/** A reader login bound to the organization with the most vehicles (member of `roles` too); the organization's id. */
export async function tenantReader(context: BenchContext, login = tenantLogin, roles: string[] = []): Promise<{sql: Sql; org: string; close: () => Promise<void>}> {
	const {sql} = context;
	const [{org}] = await sql<[{org: string}]>`select organization_id as org from vehicles group by 1 order by count(*) desc, 1 limit 1`;
	await sql.unsafe(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${login}') then create role ${login} login in role ${['evfleet_reader', ...roles].join(', ')}; end if; end $$`);
	await sql`delete from organization_logins where role_name = ${login}`;
	await sql`insert into organization_logins (role_name, organization_id) values (${login}, ${org})`;
	const url = new URL(context.url);
	url.username = login;
	url.password = '';
	const tenant = createSql(parseConnectionUrl(url.toString(), 'bench'), {max: 1});
	return {sql: tenant, org, close: () => tenant.end({timeout: 5})};
}

/**
 * The console's own path: each query in its own read-only transaction opened by SET LOCALs (organization, jit off),
 * sent with the query and COMMIT back to back (scopedHandle: one round trip). No statement timeout here: the
 * baselines are slow on purpose.
 */
function inOrg<T>(sql: Sql, org: string, work: (tx: Sql) => Promise<T>): Promise<T> {
	return work(scopedHandle(sql, {...browseScopeWith(0), organizationId: org}));
}

/**
 * Stations within 2 km as a tenant: charging_stations_within (GiST) vs ST_DWithin under RLS (a scan of every station).
 * The product returns what the superuser's statement returns (station id, distance); the console joins the result
 * back to charging_stations by primary key, timed as a comparison. The baseline is the seq scan as a tenant's own
 * SQL runs it, with the server's settings (jit on, as in the issue's "about 1 s"); the same scan with the console's
 * jit off is a comparison: against it no index plan reaches 100x at 50 000 stations (the superuser's does not).
 */
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
		// each fast variant first visits every point once, untimed: the first to read a point's index and heap pages
		// would otherwise pay for bringing them into shared buffers, and the order of the variants would decide
		const warm = {warmup: points.length};
		const seqScan = (tx: Sql, run: number) => tx`
			select s.id, st_distance(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography) as distance_m
			from charging_stations s
			where st_dwithin(s.location, st_setsrid(st_makepoint(${at(run).longitude}, ${at(run).latitude}), 4326)::geography, ${radiusM})`;
		const product = await timeRuns(context.runs, run => inOrg(tenant.sql, tenant.org, tx => tx`
			select w.station_id, w.distance_m from charging_stations_within(${at(run).longitude}, ${at(run).latitude}, ${radiusM}) w`), warm);
		const joined = await timeRuns(context.runs, run => inOrg(tenant.sql, tenant.org, tx => tx`
			select s.id, w.distance_m from charging_stations_within(${at(run).longitude}, ${at(run).latitude}, ${radiusM}) w
			join charging_stations s on s.id = w.station_id`), warm);
		// the tenant's own statement with the server's settings: organization set transaction-locally, nothing else
		const baseline = await timeRuns(Math.max(context.slowBaselineRuns, 3), run => seqScan(scopedHandle(tenant.sql, {readOnly: true, organizationId: tenant.org}), run), {warmup: 1});
		const baselineNoJit = summarize(await timeRuns(Math.max(context.slowBaselineRuns, 3), run => inOrg(tenant.sql, tenant.org, tx => seqScan(tx, run)), {warmup: 1}), 'lower');
		const superuser = await timeRuns(context.runs, run => seqScan(sql, run), warm);
		// the same statement in the tenant's transaction shape (BEGIN and SET LOCALs, the query, COMMIT, sent back to
		// back), so that the ratio compares the searches, not the transaction around them
		const superInTransaction = await timeRuns(context.runs, run => inOrg(sql, tenant.org, tx => seqScan(tx, run)), warm);
		const productMedian = summarize(product, 'lower').median;
		const superBare = summarize(superuser, 'lower');
		const superMedian = summarize(superInTransaction, 'lower');
		const joinedMedian = summarize(joined, 'lower');
		const [{stations}] = await sql<[{stations: number}]>`select count(*)::int as stations from charging_stations`;
		return measuredFigure(
			{id: 'radiusTenant', title: 'stations within 2 km, as a tenant reader (RLS)', unit: 'ms', better: 'lower', target: '≥ 100× faster, ≤ 3× superuser'},
			product,
			{title: 'ST_DWithin under RLS (tenant, server settings: jit as configured)', samples: baseline},
			{
				ratioKind: 'faster',
				pass: (value, ratio) => ratio !== null && ratio >= 100 && value <= 3 * superMedian.median,
				details: {stations, radiusM},
				comparisons: [
					{title: 'ST_DWithin as superuser (no RLS), same transaction shape', median: superMedian.median, p95: superMedian.p95, ratio: productMedian / superMedian.median},
					{title: 'ST_DWithin as superuser (no RLS), bare statement', median: superBare.median, p95: superBare.p95, ratio: productMedian / superBare.median},
					{title: 'ST_DWithin under RLS (tenant), jit off as the console runs (ratio: times the product)', median: baselineNoJit.median, p95: baselineNoJit.p95, ratio: baselineNoJit.median / productMedian},
					{title: 'the search joined back to charging_stations by id (the console\'s board)', median: joinedMedian.median, p95: joinedMedian.p95, ratio: joinedMedian.median / productMedian},
				],
				note: 'charging_stations_within() as the tenant, through the console\'s scopedHandle (SET LOCAL org, jit off, one round trip)',
			},
		);
	} finally {
		await tenant.close();
	}
}

/** The schema's own predicate (evfleet_enable_tenant_rls). */
const todaysPredicate = '(select s.organization_id from public.evfleet_tenant_scope s)';

/** The predicates compared, each applied to its own login through a policy for that login's role alone. */
const predicateVariants = {
	today: todaysPredicate,
	// before bindings: the setting read as is (app.current_org_id trusted)
	trusted: 'evfleet_bench_setting_org()',
	// the first bindings predicate, until 2026-12-06: the same rule in a SQL SECURITY DEFINER function
	function: '(select evfleet_bench_function_org())',
} as const;
type Variant = keyof typeof predicateVariants;
const variantRole = (variant: Variant) => `evfleet_bench_predicate_${variant}`;

/**
 * Gives each variant's role its own policy on every partitioned and plain tenant table (queries through a parent use
 * the parent's policies), the schema's tenant_isolation policy limited to the `today` role meanwhile; `undo` puts
 * tenant_isolation back TO public and drops the variants' policies and roles.
 */
async function variantPolicies(sql: Sql, undo: boolean): Promise<void> {
	const variants = (Object.keys(predicateVariants) as Variant[]).filter(v => v !== 'today');
	await sql.unsafe(`
		do $$
		declare p record;
		begin
			${undo ? '' : (Object.keys(predicateVariants) as Variant[]).map(v => `if not exists (select 1 from pg_roles where rolname = '${variantRole(v)}') then create role ${variantRole(v)} nologin; end if;`).join('\n')}
			for p in
				select pol.polname, pol.polrelid::regclass as rel, (regexp_match(pg_get_expr(pol.polqual, pol.polrelid), '^\\((\\w+) = '))[1] as col
				from pg_policy pol join pg_class c on c.oid = pol.polrelid
				where pol.polname like '%\\_tenant\\_isolation' and not c.relispartition
			loop
				${undo
					? `execute format('alter policy %I on %s to public', p.polname, p.rel);
				${variants.map(v => `execute format('drop policy if exists %I on %s', 'bench_${v}', p.rel);`).join('\n')}`
					: `execute format('alter policy %I on %s to ${variantRole('today')}', p.polname, p.rel);
				${variants.map(v => `execute format('create policy %I on %s for all to ${variantRole(v)} using (%I = ${predicateVariants[v]}) with check (%I = ${predicateVariants[v]})', 'bench_${v}', p.rel, p.col, p.col);`).join('\n')}`}
			end loop;
		end
		$$`);
}

/**
 * The live page and one vehicle's last 100 rows as bound tenant readers: one login per predicate (today's: the
 * login's binding read through the view evfleet_tenant_scope, an initplan planned with the statement; the setting
 * trusted, as before bindings: the baseline; the first bindings predicate: a SQL SECURITY DEFINER function, parsed and
 * planned again in every statement), each login's role with its own policy. The three are measured sample by sample
 * in turn (the order rotating), so a burst of load on this shared machine falls on all three alike.
 */
export async function tenantPredicate(context: BenchContext): Promise<Figure> {
	const {sql} = context;
	const variants = Object.keys(predicateVariants) as Variant[];
	const logins: Partial<Record<Variant, Awaited<ReturnType<typeof tenantReader>>>> = {};
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
		await variantPolicies(sql, false);
		for (const variant of variants) logins[variant] = await tenantReader(context, `evfleet_bench_tenant_${variant}`, [variantRole(variant)]);
		const org = logins.today!.org;
		const vehicles = await sql<Array<{id: string}>>`
			select v.id from vehicles v where v.organization_id = ${org} and exists (select 1 from vehicle_live_state s where s.vehicle_id = v.id)
			order by md5(v.id::text) limit ${context.runs + 2}`;
		const pick = (run: number) => vehicles[(run + vehicles.length) % vehicles.length]!.id;
		const samples = Object.fromEntries(variants.map(v => [v, {live: [] as number[], last100: [] as number[]}])) as Record<Variant, {live: number[]; last100: number[]}>;
		const live = (variant: Variant) => inOrg(logins[variant]!.sql, org, tx => liveVehicles(tx, {}));
		const last100 = (variant: Variant, run: number) => inOrg(logins[variant]!.sql, org, tx => listTelematics(tx, {vehicleId: pick(run), limit: 100}));
		const time = async (work: () => Promise<unknown>) => {
			const started = performance.now();
			await work();
			return performance.now() - started;
		};
		// the same rows for every login, or the comparison would be of different work (a login seeing nothing is fast)
		const seen = await Promise.all(variants.map(async variant => {
			const page = await last100(variant, 0);
			return `${page.rows.length} ${page.rows[0]?.recordedAt.toISOString() ?? '-'} ${page.total}`;
		}));
		if (new Set(seen).size !== 1 || seen[0]!.startsWith('0 ')) throw new Error(`the predicates' logins see different rows: ${variants.map((v, i) => `${v}: ${seen[i]}`).join('; ')}`);
		for (let run = -2; run < context.runs * 3; run++) {
			const order = variants.map((_, i) => variants[(i + Math.max(run, 0)) % variants.length]!);
			for (const variant of order) {
				const liveMs = await time(() => live(variant));
				const last100Ms = await time(() => last100(variant, run));
				if (run < 0) continue; // warm-up: plans cached, as for every other figure
				samples[variant].live.push(liveMs);
				samples[variant].last100.push(last100Ms);
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
				details: {vehicleId: pick(0)},
				comparisons: [
					comparison('last 100 rows, bindings predicate (view)', 'today', 'last100'),
					comparison('last 100 rows, predicate before bindings', 'trusted', 'last100'),
					comparison('live page, bindings in a SQL function (until 2026-12-06)', 'function', 'live'),
					comparison('last 100 rows, bindings in a SQL function (until 2026-12-06)', 'function', 'last100'),
				],
				note: 'one login per predicate, measured in turn sample by sample (order rotating): load falls on all three alike',
			},
		);
	} finally {
		for (const tenant of Object.values(logins)) await tenant.close();
		const attempt = (what: string, work: () => Promise<unknown>) => work().catch((error: unknown) => context.log(`  could not ${what}: ${String(error)}`));
		// the schema's policy back TO public first, whatever else fails
		await attempt('restore the tenant policies', () => variantPolicies(sql, true));
		for (const variant of variants) {
			await attempt(`drop the ${variant} login`, async () => {
				await sql`delete from organization_logins where role_name = ${`evfleet_bench_tenant_${variant}`}`;
				await sql.unsafe(`drop role if exists evfleet_bench_tenant_${variant}; drop role if exists ${variantRole(variant)}`);
			});
		}
		await attempt('drop evfleet_bench_setting_org()', () => sql`drop function if exists evfleet_bench_setting_org()`);
		await attempt('drop evfleet_bench_function_org()', () => sql`drop function if exists evfleet_bench_function_org()`);
	}
}
