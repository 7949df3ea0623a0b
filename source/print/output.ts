// Non-interactive output: a cli-table3 table on a terminal, tab-separated rows in a pipe, --json, --csv.
import Table from 'cli-table3';
import {UsageError} from '../model/errors.js';
import {colorEnabled} from '../text/terminal.js';

export type Column<Row> = {
	key: keyof Row & string;
	header: string;
	/** Text for table, TSV and CSV; JSON always carries the raw value. */
	format?: (value: Row[keyof Row], row: Row) => string;
	align?: 'left' | 'right';
	/** Which columns a narrow terminal keeps (higher stays longer); without it a column is never dropped. */
	priority?: number;
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

function cell<Row>(row: Row, column: Column<Row>): string {
	const value = row[column.key];
	return column.format ? column.format(value, row) : formatValue(value);
}

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

/** The columns that fit in width as a table (borders included), dropping droppable ones lowest priority first. */
export function fitColumns<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, width: number): Array<Column<Row>> {
	const widths = new Map(columns.map(column => [column, Math.max([...column.header].length, ...rows.map(row => [...cell(row, column)].length))]));
	const kept = [...columns];
	const total = () => kept.reduce((sum, column) => sum + widths.get(column)! + 3, 1);
	while (total() > width) {
		const droppable = kept.filter(column => column.priority !== undefined).sort((a, b) => a.priority! - b.priority!)[0];
		if (!droppable) break;
		kept.splice(kept.indexOf(droppable), 1);
	}
	return kept;
}

const compactChars = {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''};

export function renderRows<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, format: OutputFormat, options: RenderOptions = {}): string {
	switch (format) {
		case 'json':
			return jsonValue(rows.map(row => Object.fromEntries(columns.map(column => [column.key, row[column.key] ?? null]))));
		case 'csv':
			return [columns.map(column => csvField(column.key)), ...rows.map(row => columns.map(column => csvField(cell(row, column))))].map(line => line.join(',')).join('\n');
		case 'tsv':
			return [columns.map(column => column.header), ...rows.map(row => columns.map(column => tsvField(cell(row, column))))].map(line => line.join('\t')).join('\n');
		case 'table': {
			if (options.width) columns = fitColumns(rows, columns, options.width);
			const color = options.color ?? colorEnabled();
			const table = new Table({
				head: columns.map(column => column.header),
				colAligns: columns.map(column => column.align ?? 'left'),
				style: color ? {head: ['cyan'], border: ['grey']} : {head: [], border: []},
				...(options.compact ? {chars: compactChars} : {}),
			});
			for (const row of rows) table.push(columns.map(column => cell(row, column)));
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
