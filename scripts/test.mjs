#!/usr/bin/env node
// Runs vitest and ends with the one line CI reads: "N passed, N failed".
//   npm test [-- vitest args]      the suite (vitest.config.ts)
//   npm test -- --with-citus       the suite, then the Citus tests; the last line counts both runs
//   npm run test:citus             only the Citus tests (vitest.citus.config.ts: builds Citus if missing, starts a cluster)
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';

const args = process.argv.slice(2);
const citusOnly = args.includes('--citus-only');
const withCitus = args.includes('--with-citus');
const vitestArgs = args.filter(arg => arg !== '--citus-only' && arg !== '--with-citus');

/** One vitest run; its passed and failed tests, a failed file or setup counting as one failure. */
function runVitest(name, extra) {
	const report = `.tmp/vitest-report-${name}.json`;
	fs.mkdirSync('.tmp', {recursive: true});
	fs.rmSync(report, {force: true});
	const started = Date.now();
	const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], {stdio: 'inherit'});
	let passed = 0;
	let failed = 0;
	try {
		const json = JSON.parse(fs.readFileSync(report, 'utf8'));
		passed = json.numPassedTests;
		failed = json.numFailedTests;
		// A file that fails to load, or a failed global setup, has no failed test but must still count.
		if (failed === 0 && (result.status ?? 1) !== 0) failed = Math.max(1, json.numFailedTestSuites ?? 0);
	} catch {
		failed = Math.max(failed, 1);
	}
	return {passed, failed, status: result.status ?? 1, seconds: (Date.now() - started) / 1000};
}

const runs = [];
if (!citusOnly) runs.push(runVitest('main', vitestArgs));
if (citusOnly || withCitus) {
	const citus = runVitest('citus', ['--config', 'vitest.citus.config.ts', ...(citusOnly ? vitestArgs : [])]);
	console.log(`citus tests: ${citus.passed} passed, ${citus.failed} failed in ${citus.seconds.toFixed(0)} s (build, cluster, load and tests)`);
	runs.push(citus);
}
const passed = runs.reduce((sum, run) => sum + run.passed, 0);
const failed = runs.reduce((sum, run) => sum + run.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(runs.find(run => run.status !== 0)?.status ?? 0);
