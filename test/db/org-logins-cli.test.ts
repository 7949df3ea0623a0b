// evfleet org logins: list, grant and revoke the organization_logins bindings, as scripts run it (no terminal).
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {runCli, type CliResult} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {createSql, parseConnectionUrl} from '../../source/db/connection.js';

let db: TestDatabase;
const login = `cli_login_${randomBytes(4).toString('hex')}`;

function evfleet(args: string[], user?: string): Promise<CliResult> {
	const url = new URL(db.url);
	if (user) url.username = user;
	return runCli(args, {env: {DATABASE_URL: url.toString(), NO_COLOR: '1'}});
}

beforeAll(async () => {
	db = await createTestDatabase();
	await db.sql`insert into organizations (name, slug) values ('Acme', 'acme'), ('Globex', 'globex')`;
	await db.sql.unsafe(`create role ${login} login in role evfleet_reader`);
});

afterAll(async () => {
	await db?.close();
	const admin = createSql(parseConnectionUrl(inject('adminUrl'), 'test'), {max: 1});
	try {
		await admin.unsafe(`drop role if exists ${login}`);
	} finally {
		await admin.end({timeout: 5});
	}
});

// Each run is a real process (through tsx outside CI: several seconds each on a busy machine).
describe('evfleet org logins', {timeout: 120_000}, () => {
	it('grants with --yes, lists the binding, and the login then sees its organization without choosing it', async () => {
		const grant = await evfleet(['org', 'logins', 'grant', login, '--org', 'acme', '--yes']);
		expect(grant.stderr).toBe('');
		expect(grant.code).toBe(0);
		expect(grant.stdout).toContain(`${login} may now see acme`);
		const listed = await evfleet(['org', 'logins', 'list', '--org', 'acme', '--json']);
		expect(JSON.parse(listed.stdout)).toMatchObject([{roleName: login, organizationSlug: 'acme', loginExists: true}]);
		const sql = db.connect({user: login, max: 1});
		const rows = await sql<{slug: string}[]>`select slug from organizations`;
		expect(rows.map(r => r.slug)).toEqual(['acme']);
		const [log] = await db.sql<{action: string; outcome: string}[]>`select action, outcome from maintenance_log order by id desc limit 1`;
		expect(log).toEqual({action: 'org.logins.grant', outcome: 'done'});
	});

	it('revokes with --yes, after which the login sees nothing', async () => {
		const revoke = await evfleet(['org', 'logins', 'revoke', login, '--org', 'acme', '--yes']);
		expect(revoke.code).toBe(0);
		const sql = db.connect({user: login, max: 1});
		expect(await sql`select slug from organizations`).toHaveLength(0);
		const again = await evfleet(['org', 'logins', 'revoke', login, '--org', 'acme', '--yes']);
		expect(again.stdout).toContain('nothing to do');
	});

	it('refuses without --yes and without a terminal (exit 2), and changes nothing', async () => {
		const run = await evfleet(['org', 'logins', 'grant', login, '--org', 'globex']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/without a terminal/);
		expect(await db.sql`select 1 from organization_logins where role_name = ${login}`).toHaveLength(0);
	});

	it('refuses bad input with exit 2: no login, empty --org, unknown organization, unknown role', async () => {
		expect((await evfleet(['org', 'logins', 'grant', '--org', 'acme', '--yes'])).code).toBe(2);
		expect((await evfleet(['org', 'logins', 'grant', login, '--org', '', '--yes'])).code).toBe(2);
		const unknown = await evfleet(['org', 'logins', 'grant', login, '--org', 'initech', '--yes']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/no organization "initech"/);
		expect((await evfleet(['org', 'logins', 'grant', 'no_such_login', '--org', 'acme', '--yes'])).code).toBe(2);
	});

	it('fails with exit 1 and a hint for a login that is not evfleet_admin', async () => {
		const run = await evfleet(['org', 'logins', 'list'], login);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/only evfleet_admin members/);
	});
});
