// The server itself: version and the extensions evfleet uses or can use.
import type {Sql} from 'postgres';

export const knownExtensions = ['postgis', 'btree_gist', 'uuid-ossp', 'timescaledb', 'pg_cron'] as const;

export type ExtensionRow = {name: string; installedVersion: string | null; availableVersion: string | null};
export type ServerInfo = {version: string; versionNum: number; extensions: ExtensionRow[]};

export async function serverInfo(sql: Sql): Promise<ServerInfo> {
	const [row] = await sql<{version: string; versionNum: number}[]>`
		select current_setting('server_version') as version, current_setting('server_version_num')::int as version_num`;
	const extensions = await sql<ExtensionRow[]>`
		select n.name,
		       e.extversion as installed_version,
		       a.default_version as available_version
		from unnest(${sql.array([...knownExtensions])}::text[]) with ordinality as n(name, ord)
		left join pg_extension e on e.extname = n.name
		left join pg_available_extensions a on a.name = n.name
		order by n.ord`;
	return {version: `PostgreSQL ${row!.version}`, versionNum: row!.versionNum, extensions};
}
