// Reads on a real streaming replica (pg_basebackup -R of the test server): browse, live and chart queries go to
// --read-url, maintenance and writes to the primary; live views show how far the replica is behind.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {freePort} from '../../source/demo/cluster.js';
import {connect, parseConnectionUrl} from '../../source/db/connection.js';
import {openBrowse} from '../../source/db/scope.js';
import {liveVehiclesSource} from '../../source/db/sources/live.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {runCliInPty} from '../helpers/pty.js';
import {startReplica, type Replica} from '../helpers/scale-out.js';
import {fleet, organization, vehicle} from './browse-fixtures.js';

let db: TestDatabase;
let replica: Replica;
let replicaUrl: string;
let org: {id: string; slug: string};
let fleetId: string;

beforeAll(async () => {
	db = await createTestDatabase();
	org = await organization(db.sql, {slug: 'replicated-org'});
	fleetId = (await fleet(db.sql, org.id)).id;
	await vehicle(db.sql, {organizationId: org.id, fleetId}, {plate: 'REPL-1'});
	replica = await startReplica();
	replicaUrl = replica.through(db.url);
	await replica.caughtUp();
}, 120_000);

afterAll(async () => {
	await replica?.stop();
	await db?.close();
});

/** Exit 0 and no error line (progress and summaries on stderr are fine). */
const outcome = (result: {code: number | null; stderr: string}) => ({code: result.code, error: result.stderr.split('\n').filter(line => line.startsWith('evfleet:'))});

describe('--read-url', () => {
	it('serves browse commands from the replica alone (the primary URL is not even reachable)', async () => {
		const nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/${db.name}?connect_timeout=2`;
		for (const args of [['orgs', '--json'], ['vehicles', '--org', org.slug, '--json'], ['watch', 'vehicles', '--once'], ['battery', '--org', org.slug]]) {
			const result = await runCli([...args, '--url', nowhere, '--read-url', replicaUrl]);
			expect({args, ...outcome(result)}).toEqual({args, code: 0, error: []});
			if (args[1] === '--json') expect(result.stdout).toContain(args[0] === 'orgs' ? org.slug : 'REPL-1');
		}
	}, 120_000);

	it('sends maintenance to the primary (the replica itself refuses it)', async () => {
		const onReplica = await runCli(['maint', 'analyze', 'vehicles', '--yes', '--url', replicaUrl]);
		expect(onReplica.code).toBe(1);
		const withReadUrl = await runCli(['maint', 'analyze', 'vehicles', '--yes', '--url', db.url, '--read-url', replicaUrl]);
		expect(outcome(withReadUrl)).toEqual({code: 0, error: []});
	}, 60_000);

	it('shows rows written on the primary once the replica has replayed them', async () => {
		await vehicle(db.sql, {organizationId: org.id, fleetId}, {plate: 'REPL-2'});
		await replica.caughtUp();
		const browse = await openBrowse({...parseConnectionUrl(db.url, '--url'), read: parseConnectionUrl(replicaUrl, '--read-url')}, org.slug, {max: 1});
		try {
			const [row] = await browse.sql<{replica: boolean; plates: string[]}[]>`select pg_is_in_recovery() as replica, array_agg(plate order by plate) as plates from vehicles`;
			expect(row).toEqual({replica: true, plates: ['REPL-1', 'REPL-2']});
		} finally {
			await browse.sql.end({timeout: 1});
		}
	});
});

describe('replication lag in live views', () => {
	it('a live snapshot from the replica says how far behind it is; one from the primary says nothing', async () => {
		const onReplica = await connect(parseConnectionUrl(replicaUrl, 'replica'), {max: 1});
		const onPrimary = await connect(parseConnectionUrl(db.url, 'primary'), {max: 1});
		try {
			await replica.caughtUp();
			const fromReplica = await liveVehiclesSource(onReplica).snapshot({limit: 10});
			expect(fromReplica.replicaLagMs).toBeTypeOf('number');
			expect(fromReplica.replicaLagMs).toBeGreaterThanOrEqual(0);
			const fromPrimary = await liveVehiclesSource(onPrimary).snapshot({limit: 10});
			expect(fromPrimary).not.toHaveProperty('replicaLagMs');
		} finally {
			await Promise.all([onReplica.end({timeout: 1}), onPrimary.end({timeout: 1})]);
		}
	});

	it('the console header shows the primary and the replica, the live view the lag beside the data age', async () => {
		const run = runCliInPty(['--url', db.url, '--read-url', replicaUrl, '--view', 'live'], {columns: 200});
		try {
			const port = new URL(replicaUrl).port;
			await run.waitFor(text => /updated \d+s ago.*?·\s*replica (caught up|[\d.]+ (ms|s) behind)/.test(text));
			expect(run.output()).toContain(`/${db.name} · reads 127.0.0.1:${port}`);
			run.write('q');
			expect(await run.exited).toBe(0);
		} finally {
			run.kill();
		}
	}, 60_000);
});
