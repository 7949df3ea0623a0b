// The console's :users view shows each user's organization: the query returns it and the console's data passes it on.
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {Sql} from '../../source/db/connection.js';
import {listUsers} from '../../source/db/queries/users.js';
import {createConsoleData} from '../../source/app/console-sources.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let sql: Sql;

async function user(organizationId: string, email: string): Promise<void> {
	await sql`insert into users (organization_id, email, full_name) values (${organizationId}, ${email}, ${email.split('@')[0]!})`;
}

beforeAll(async () => {
	db = await createTestDatabase();
	sql = db.sql;
	const nile = await fixture.organization(sql, {name: 'Nile Green Logistics'});
	const capital = await fixture.organization(sql, {name: 'Capital E-Mobility'});
	await user(nile.id, 'amira@nile.example');
	await user(capital.id, 'karim@capital.example');
});

afterAll(async () => {
	await db?.close();
});

it('lists every user with the name of the organization they belong to', async () => {
	const page = await listUsers(sql, {limit: 10, sort: 'email'});
	expect(page.rows.map(u => [u.email, u.organizationName])).toEqual([
		['amira@nile.example', 'Nile Green Logistics'],
		['karim@capital.example', 'Capital E-Mobility'],
	]);
});

it('gives the users view each user organization, not a dash', async () => {
	const data = createConsoleData(sql);
	const page = await data.users.list({limit: 10, sort: 'email'});
	expect(page.rows.map(u => u.organizationName)).toEqual(['Nile Green Logistics', 'Capital E-Mobility']);
});
