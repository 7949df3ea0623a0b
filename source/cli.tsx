#!/usr/bin/env node
import Pastel from 'pastel';
import {Command} from 'commander';

// Bad usage exits 2, as our other usage errors do (commander's default is 1).
const usageCodes = new Set(['commander.unknownOption', 'commander.unknownCommand', 'commander.missingArgument', 'commander.optionMissingArgument', 'commander.missingMandatoryOptionValue', 'commander.invalidArgument', 'commander.excessArguments', 'commander.conflictingOption']);
type Exit = (this: Command, exitCode: number, code: string, message: string) => never;
const prototype = Command.prototype as unknown as {_exit: Exit};
const exitWith = prototype._exit;
prototype._exit = function (exitCode, code, message) {
	return exitWith.call(this, usageCodes.has(code) ? 2 : exitCode, code, message);
};

// With a default command (the console: `evfleet` alone) taking --url too, commander would give a subcommand's
// --url to the root instead (`evfleet orgs --url X` connecting to the defaults): root options only before the subcommand.
type Parse = (this: Command, ...args: unknown[]) => Command;
const commandPrototype = Command.prototype as unknown as {parse: Parse};
const parse = commandPrototype.parse;
commandPrototype.parse = function (...args) {
	if (!this.parent) this.enablePositionalOptions();
	return parse.apply(this, args);
};

/** Parses the command line and runs the command. The built bundle calls it once Yoga is ready (scripts/build.mjs). */
export async function run(): Promise<void> {
	// A reader that has read enough closes the pipe (`evfleet vehicles --csv | head`): stop quietly, as Unix tools do,
	// instead of an unhandled EPIPE and its stack trace.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') throw error;
		process.exit(0);
	});
	const app = new Pastel({importMeta: {url: import.meta.url} as ImportMeta, name: 'evfleet', description: 'Admin console for the evfleet PostgreSQL database'});
	await app.run();
}

// Run directly (`npm run dev`, tsx): start now.
if (process.argv[1] && /[\\/]cli\.tsx$/.test(process.argv[1])) void run();
