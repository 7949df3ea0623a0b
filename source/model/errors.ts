// One error type per cause a person can act on; messages are mapped to exit codes in one place.

export class EvfleetError extends Error {
	readonly exitCode: number = 1;
	/** A second line telling the person what to do, shown under the message. */
	readonly hint?: string;

	constructor(message: string, hint?: string) {
		super(message);
		this.name = new.target.name;
		this.hint = hint;
	}
}

/** Bad options, arguments or input: exit 2. */
export class UsageError extends EvfleetError {
	override readonly exitCode = 2;
}

export class ConnectionError extends EvfleetError {}
export class PrivilegeError extends EvfleetError {}
export class LockTimeoutError extends EvfleetError {}
export class MigrationError extends EvfleetError {}
/** Something the user asked about does not exist (unknown VIN, unknown profile): exit 2. */
export class NotFoundError extends EvfleetError {
	override readonly exitCode = 2;
}
/** The user answered no, or pressed Ctrl-C: exit 1 without a stack. */
export class CancelledError extends EvfleetError {}

export function exitCodeFor(error: unknown): number {
	return error instanceof EvfleetError ? error.exitCode : 1;
}

/** The one or two lines a person sees for an error; the stack only with --debug. */
export function formatError(error: unknown, {debug = false}: {debug?: boolean} = {}): string {
	if (error instanceof EvfleetError) {
		const lines = [`evfleet: ${error.message}`];
		if (error.hint) lines.push(`  ${error.hint}`);
		if (debug && error.stack) lines.push(error.stack);
		return lines.join('\n');
	}
	const message = error instanceof Error ? error.message : String(error);
	const lines = [`evfleet: ${message}`];
	if (debug && error instanceof Error && error.stack) lines.push(error.stack);
	// An evfleet table or function missing: the database has no (or an older) evfleet schema.
	else if (['42P01', '42883'].includes((error as {code?: string} | null)?.code ?? '')) lines.push('  the database lacks (part of) the evfleet schema: run evfleet db migrate');
	else lines.push('  run again with --debug for details');
	return lines.join('\n');
}
