// A load that is never started twice at once: asking while it runs joins the running one. What keeps a refresh
// stuck on a lock (or a slow server) from piling up a second, third … query behind it on every tick or `r`.

export type SingleFlight<T> = {
	/** The running load's promise, or a new load when none runs. */
	run(): Promise<T>;
	readonly running: boolean;
	/** How many loads were started (joins not counted). */
	readonly started: number;
};

export function singleFlight<T>(load: () => Promise<T>): SingleFlight<T> {
	let current: Promise<T> | null = null;
	let started = 0;
	return {
		run() {
			if (current) return current;
			started++;
			const promise = Promise.resolve()
				.then(load)
				.finally(() => {
					if (current === promise) current = null;
				});
			current = promise;
			return promise;
		},
		get running() {
			return current !== null;
		},
		get started() {
			return started;
		},
	};
}
