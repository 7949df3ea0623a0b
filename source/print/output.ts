// Non-interactive output: a cli-table3 table on a terminal, tab-separated rows in a pipe, --json, --csv.
// Every table, TSV and CSV cell and header passes the terminal sanitizer here (one choke point, so a command
// cannot forget it); JSON carries the values exactly.
import Table from 'cli-table3';
import {UsageError} from '../model/errors.js';
import {colorEnabled} from '../text/terminal.js';
import {sanitizeForTerminal} from '../text/sanitize.js';
import {truncate} from '../text/cells.js';
import {boxedFrame, fitColumns, type FitColumn, type FittedColumn} from '../text/columns.js';

export type Column<Row> = FitColumn & {
	key: keyof Row & string;
	header: string;
	/** Text for table, TSV and CSV (sanitized after it); JSON always carries the raw value. */
	format?: (value: Row[keyof Row], row: Row) => string;
	align?: 'left' | 'right';
	// How a narrow terminal fits the table (FitColumn, text/columns.ts: the one fitter for every table): priority
	// 0 or none is essential and never dropped, 1, 2, … are dropped highest first; a cell wider than its column's
	// fitted width (minWidth, maxWidth, width) is cut with "…".
};

export type OutputFormat = 'table' | 'tsv' | 'json' | 'csv';

export function chooseFormat(options: {json?: boolean; csv?: boolean}, stdout: {isTTY?: boolean} = process.stdout): OutputFormat {
	if (options.json && options.csv) throw new UsageError('--json and --csv cannot be used together');
	if (options.json) return 'json';
	if (options.csv) return 'csv';
	return stdout.isTTY ? 'table' : 'tsv';
}

/** Timestamps as "2026-11-25 14:05:09" (UTC) in tables; ISO 8601 in JSON. */
export function formatTimestamp(value: Date): string {
	return value.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function formatValue(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return formatTimestamp(value);
	if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
	if (Array.isArray(value)) return value.map(formatValue).join(',');
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/** A cell as printed: formatted, then made terminal-safe on one line (control characters shown as `\x1b`; its spacing kept). */
function cell<Row>(row: Row, column: Column<Row>): string {
	const value = row[column.key];
	return sanitizeForTerminal(column.format ? column.format(value, row) : formatValue(value), {keepSpaces: true});
}

const header = (column: {header: string}) => sanitizeForTerminal(column.header);

function csvField(text: string): string {
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function tsvField(text: string): string {
	return text.replace(/[\t\n\r]/g, ' ');
}

export function jsonValue(value: unknown): string {
	return JSON.stringify(value, null, 2);
}

export type RenderOptions = {
	color?: boolean;
	/** Tables without a rule between rows: twice the rows on a screen. */
	compact?: boolean;
	/** Terminal width: a table drops columns by priority (lowest first) rather than wrap. */
	width?: number;
};

/** The columns that fit in width as a cli-table3 table (borders included), with the width of each. */
export function fitPrinted<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, width: number): Array<FittedColumn<Column<Row>>> {
	const widest = (column: Column<Row>) => Math.max([...header(column)].length, ...rows.map(row => [...cell(row, column)].length));
	return fitColumns(columns, widest, boxedFrame(width));
}

const compactChars = {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''};

export function renderRows<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, format: OutputFormat, options: RenderOptions = {}): string {
	switch (format) {
		case 'json':
			return jsonValue(rows.map(row => Object.fromEntries(columns.map(column => [column.key, row[column.key] ?? null]))));
		case 'csv':
			return [columns.map(column => csvField(column.key)), ...rows.map(row => columns.map(column => csvField(cell(row, column))))].map(line => line.join(',')).join('\n');
		case 'tsv':
			return [columns.map(header), ...rows.map(row => columns.map(column => tsvField(cell(row, column))))].map(line => line.join('\t')).join('\n');
		case 'table': {
			const fitted = options.width ? fitPrinted(rows, columns, options.width) : columns.map(column => ({column, width: Number.POSITIVE_INFINITY}));
			columns = fitted.map(f => f.column);
			const color = options.color ?? colorEnabled();
			const table = new Table({
				head: columns.map(header),
				colAligns: columns.map(column => column.align ?? 'left'),
				style: color ? {head: ['cyan'], border: ['grey']} : {head: [], border: []},
				...(options.compact ? {chars: compactChars} : {}),
			});
			for (const row of rows) table.push(fitted.map(({column, width}) => truncate(cell(row, column), width)));
			return table.toString();
		}
	}
}

export function printRows<Row>(
	rows: readonly Row[],
	columns: ReadonlyArray<Column<Row>>,
	format: OutputFormat,
	stdout: NodeJS.WritableStream = process.stdout,
	options: Omit<RenderOptions, 'color'> = {},
): void {
	const text = renderRows(rows, columns, format, options);
	stdout.write(text.length > 0 ? `${text}\n` : '');
}

/** A single document for --json (objects with nested lists); tables print through printRows. */
export function printJson(value: unknown, stdout: NodeJS.WritableStream = process.stdout): void {
	stdout.write(`${jsonValue(value)}\n`);
}
