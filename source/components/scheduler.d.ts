// React's scheduler (a dependency of react-reconciler, which Ink renders with) has no types of its own.
declare module 'scheduler' {
	type Task = unknown;
	const scheduler: {
		unstable_IdlePriority: number;
		unstable_scheduleCallback(priority: number, callback: () => void): Task;
		unstable_cancelCallback(task: Task): void;
	};
	export default scheduler;
}
