// The terminal going away under a running evfleet (the SSH session or the tmux pane closed): SIGHUP, and EIO on
// every write to it. evfleet then ends as interrupted (exit 129, 128 + SIGHUP), quietly, with every cleanup run.
// No React or Ink here: the CLI's entry point uses it for EIO on stdout.
import fs from 'node:fs';
import tty from 'node:tty';
import {markInterrupted} from './exit-status.js';

/** The exit status after a hang-up (128 + SIGHUP). */
export const hangUpExitCode = 129;

// The standard streams that were a terminal when evfleet started: after a hang-up `isatty` says no.
const terminalFds = [0, 1, 2].filter(fd => tty.isatty(fd));
let hungUp = false;
let onHangUp: (() => void) | undefined;

/** Whether an error says the terminal is gone: writing to a hung-up terminal fails with EIO. */
export function isTerminalGone(error: unknown): boolean {
	return (error as NodeJS.ErrnoException | undefined)?.code === 'EIO';
}

/** What ends the full-screen view on a hang-up (it unmounts it); undefined: nothing to end. */
export function setHangUpHandler(handler: (() => void) | undefined): void {
	onHangUp = handler;
}

/**
 * The terminal is gone: end as interrupted (exit 129) with nothing more written to it. Cleanups still run (a running
 * maintenance action is cancelled on the server and audited; what it prints reaches stderr where that is not the
 * terminal, a redirect). Idempotent.
 */
export function hangUp(): void {
	if (hungUp) return;
	hungUp = true;
	markInterrupted(hangUpExitCode);
	for (const stream of [process.stdout, process.stderr]) {
		if (!stream.isTTY) continue;
		// Ink's last frame and cursor, the alternate screen's leave sequence: each write would fail with EIO (an error event).
		stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
			const done = typeof encoding === 'function' ? encoding : callback;
			if (typeof done === 'function') process.nextTick(done as () => void);
			return true;
		}) as NodeJS.WriteStream['write'];
		stream.on('error', () => {});
	}
	// Ink turns raw mode off as it unmounts: on a gone terminal that fails, as an error event on stdin.
	process.stdin.on('error', () => {});
	// Node 20 resets each standard stream that was a terminal as it exits and aborts with an assertion about ResetStdio
	// when that fails (EIO: the terminal is gone; Node 24 ignores the failure, nodejs/node#58200). It skips closed
	// descriptors: close them at the very end, nothing can be written to them anyway.
	process.on('exit', () => {
		for (const fd of terminalFds) {
			try {
				fs.closeSync(fd);
			} catch {}
		}
	});
	onHangUp?.();
}
