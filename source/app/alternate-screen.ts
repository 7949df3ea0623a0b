// The console draws on the terminal's alternate screen buffer (Ink 6 has no option for it) and gives the
// person's scrollback back on every way out: unmount (q, Ctrl-C, Ink errors), process exit (exceptions,
// process.exit), SIGTERM and SIGHUP.
import {useEffect, useState} from 'react';

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

function onSignal(signal: NodeJS.Signals) {
	leaveAlternateScreen();
	process.exitCode = signal === 'SIGTERM' ? 143 : 129;
	// Unmount (which ends the database pool) so the process can end by itself; other listeners (the demo's
	// throw-away cluster, Ink's signal-exit) do their own cleanup. If something still holds the loop, go anyway.
	onTerminate?.();
	setTimeout(() => process.exit(), 3000).unref();
}

export function enterAlternateScreen(stream: Stream = process.stdout): boolean {
	if (active || !stream.isTTY) return false;
	stream.write(enter);
	active = stream;
	process.once('exit', onExit);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	return true;
}

function removeHooks() {
	process.off('exit', onExit);
	process.off('SIGTERM', onSignal);
	process.off('SIGHUP', onSignal);
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
