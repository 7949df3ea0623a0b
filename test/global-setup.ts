// One PostgreSQL for the whole run: TEST_DATABASE_URL, or a throw-away cluster. A migrated template
// database is made once; every test file clones its own database from it (test/helpers/db.ts).
import type {TestProject} from 'vitest/node';
import {startCluster, type Cluster} from '../source/demo/cluster.js';
import {createSql, parseConnectionUrl} from '../source/db/connection.js';
import {migrate} from '../source/db/migrate.js';

declare module 'vitest' {
	export interface ProvidedContext {
		adminUrl: string;
		templateDatabase: string;
	}
}

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

export default async function setup(project: TestProject) {
	let cluster: Cluster | undefined;
	let adminUrl = process.env['TEST_DATABASE_URL'];
	if (!adminUrl) {
		try {
			cluster = await startCluster();
		} catch (error) {
			// Never skip silently: without a database the run fails, and says how to fix it.
			throw new Error(`tests need PostgreSQL with PostGIS and none could be started: ${(error as Error).message}\nset TEST_DATABASE_URL to a server you can create databases on, or install the server binaries`, {cause: error});
		}
		adminUrl = cluster.url;
	}
	const templateDatabase = `evfleet_template_${process.pid}`;
	const admin = createSql(parseConnectionUrl(adminUrl, 'TEST_DATABASE_URL'), {max: 1});
	try {
		await admin.unsafe(`create database ${templateDatabase}`);
		const template = createSql(parseConnectionUrl(withDatabase(adminUrl, templateDatabase), 'template'), {max: 1});
		try {
			await migrate(template);
		} finally {
			await template.end({timeout: 5});
		}
	} catch (error) {
		await admin.unsafe(`drop database if exists ${templateDatabase}`).catch(() => {});
		await admin.end({timeout: 5});
		await cluster?.stop();
		throw error;
	}
	project.provide('adminUrl', adminUrl);
	project.provide('templateDatabase', templateDatabase);

	return async () => {
		try {
			const leftovers = await admin<{datname: string}[]>`select datname from pg_database where datname like ${`evfleet_t_${process.pid}_%`} or datname = ${templateDatabase}`;
			for (const {datname} of leftovers) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
		} finally {
			await admin.end({timeout: 5});
			await cluster?.stop();
		}
	};
}
