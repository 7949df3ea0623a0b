// The `:` line's argument completion against a real database: fleet names, VINs and plates, organization slugs,
// seen through the session's organization scope (row-level security).
import {afterAll, beforeAll, expect, it} from 'vitest';
import {parseConnectionUrl, type Sql} from '../../source/db/connection.js';
import {completionSource} from '../../source/db/queries/completion.js';
import {openScoped} from '../../source/db/scope.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let sql: Sql;

beforeAll(async () => {
	db = await createTestDatabase();
	sql = db.sql;
	const nile = await fixture.organization(sql, {slug: 'nile-green', name: 'Nile Green'});
	const capital = await fixture.organization(sql, {slug: 'capital-e', name: 'Capital E'});
	const nasr = await fixture.fleet(sql, nile.id, {name: 'Nasr City Depot'});
	const maadi = await fixture.fleet(sql, nile.id, {name: 'Maadi Depot'});
	const nac = await fixture.fleet(sql, capital.id, {name: 'NAC Hub'});
	await fixture.vehicle(sql, {organizationId: nile.id, fleetId: nasr.id}, {vin: fixture.vin(101, 'JN1FE0000RA'), plate: 'NG 101'});
	await fixture.vehicle(sql, {organizationId: nile.id, fleetId: maadi.id}, {vin: fixture.vin(102, 'JN1FE0000RA'), plate: 'NG 102'});
	await fixture.vehicle(sql, {organizationId: capital.id, fleetId: nac.id}, {vin: fixture.vin(201, 'JN1FE0000RB'), plate: 'CE 201'});
});

afterAll(async () => {
	await db?.close();
});

it('completes fleet names by prefix, any case', async () => {
	expect(await completionSource(sql).complete('fleet', 'na', 10)).toEqual(['NAC Hub', 'Nasr City Depot']);
});

it('completes VINs by prefix and plates by prefix, bounded by the limit', async () => {
	const source = completionSource(sql);
	expect(await source.complete('vehicle', 'jn1fe0000ra', 10)).toEqual(['JN1FE0000RA000101', 'JN1FE0000RA000102']);
	expect(await source.complete('vehicle', 'ng', 10)).toEqual(['NG 101', 'NG 102']);
	expect(await source.complete('vehicle', 'JN1', 2)).toHaveLength(2);
});

it('completes organization slugs', async () => {
	expect(await completionSource(sql).complete('organization', 'ca', 10)).toEqual(['capital-e']);
});

it('offers only what the organization scope shows', async () => {
	const scoped = await openScoped(parseConnectionUrl(db.url, 'test'), 'nile-green', {readOnly: true});
	try {
		const source = completionSource(scoped.sql);
		expect(await source.complete('vehicle', 'JN1', 10)).toEqual(['JN1FE0000RA000101', 'JN1FE0000RA000102']);
		expect(await source.complete('fleet', 'N', 10)).toEqual(['Nasr City Depot']);
	} finally {
		await scoped.sql.end({timeout: 1});
	}
});
