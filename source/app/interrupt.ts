// Ctrl-C on a full-screen view (the console, `evfleet watch …`) means "interrupted": exit 130, as a shell
// reports a process ended by SIGINT. Pastel renders with Ink's default exitOnCtrlC, so Ink unmounts the whole
// tree on Ctrl-C by itself and the process would end with 0; this hook sees the same keypress and records it.
// Anything still running when the tree goes (a maintenance action) is cancelled by its own unmount cleanup.
import {useEffect, useRef} from 'react';
import {useStdin} from 'ink';

export {interruptedExitCode, markInterrupted, wasInterrupted} from './exit-status.js';

/**
 * Calls `onInterrupt` on Ctrl-C. `inkExits` tells it whether Ink is unmounting the app by itself (exitOnCtrlC,
 * what Pastel does), or whether the app must quit on its own (ink-testing-library renders without it).
 */
export function useInterrupt(onInterrupt: (inkExits: boolean) => void): void {
	const {internal_eventEmitter: events, internal_exitOnCtrlC: inkExits} = useStdin();
	const latest = useRef(onInterrupt);
	latest.current = onInterrupt;
	useEffect(() => {
		const onInput = (input: string) => {
			if (input === '\u0003') latest.current(inkExits);
		};
		events.on('input', onInput);
		// Ink emits the keypress only after its own Ctrl-C handling has unmounted the app, so the listener
		// outlives this component by one turn of the event loop.
		return () => {
			setImmediate(() => events.off('input', onInput));
		};
	}, [events, inkExits]);
}
