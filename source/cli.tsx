#!/usr/bin/env node
import Pastel from 'pastel';
import {installCliRules} from './app/commander.js';
import {hangUp, isTerminalGone} from './app/hangup.js';

installCliRules();

/** Parses the command line and runs the command. The built bundle calls it once Yoga is ready (scripts/build.mjs). */
export async function run(): Promise<void> {
	// A reader that has read enough closes the pipe (`evfleet vehicles --csv | head`): stop quietly, as Unix tools do,
	// instead of an unhandled EPIPE and its stack trace.
	// The terminal itself gone (EIO, as a hang-up may show before its SIGHUP arrives): end as the hang-up does.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (isTerminalGone(error)) return hangUp();
		if (error.code !== 'EPIPE') throw error;
		process.exit(0);
	});
	const app = new Pastel({importMeta: {url: import.meta.url} as ImportMeta, name: 'evfleet', description: 'Admin console for the evfleet PostgreSQL database'});
	await app.run();
}

// Run directly (`npm run dev`, tsx): start now.
if (process.argv[1] && /[\\/]cli\.tsx$/.test(process.argv[1])) void run();
