// How an interrupted run ends (Ctrl-C, a hang-up, SIGTERM): its exit code, which a later outcome must not replace.
// No React or Ink here: the CLI's entry point reads it too.

/** The exit status of an interrupted run (128 + SIGINT). */
export const interruptedExitCode = 130;

let interrupted = false;

/** Whether the run was interrupted: Ctrl-C, a hang-up or SIGTERM (a later outcome must not replace its exit code). */
export function wasInterrupted(): boolean {
	return interrupted;
}

/** `exitCode`: 130 for Ctrl-C, 129 for a hang-up (SIGHUP), 143 for SIGTERM (128 + the signal's number). */
export function markInterrupted(exitCode = interruptedExitCode): void {
	interrupted = true;
	process.exitCode = exitCode;
}
