// A backend pid from the command line; kept apart from signal.ts so command files stay light.
import {UsageError} from '../../model/errors.js';

export function parsePid(text: string): number {
	const pid = /^\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
	if (!Number.isSafeInteger(pid) || pid <= 0 || pid > 2_147_483_647) throw new UsageError(`invalid pid "${text}"`, 'a backend pid is a positive number (evfleet maint status lists the running queries)');
	return pid;
}
