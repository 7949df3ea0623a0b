// `evfleet maint activity` without a screen: the blocker tree as a table on a terminal, plain tab-separated rows in
// a pipe, JSON for machines (exact, unsanitized). Every string from the server goes through the sanitizer.
import {buildBlockerTree, flattenBlockerTree, rootBlockers, type ActivityLine, type ActivitySnapshot, type ActivitySort} from '../model/activity.js';
import {formatSeconds} from '../text/formats.js';
import {formatTimestamp, printJson, printRows, type Column, type OutputFormat} from './output.js';
import {sanitizeForTerminal} from '../text/sanitize.js';
import {truncate} from '../text/cells.js';

/** "│  └─ ": the branch drawn before a waiting backend's pid. */
export function treePrefix(line: Pick<ActivityLine, 'depth' | 'ancestorsLast' | 'isLast'>): string {
	if (line.depth === 0) return '';
	return `${line.ancestorsLast.map(last => (last ? '   ' : '│  ')).join('')}${line.isLast ? '└─ ' : '├─ '}`;
}

const clean = (value: string | null | undefined) => sanitizeForTerminal(value);

/**
 * The lock waited for and the other blockers. On a terminal short ("Exclusive fleets +pid 30": mode without "Lock",
 * schema public left out); in plain rows as the server names them ("ExclusiveLock public.fleets; also waits for pid 30").
 */
function lockText(line: ActivityLine, short: boolean): string {
	const wait = line.backend.lockWait;
	const relation = short ? wait?.relation?.replace(/^public\./, '') : wait?.relation;
	const parts = wait ? [`${short ? wait.mode.replace(/Lock$/, '') : wait.mode} ${clean(relation) || wait.lockType}`] : [];
	const others = line.alsoBlockedBy.map(pid => (pid === 0 ? 'a prepared transaction' : `pid ${pid}`));
	if (others.length > 0) parts.push(short ? others.map(other => `+${other.replace('a prepared transaction', 'prepared xact')}`).join(' ') : `also waits for ${others.join(', ')}`);
	if (line.inCycle) parts.push('(cycle of waits)');
	return parts.join(short ? ' ' : '; ');
}

/** pg_stat_activity's states, short enough for 80 columns. */
function stateText(state: string | null): string {
	if (state === null) return '(hidden)';
	return clean(state.replace('idle in transaction', 'idle in xact'));
}

type PrintedRow = ActivityLine & {tree: string; blocked: string; who: string; client: string; wait: string; xact: string; age: string; lock: string; text: string};

function printedRows(lines: ActivityLine[], short: boolean): PrintedRow[] {
	return lines.map(line => {
		const b = line.backend;
		return {
			...line,
			tree: `${treePrefix(line)}${b.pid}`,
			blocked: line.blockedCount > 0 ? String(line.blockedCount) : '',
			who: clean(b.user),
			client: b.clientAddr ? `${b.clientAddr}${b.clientPort ? `:${b.clientPort}` : ''}` : 'local',
			wait: b.waitEventType ? clean(`${b.waitEventType}:${b.waitEvent ?? '?'}`) : '',
			xact: formatSeconds(b.xactSeconds),
			age: formatSeconds(b.querySeconds),
			lock: lockText(line, short),
			text: b.state === null ? '(hidden)' : clean(b.query),
		};
	});
}

function columns(format: OutputFormat, cluster: boolean): Array<Column<PrintedRow>> {
	const table = format === 'table';
	return [
		...(table ? [] : [{key: 'depth', header: 'depth'} as Column<PrintedRow>]),
		{key: table ? 'tree' : 'backend', header: 'pid', format: table ? undefined : (_, row) => String(row.backend.pid)},
		...(table ? [] : [{key: 'parentPid', header: 'blocked_by', format: (_, row) => row.backend.blockedBy.join(',')} as Column<PrintedRow>]),
		// Dropped in this order when the terminal is narrow: client, wait, database, application, blocks, age, user, xact, lock, state.
		{key: 'blocked', header: 'blocks', align: 'right', priority: 8},
		...(cluster ? [{key: 'backend', header: 'database', format: (_, row) => clean(row.backend.database), priority: 10} as Column<PrintedRow>] : []),
		{key: 'who', header: 'user', priority: 6},
		{key: 'backend', header: 'application', format: (_, row) => clean(row.backend.application), priority: 9},
		{key: 'client', header: 'client', priority: 12},
		{key: 'backend', header: 'state', format: (_, row) => (table ? stateText(row.backend.state) : clean(row.backend.state) || '(hidden)'), priority: 3},
		{key: 'wait', header: 'wait', priority: 11},
		{key: 'xact', header: 'xact', align: 'right', priority: 5},
		{key: 'age', header: table ? 'age' : 'query age', align: 'right', priority: 7},
		{key: 'lock', header: table ? 'lock' : 'lock', priority: 4},
		{key: 'text', header: 'query', width: 20, grow: true},
	] as Array<Column<PrintedRow>>;
}

export function printActivity(snapshot: ActivitySnapshot, format: OutputFormat, {sort = 'age' as ActivitySort, out = process.stdout as NodeJS.WritableStream & {columns?: number}} = {}): void {
	const roots = buildBlockerTree(snapshot.backends, {sort});
	const lines = flattenBlockerTree(roots);
	if (format === 'json') {
		printJson({
			takenAt: snapshot.takenAt,
			scope: snapshot.scope,
			database: snapshot.database,
			backends: lines.map(({backend, ancestorsLast: _a, isLast: _l, ...tree}) => ({...backend, ...tree})),
		}, out);
		return;
	}
	const cluster = snapshot.scope === 'cluster';
	const rows = printedRows(lines, format === 'table');
	if (format === 'table') {
		const waiting = lines.filter(line => line.backend.blockedBy.length > 0).length;
		const blockers = rootBlockers(roots).length;
		const summary = `${cluster ? 'all databases' : `database ${clean(snapshot.database)}`}, ${formatTimestamp(snapshot.takenAt).slice(11)}: ${lines.length} backend${lines.length === 1 ? '' : 's'}, ${waiting} waiting for a lock, ${blockers} root blocker${blockers === 1 ? '' : 's'}`;
		out.write(`${truncate(summary, out.columns ?? 80)}\n`);
		if (rows.length === 0) return;
		// The query column gets what the others leave of the width (at least 20 cells), cut with "…".
		printRows(rows, columns(format, cluster), format, out, {compact: true, width: out.columns ?? 80});
		return;
	}
	printRows(rows, columns(format, cluster), format, out);
}
