// Each test file gets its own database, cloned from the migrated template, so files never see each other's rows.
import {randomBytes} from 'node:crypto';
import {inject} from 'vitest';
import {createSql, parseConnectionUrl, type ConnectOptions, type Sql} from '../../source/db/connection.js';

export type TestDatabase = {
	/** Superuser connection (bypasses row-level security), rows camelCase. */
	sql: Sql;
	url: string;
	name: string;
	/** Another connection to the same database, e.g. as another role or with startup parameters. */
	connect(options?: ConnectOptions & {user?: string}): Sql;
	close(): Promise<void>;
};

function databaseUrl(database: string, user?: string): string {
	const url = new URL(inject('adminUrl'));
	url.pathname = `/${database}`;
	if (user) url.username = user;
	return url.toString();
}

async function create(template: string | undefined): Promise<TestDatabase> {
	const parentPid = inject('templateDatabase').replace('evfleet_template_', '');
	const name = `evfleet_t_${parentPid}_${randomBytes(4).toString('hex')}`;
	const admin = createSql(parseConnectionUrl(inject('adminUrl'), 'test'), {max: 1});
	try {
		await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
	} finally {
		await admin.end({timeout: 5});
	}
	const url = databaseUrl(name);
	const opened: Sql[] = [];
	const connect = (options: ConnectOptions & {user?: string} = {}) => {
		const sql = createSql(parseConnectionUrl(databaseUrl(name, options.user), 'test'), options);
		opened.push(sql);
		return sql;
	};
	const sql = connect();
	return {
		sql,
		url,
		name,
		connect,
		async close() {
			await Promise.all(opened.map(s => s.end({timeout: 5})));
			const dropper = createSql(parseConnectionUrl(inject('adminUrl'), 'test'), {max: 1});
			try {
				await dropper.unsafe(`drop database if exists ${name} with (force)`);
			} finally {
				await dropper.end({timeout: 5});
			}
		},
	};
}

/** A fresh database with the whole schema applied (by the migrator, as in production). */
export function createTestDatabase(): Promise<TestDatabase> {
	return create(inject('templateDatabase'));
}

/** A fresh, empty database (template0): for migrator tests with fixture folders. */
export function createEmptyDatabase(): Promise<TestDatabase> {
	return create('template0');
}
