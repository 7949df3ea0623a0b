// The cost of the tenant scope per query (db/scope.ts): every scoped query is a transaction that starts with SET LOCALs
// (transaction pooling and Citus need them transaction-local), measured against the same statement with the settings
// kept on the session, the floor that transaction pooling rules out.
import type {Sql} from '../../source/db/connection.js';
import {listVehicles} from '../../source/db/queries/vehicles.js';
import {browseScope, scopedHandle, setLocalStatements, type TransactionScope} from '../../source/db/scope.js';
import {measuredFigure, type BenchContext, type Figure} from '../lib/context.js';
import {summarize} from '../lib/stats.js';
import {tenantReader} from './tenant.js';

type Statement = {text: string; parameters: unknown[]};

/** The first statement `work` sends through sql (its text and parameters as postgres.js sent them). */
async function firstStatement(sql: Sql, work: (sql: Sql) => Promise<unknown>): Promise<Statement> {
	const sent: Array<{string?: string; parameters?: unknown[]}> = [];
	const recorder = new Proxy(sql, {
		apply(target, thisArg, args) {
			const query = Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args) as {string?: string; parameters?: unknown[]};
			sent.push(query);
			return query;
		},
	});
	await work(recorder);
	const first = sent.find(query => typeof query.string === 'string');
	if (!first) throw new Error('the list sent no statement');
	return {text: first.string!, parameters: first.parameters ?? []};
}

/**
 * One page of a tenant's vehicle list (the console's statement, 40 rows), as a bound tenant reader, three ways, runs
 * interleaved: through scopedHandle (BEGIN + SET LOCALs, the query and COMMIT sent back to back: one round trip);
 * the way scope.ts first did it (BEGIN, the SET LOCALs, the query, COMMIT, each awaited: four round trips); and the
 * floor: the settings on the session (SET), the query alone in autocommit.
 */
export async function scopedQuery(context: BenchContext): Promise<Figure> {
	const tenant = await tenantReader(context);
	const pool = tenant.sql;
	// the floor's connection: the same login, the scope's settings set on its session
	const floor = await tenantReader(context);
	try {
		const scope: TransactionScope = {...browseScope, organizationId: tenant.org};
		const statement = await firstStatement(context.sql, sql => listVehicles(sql, {limit: 40, organizationId: tenant.org}));
		const run = (sql: Sql) => sql.unsafe(statement.text, statement.parameters as never[]);
		const prologue = setLocalStatements(scope);
		const handle = scopedHandle(pool, scope);
		const awaited = () => pool.begin('read only', async tx => {
			await tx.unsafe(prologue);
			return run(tx as unknown as Sql);
		});
		await floor.sql.unsafe(`${setLocalStatements(scope).replaceAll('set local ', 'set ')}; set default_transaction_read_only = on`);
		const session = floor.sql;
		const samples = {product: [] as number[], awaited: [] as number[], floor: [] as number[]};
		const variants: Array<[keyof typeof samples, () => Promise<unknown>]> = [['product', () => run(handle)], ['awaited', awaited], ['floor', () => run(session)]];
		const [check] = (await run(handle)) as unknown as Array<{organizationId: string}>;
		if (check?.organizationId !== tenant.org) throw new Error('the scoped statement did not return the tenant\'s vehicles');
		for (let warm = 0; warm < 5; warm++) for (const [, variant] of variants) await variant();
		const runs = Math.max(context.runs * 4, 20);
		for (let index = 0; index < runs; index++) {
			// rotate the order, so that none always runs first after the others
			for (let k = 0; k < variants.length; k++) {
				const [name, variant] = variants[(index + k) % variants.length]!;
				const started = performance.now();
				await variant();
				samples[name].push(performance.now() - started);
			}
		}
		const awaitedSummary = summarize(samples.awaited, 'lower');
		const productMedian = summarize(samples.product, 'lower').median;
		const floorMedian = summarize(samples.floor, 'lower').median;
		return measuredFigure(
			{id: 'scopedQuery', title: 'one scoped list query (tenant, vehicles page)', unit: 'ms', better: 'lower', target: '≤ 1.2× the statement alone'},
			samples.product,
			{title: 'same statement alone, settings on the session (no scope transaction)', samples: samples.floor},
			{
				ratioKind: 'ofBaseline',
				pass: (_, ratio) => ratio !== null && ratio <= 1.2,
				details: {rows: 40, runs, overheadMs: productMedian - floorMedian, awaitedOverheadMs: awaitedSummary.median - floorMedian},
				comparisons: [{title: 'BEGIN, SET LOCALs, query, COMMIT each awaited (4 round trips)', median: awaitedSummary.median, p95: awaitedSummary.p95, ratio: awaitedSummary.median / floorMedian}],
				note: 'scopedHandle sends BEGIN + SET LOCALs, the query and COMMIT back to back (1 round trip); runs interleaved, order rotated',
			},
		);
	} finally {
		await Promise.all([tenant.close(), floor.close()]);
	}
}
