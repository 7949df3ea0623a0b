// The Citus cluster the Citus tests run on: the vendored Citus built when missing (shared/citus/build.sh, idempotent)
// and a coordinator with two workers on loopback (shared/citus/cluster.sh), in a throw-away directory, on free ports.
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {freePort} from '../../source/demo/cluster.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');

/**
 * shared/citus beside the clone (CI: ../shared), or beside a parent of it (a git worktree in wt/<name>), or
 * $EVFLEET_CITUS_DIR.
 */
export function findCitusScripts(env = process.env): string {
	const candidates = [env['EVFLEET_CITUS_DIR'], path.join(repo, '../shared/citus'), path.join(repo, '../../shared/citus')].filter((dir): dir is string => Boolean(dir));
	const found = candidates.find(dir => fs.existsSync(path.join(dir, 'build.sh')) && fs.existsSync(path.join(dir, 'cluster.sh')));
	if (!found) throw new Error(`no Citus build scripts (build.sh, cluster.sh) in ${candidates.join(' or ')}: set EVFLEET_CITUS_DIR`);
	return found;
}

export type CitusCluster = {url: string; directory: string; stop(): Promise<void>};

async function script(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
	try {
		const {stdout} = await run('bash', [file, ...args], {env: {...process.env, ...env}, maxBuffer: 64 * 1024 * 1024});
		return stdout;
	} catch (error) {
		const e = error as Error & {stderr?: string};
		throw new Error(`${path.basename(file)} ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-8).join('\n')}`, {cause: error});
	}
}

/** Builds Citus if this PostgreSQL has none (about 2 minutes on 2 cores; a no-op once installed). */
export async function buildCitus(scripts = findCitusScripts()): Promise<void> {
	await script(path.join(scripts, 'build.sh'), []);
}

/** Starts a coordinator and two workers with database `database` (citus created in it on every node). */
export async function startCitusCluster(database: string, scripts = findCitusScripts()): Promise<CitusCluster> {
	// A short path: the servers' unix sockets live in it (cluster.sh refuses more than 90 characters).
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'evfleet-citus-'));
	fs.chmodSync(directory, 0o755);
	const ports = [await freePort(), await freePort(), await freePort()];
	const clusterScript = path.join(scripts, 'cluster.sh');
	const stop = async () => {
		await script(clusterScript, ['stop', directory]).catch(() => undefined);
		fs.rmSync(directory, {recursive: true, force: true});
	};
	try {
		const out = await script(clusterScript, ['start', directory, ...ports.map(String)], {CITUS_DB: database});
		const url = out.trim().split('\n').at(-1)!;
		if (!url.startsWith('postgres://')) throw new Error(`cluster.sh printed no coordinator URL: ${out.slice(-300)}`);
		return {url, directory, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}
