// Loads a heavy module (screens, query modules) only when a command really needs it. Not React.lazy + Suspense:
// React holds back revealing a suspended boundary for 300 ms after its fallback was committed
// (FALLBACK_THROTTLE_MS), which delayed the console's first frame by ~260 ms.
import {useEffect, useState} from 'react';
import {useApp} from 'ink';
import {reportError} from './Task.js';

export function useLazyModule<Module>(load: () => Promise<Module>, {enabled, debug}: {enabled: boolean; debug: boolean}): Module | undefined {
	const {exit} = useApp();
	const [loaded, setLoaded] = useState<Module>();
	useEffect(() => {
		if (!enabled) return;
		let cancelled = false;
		load().then(
			module => !cancelled && setLoaded(() => module),
			(error: unknown) => {
				process.exitCode = reportError(error, debug);
				exit();
			},
		);
		return () => {
			cancelled = true;
		};
		// Loads once: the module does not change while a command runs.
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the module does not change while a command runs
	}, [enabled]);
	return loaded;
}
