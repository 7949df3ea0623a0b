// The one adapter between evfleet and commander (which Pastel builds its program with and gives no hook into):
// before the root command parses, every command of the tree gets evfleet's rules through commander's public API.
// test/unit/commander.test.ts fails when commander's behaviour under these calls changes.
import {Command, type CommanderError} from 'commander';

/** Usage errors exit 2, as our other usage errors do (commander's default is 1). */
const usageCodes = new Set(['commander.unknownOption', 'commander.unknownCommand', 'commander.missingArgument', 'commander.optionMissingArgument', 'commander.missingMandatoryOptionValue', 'commander.invalidArgument', 'commander.excessArguments', 'commander.conflictingOption']);

export function exitCodeFor(error: Pick<CommanderError, 'code' | 'exitCode'>): number {
	return usageCodes.has(error.code) ? 2 : error.exitCode;
}

/** Applies evfleet's rules to a program and all its subcommands (call it once the tree is complete). */
export function applyCliRules(program: Command, exit: (code: number) => never = code => process.exit(code)): void {
	// With a default command (the console: `evfleet` alone) taking --url too, commander would give a subcommand's
	// --url to the root instead (`evfleet orgs --url X` connecting to the defaults): root options only before the subcommand.
	program.enablePositionalOptions();
	const visit = (command: Command) => {
		command.exitOverride(error => exit(exitCodeFor(error)));
		for (const sub of command.commands) visit(sub);
	};
	visit(program);
}

/** Pastel calls `program.parse(argv)` on a program it built itself: apply the rules to the root just then. */
export function installCliRules(): void {
	const parse = Command.prototype.parse;
	Command.prototype.parse = function (this: Command, ...args: Parameters<Command['parse']>) {
		if (!this.parent) applyCliRules(this);
		return parse.apply(this, args);
	};
}
