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

function onSignal(signal: NodeJS.Signals) {
	leaveAlternateScreen();
	// Others (the demo's throw-away cluster) may clean up on this signal and exit themselves; alone, we exit.
	if (process.listenerCount(signal) <= 1) process.exit(signal === 'SIGTERM' ? 143 : 129);
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
export function useAlternateScreen(enabled = true, stream: Stream = process.stdout): void {
	useState(() => (enabled ? enterAlternateScreen(stream) : false));
	useEffect(
		() => () => {
			leaveAlternateScreen();
			removeHooks();
		},
		[],
	);
}
