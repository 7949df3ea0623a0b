// The console draws on the terminal's alternate screen buffer (Ink 6 has no option for it) and gives the
// person's scrollback back on every way out: unmount (q, Ctrl-C, Ink errors), process exit (exceptions,
// process.exit), SIGTERM and SIGHUP. A hang-up (the SSH session or the tmux pane gone) ends it quietly too.
import {useEffect, useState} from 'react';
import {markInterrupted} from './exit-status.js';
import {hangUp, setHangUpHandler} from './hangup.js';

const enter = '\u001B[?1049h\u001B[H';
const leave = '\u001B[?1049l';

type Stream = NodeJS.WriteStream;

let active: Stream | undefined;

/** Leaves the alternate screen if we are on it (idempotent; safe from any exit path). */
export function leaveAlternateScreen(): void {
	if (!active) return;
	const stream = active;
	active = undefined;
	try {
		stream.write(leave);
	} catch {}
}

function onExit() {
	leaveAlternateScreen();
}

let onTerminate: (() => void) | undefined;

function stillEnding() {}

/** Unmount (which ends the database pools and cancels a running action, audited) so the process can end by itself. */
function terminate() {
	// Ink's signal-exit raises the signal again, killing the process at once, when no other listener is left after
	// the unmount below removes ours: that would lose a running action's outcome and its audit row.
	process.on('SIGHUP', stillEnding);
	process.on('SIGTERM', stillEnding);
	onTerminate?.();
	// Other listeners (the demo's throw-away cluster) do their own cleanup. If something still holds the loop, go anyway.
	setTimeout(() => process.exit(), 3000).unref();
}

function onSignal(signal: NodeJS.Signals) {
	if (signal === 'SIGHUP') return hangUp(); // the terminal is gone: nothing more is written to it
	leaveAlternateScreen();
	markInterrupted(143);
	terminate();
}

/** A terminal in raw mode reads no end of input unless it hung up (Ctrl-D is a key then). */
function onInputEnd() {
	if (process.stdin.isTTY) hangUp();
}

export function enterAlternateScreen(stream: Stream = process.stdout): boolean {
	if (active || !stream.isTTY) return false;
	stream.write(enter);
	active = stream;
	process.once('exit', onExit);
	// Before Ink's own signal handling (signal-exit unmounts it), so that nothing is written to a gone terminal.
	process.prependListener('SIGTERM', onSignal);
	process.prependListener('SIGHUP', onSignal);
	process.stdin.once('end', onInputEnd);
	setHangUpHandler(terminate);
	return true;
}

function removeHooks() {
	process.off('exit', onExit);
	process.off('SIGTERM', onSignal);
	process.off('SIGHUP', onSignal);
	process.stdin.off('end', onInputEnd);
	setHangUpHandler(undefined);
}

/** Enters before the first frame is drawn (during the first render) and leaves when the component unmounts. */
export function useAlternateScreen(enabled = true, stream: Stream = process.stdout, terminate?: () => void): void {
	useState(() => (enabled ? enterAlternateScreen(stream) : false));
	onTerminate = terminate;
	useEffect(
		() => () => {
			leaveAlternateScreen();
			removeHooks();
			onTerminate = undefined;
		},
		[],
	);
}
