// `evfleet maint status`: the health overview as tables, TSV or JSON; --check turns anything in "Needs attention"
// (an action to take or a warning) into exit 1, so monitoring never reads a report of problems as healthy.
import {chooseFormat, formatTimestamp, printJson, printRows as printOutputRows, type Column, type OutputFormat} from '../print/output.js';
import {layoutColumns} from '../components/DataTable.js';
import {fit} from '../text/cells.js';
import {formatBytes, formatDuration, formatNumber, formatSeconds} from '../text/formats.js';
import {colorEnabled} from '../text/terminal.js';
import type {ConnectionRequest} from '../db/connection.js';
import {maintenanceHealth, needsAction, type HealthOptions, type MaintenanceHealth} from '../db/queries/maintenance.js';
import {withSql} from '../db/session.js';

const when = (value: unknown) => (value instanceof Date ? formatTimestamp(value) : '-');

type Prioritized<Row> = Column<Row> & {priority?: number};

/**
 * On a terminal: plain aligned columns that fit its width (least important columns dropped first, never
 * wrapped), so the overview reads at 80x24; elsewhere the shared printer (TSV, CSV).
 */
function printRows<Row>(rows: readonly Row[], columns: ReadonlyArray<Prioritized<Row>>, format: OutputFormat, out: NodeJS.WritableStream = process.stdout): void {
	if (format !== 'table') return printOutputRows(rows, columns, format, out);
	const text = (row: Row, column: Prioritized<Row>) => (column.format ? column.format(row[column.key], row) : when(row[column.key]) === '-' ? String(row[column.key] ?? '') : when(row[column.key]));
	const width = (out as {columns?: number}).columns ?? process.stdout.columns ?? 80;
	const layout = layoutColumns(
		columns.map(column => ({key: column.key, header: column.header, value: (row: Row) => text(row, column), align: column.align, priority: column.priority, maxWidth: 60})),
		rows,
		width,
	);
	const line = (cells: string[]) => `  ${cells.join(' ')}`.trimEnd();
	out.write(`${line(layout.map(({column, width: w}) => fit(column.header.toUpperCase(), w, column.align)))}\n`);
	for (const row of rows) out.write(`${line(layout.map(({column, width: w}) => fit(column.value(row), w, column.align)))}\n`);
}

function heading(text: string, format: OutputFormat, out: NodeJS.WritableStream) {
	if (format === 'table') out.write(`\n${colorEnabled() ? `\u001B[1m${text}\u001B[22m` : text}\n`);
	else out.write(`\n# ${text}\n`);
}

export function printHealth(health: MaintenanceHealth, format: OutputFormat, {all = false}: {all?: boolean} = {}, out: NodeJS.WritableStream = process.stdout): void {
	heading(`Partitions (current month ${health.currentMonth})`, format, out);
	printRows(health.partitions, [
		{key: 'table', header: 'table'},
		{key: 'firstMonth', header: 'months', format: (_, p) => (p.firstMonth ? `${p.firstMonth}..${p.lastMonth}` : '-')},
		{key: 'monthsAhead', header: 'ahead', align: 'right', format: (v, p) => `${v}${p.nextMonthMissing ? ' (next month MISSING)' : ''}`},
		{key: 'defaultRows', header: 'rows in default', align: 'right', format: v => formatNumber(v as number)},
		{key: 'totalBytes', header: 'size', align: 'right', format: v => formatBytes(v as number)},
	], format, out);
	heading('Materialized views', format, out);
	printRows(health.matviews, [
		{key: 'view', header: 'view'},
		{key: 'lastRefreshAt', header: 'last refresh', format: v => (format === 'table' && v instanceof Date ? `${formatSeconds((Date.now() - v.getTime()) / 1000)} ago` : when(v)), priority: 2},
		{key: 'lastDurationMs', header: 'took', align: 'right', format: v => (typeof v === 'number' ? formatDuration(v) : '-')},
		{key: 'ageSeconds', header: 'age', align: 'right', format: v => formatSeconds(v as number | null), priority: 5},
		{key: 'stale', header: 'stale', format: (v, m) => (v ? `STALE (>${formatSeconds(m.maxAgeSeconds)})` : 'ok')},
		{key: 'totalBytes', header: 'size', align: 'right', format: v => formatBytes(v as number)},
	], format, out);
	heading(`Needs attention (${health.issues.length})`, format, out);
	if (health.issues.length === 0) out.write('nothing\n');
	else printRows(health.issues, [{key: 'severity', header: 'level'}, {key: 'subject', header: 'what'}, {key: 'message', header: 'problem'}, {key: 'fix', header: 'fix', format: v => (v as string | null) ?? '', priority: 5}], format, out);
	heading('Tables (largest first)', format, out);
	printRows(all ? health.tables : health.tables.slice(0, 12), [
		{key: 'table', header: 'table'},
		{key: 'totalBytes', header: 'total', align: 'right', format: v => formatBytes(v as number)},
		{key: 'indexBytes', header: 'indexes', align: 'right', format: v => formatBytes(v as number), priority: 4},
		{key: 'liveTuples', header: 'live', align: 'right', format: v => formatNumber(v as number), priority: 5},
		{key: 'deadTuples', header: 'dead', align: 'right', format: v => formatNumber(v as number)},
		{key: 'lastAutovacuum', header: 'vacuumed', format: (_, t) => latest(t.lastVacuum, t.lastAutovacuum, format), priority: 2},
		{key: 'lastAutoanalyze', header: 'analyzed', format: (_, t) => latest(t.lastAnalyze, t.lastAutoanalyze, format), priority: 3},
	], format, out);
	const indexes = all ? health.indexes : health.indexes.filter(i => i.problem !== 'unused' || (i.bytes ?? 0) >= 1024 * 1024);
	heading(`Index problems (${indexes.length}${all ? '' : '; unused under 1 MB hidden, --all shows them'})`, format, out);
	if (indexes.length === 0) out.write('none\n');
	else printRows(indexes, [{key: 'index', header: 'index'}, {key: 'table', header: 'table'}, {key: 'problem', header: 'problem', format: (v, i) => (i.duplicateOf ? `duplicate of ${i.duplicateOf}` : String(v))}, {key: 'bytes', header: 'size', align: 'right', format: v => formatBytes(v as number)}, {key: 'scans', header: 'scans', align: 'right'}], format, out);
	heading(`Long-running queries and lock waits (${health.activity.length})`, format, out);
	if (health.activity.length === 0) out.write('none\n');
	else printRows(health.activity, [
		{key: 'pid', header: 'pid', align: 'right'},
		{key: 'user', header: 'user'},
		{key: 'application', header: 'app'},
		{key: 'seconds', header: 'secs', align: 'right', format: v => String(Math.round(v as number))},
		{key: 'blockedBy', header: 'waits for', format: v => ((v as number[]).length ? `pid ${(v as number[]).join(',')}` : '')},
		{key: 'relations', header: 'tables', format: v => (v as string[]).slice(0, 3).join(',')},
		{key: 'query', header: 'query', format: v => String(v).slice(0, 60)},
	], format, out);
}

function latest(a: Date | null, b: Date | null, format: OutputFormat): string {
	const d = a && b ? (a > b ? a : b) : a ?? b;
	if (!d) return 'never';
	return format === 'table' ? `${formatSeconds((Date.now() - d.getTime()) / 1000)} ago` : formatTimestamp(d);
}

export async function printStatus(request: ConnectionRequest & {json?: boolean; csv?: boolean}, healthOptions: HealthOptions, {check = false, all = false}: {check?: boolean; all?: boolean}): Promise<number> {
	const format = chooseFormat(request);
	const health = await withSql(request, {readOnly: true, max: 1}, sql => maintenanceHealth(sql, healthOptions));
	const attention = health.issues.length > 0;
	if (format === 'json') printJson({...health, needsAction: needsAction(health), needsAttention: attention});
	else if (check) {
		if (!attention) process.stdout.write('ok: nothing needs attention\n');
		else printRows(health.issues, [{key: 'severity', header: 'level'}, {key: 'subject', header: 'what'}, {key: 'message', header: 'problem'}, {key: 'fix', header: 'fix', format: v => (v as string | null) ?? ''}], format);
	} else printHealth(health, format, {all});
	return check && attention ? 1 : 0;
}
