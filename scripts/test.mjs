#!/usr/bin/env node
// Runs vitest and ends with the one line CI reads: "N passed, N failed".
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';

const report = '.tmp/vitest-report.json';
fs.mkdirSync('.tmp', {recursive: true});
fs.rmSync(report, {force: true});
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {stdio: 'inherit'});
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
console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status ?? 1);
