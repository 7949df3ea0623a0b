// Applies the schema files in order, each in its own transaction, and records them in evfleet_schema_migrations.
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Sql} from 'postgres';
import {MigrationError, UsageError} from '../model/errors.js';
import {formatDuration} from '../text/formats.js';

/** The spec's order ("Getting Started"); other .sql files in a --dir follow, by name. */
export const schemaFiles = ['schema.sql', 'fleet_schema.sql', 'charging_schema.sql', 'routes_schema.sql', 'energy_schema.sql'];

/** Applied last, and only on a Citus coordinator (a database with the citus extension): distributes the tables. */
export const citusFile = 'citus.sql';

/** The package's sql/ folder, from source/db or dist/db alike. */
export const defaultSqlDir = fileURLToPath(new URL('../../sql', import.meta.url));

export type MigrationFile = {name: string; path: string; checksum: string; content: string};

export type MigrationState = {
	name: string;
	status: 'applied' | 'pending' | 'changed' | 'missing';
	checksum: string | null;
	appliedChecksum: string | null;
	appliedAt: Date | null;
	durationMs: number | null;
};

export type MigrateResult = {
	applied: Array<{name: string; durationMs: number}>;
	/** Files changed since they were applied, applied again (reapplyChanged). */
	reapplied: Array<{name: string; durationMs: number}>;
	alreadyApplied: string[];
	dryRun: boolean;
};

export function checksumOf(content: string): string {
	return createHash('sha256').update(content).digest('hex');
}

export function readMigrationFiles(dir = defaultSqlDir, {citus = false}: {citus?: boolean} = {}): MigrationFile[] {
	let names: string[];
	try {
		names = fs.readdirSync(dir).filter(name => name.endsWith('.sql') && (citus || name !== citusFile));
	} catch {
		throw new UsageError(`cannot read the schema folder ${dir}`, 'give an existing folder with --dir');
	}
	if (names.length === 0) throw new UsageError(`no .sql files in ${dir}`);
	const rank = (name: string) => {
		const index = schemaFiles.indexOf(name);
		return name === citusFile ? schemaFiles.length + 1 : index === -1 ? schemaFiles.length : index;
	};
	names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
	return names.map(name => {
		const file = path.join(dir, name);
		const content = fs.readFileSync(file, 'utf8');
		return {name, path: file, checksum: checksumOf(content), content};
	});
}

const ledger = 'evfleet_schema_migrations';
// One key for every migrate run on a server, whatever the database: two runs never interleave.
const lockKey = 0x65766d67; // "evmg"

async function ensureLedger(sql: Sql): Promise<void> {
	await sql`
		create table if not exists evfleet_schema_migrations (
			filename text primary key,
			checksum text not null,
			applied_at timestamptz not null default now(),
			duration_ms integer not null
		)`.execute();
}

async function isCitus(sql: Sql): Promise<boolean> {
	const [{citus}] = (await sql<{citus: boolean}[]>`select exists (select 1 from pg_extension where extname = 'citus') as citus`) as unknown as [{citus: boolean}];
	return citus;
}

type LedgerRow = {filename: string; checksum: string; appliedAt: Date; durationMs: number};

async function readLedger(sql: Sql): Promise<Map<string, LedgerRow>> {
	const [{exists}] = (await sql<{exists: boolean}[]>`select to_regclass(${ledger}) is not null as exists`) as unknown as [{exists: boolean}];
	if (!exists) return new Map();
	const rows = await sql<LedgerRow[]>`select filename, checksum, applied_at, duration_ms from evfleet_schema_migrations`;
	return new Map(rows.map(row => [row.filename, row]));
}

export async function migrationStatus(sql: Sql, dir = defaultSqlDir): Promise<MigrationState[]> {
	const files = readMigrationFiles(dir, {citus: await isCitus(sql)});
	const done = await readLedger(sql);
	const states: MigrationState[] = files.map(file => {
		const row = done.get(file.name);
		done.delete(file.name);
		return {
			name: file.name,
			status: !row ? 'pending' : row.checksum === file.checksum ? 'applied' : 'changed',
			checksum: file.checksum,
			appliedChecksum: row?.checksum ?? null,
			appliedAt: row?.appliedAt ?? null,
			durationMs: row?.durationMs ?? null,
		};
	});
	for (const row of done.values()) {
		states.push({name: row.filename, status: 'missing', checksum: null, appliedChecksum: row.checksum, appliedAt: row.appliedAt, durationMs: row.durationMs});
	}
	return states;
}

/** 1-based line of a character offset (PostgreSQL's error position) in a file's text. */
export function lineOf(content: string, position: number): number {
	return content.slice(0, Math.max(0, position - 1)).split('\n').length;
}

type PgError = Error & {code?: string; position?: string; internal_position?: string; where?: string; detail?: string; hint?: string};

function describeFailure(file: MigrationFile, error: PgError, relative: string, lockTimeoutMs: number): MigrationError {
	if (error.code === '55P03') {
		return new MigrationError(
			`${relative}: could not get a lock within ${formatDuration(lockTimeoutMs)} (lock_timeout): ${error.message}`,
			'nothing from this file was applied; another session holds the table (a long COPY or transaction): retry in a quiet moment, or raise --lock-timeout',
		);
	}
	const position = Number(error.position);
	const line = Number.isFinite(position) && position > 0 ? `:${lineOf(file.content, position)}` : '';
	const context = error.where ? ` (${error.where.split('\n')[0]})` : '';
	return new MigrationError(`${relative}${line}: ${error.message}${context}`, 'nothing from this file was applied; fix it and run evfleet db migrate again');
}

export const defaultMigrateLockTimeoutMs = 10_000;

export type MigrateOptions = {
	dir?: string;
	dryRun?: boolean;
	/**
	 * Apply again the files changed since they were applied, in file order with the pending ones, and record their
	 * new checksum. For files written to be re-run (evfleet's own sql/: CREATE OR REPLACE, IF NOT EXISTS): the way
	 * to bring a database up to a newer evfleet.
	 */
	reapplyChanged?: boolean;
	/** Each file gives up (and rolls back) when a lock is not granted within this time; 0 waits forever. Default 10 s. */
	lockTimeoutMs?: number;
	onProgress?: (event: {kind: 'waiting-for-lock'} | {kind: 'start'; file: string} | {kind: 'done'; file: string; durationMs: number}) => void;
};

/**
 * Applies pending files. Needs a postgres.js instance with max: 1 so the advisory lock,
 * every file's transaction and the ledger writes share one session.
 */
export async function migrate(sql: Sql, options: MigrateOptions = {}): Promise<MigrateResult> {
	const dir = options.dir ?? defaultSqlDir;
	const lockTimeoutMs = Math.max(0, Math.round(options.lockTimeoutMs ?? defaultMigrateLockTimeoutMs));
	const files = readMigrationFiles(dir, {citus: await isCitus(sql)});
	const relative = (file: MigrationFile) => path.relative(process.cwd(), file.path) || file.name;
	const [{locked}] = (await sql<{locked: boolean}[]>`select pg_try_advisory_lock(${lockKey}) as locked`) as unknown as [{locked: boolean}];
	if (!locked) {
		options.onProgress?.({kind: 'waiting-for-lock'});
		await sql`select pg_advisory_lock(${lockKey})`;
	}
	try {
		const done = await readLedger(sql);
		const changed = files.filter(file => done.has(file.name) && done.get(file.name)!.checksum !== file.checksum);
		if (changed.length > 0 && !options.reapplyChanged) {
			const file = changed[0]!;
			const row = done.get(file.name)!;
			throw new MigrationError(
				`${relative(file)} changed after it was applied on ${row.appliedAt.toISOString()} (checksum ${row.checksum.slice(0, 12)}… is now ${file.checksum.slice(0, 12)}…)`,
				'applied files are never re-applied silently: restore the file, put the change in a new .sql file, or (evfleet\'s own sql/, written to be re-run, after an upgrade) evfleet db migrate --reapply-changed',
			);
		}
		const isChanged = new Set(changed.map(file => file.name));
		const toRun = files.filter(file => !done.has(file.name) || isChanged.has(file.name));
		const result: MigrateResult = {
			applied: [],
			reapplied: [],
			alreadyApplied: files.filter(file => done.has(file.name) && !isChanged.has(file.name)).map(file => file.name),
			dryRun: Boolean(options.dryRun),
		};
		if (options.dryRun) {
			for (const file of toRun) (isChanged.has(file.name) ? result.reapplied : result.applied).push({name: file.name, durationMs: 0});
			return result;
		}
		if (toRun.length > 0) await ensureLedger(sql);
		for (const file of toRun) {
			options.onProgress?.({kind: 'start', file: file.name});
			const started = performance.now();
			try {
				await sql.begin(async tx => {
					// A file waiting for a lock would queue every later writer of that table behind it: give up instead.
					await tx`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`;
					await tx.unsafe(file.content).simple();
					const durationMs = Math.round(performance.now() - started);
					await tx`
						insert into evfleet_schema_migrations (filename, checksum, duration_ms) values (${file.name}, ${file.checksum}, ${durationMs})
						on conflict (filename) do update set checksum = excluded.checksum, applied_at = now(), duration_ms = excluded.duration_ms`;
				});
			} catch (error) {
				throw describeFailure(file, error as PgError, relative(file), lockTimeoutMs);
			}
			const durationMs = Math.round(performance.now() - started);
			(isChanged.has(file.name) ? result.reapplied : result.applied).push({name: file.name, durationMs});
			options.onProgress?.({kind: 'done', file: file.name, durationMs});
		}
		return result;
	} finally {
		await sql`select pg_advisory_unlock(${lockKey})`.catch(() => {});
	}
}
