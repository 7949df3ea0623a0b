// An asciichart line chart that fits the terminal: resampled to the columns available, y labels with
// units, month labels under the plotted columns, a legend; distinct line characters under NO_COLOR.
import React from 'react';
import {Box, useStdout} from 'ink';
import {Text} from './Styled.js';
import asciichart from 'asciichart';
import {labelDigits, monthAxisLabels, renderXAxis, resample} from '../text/charts.js';
import {colorEnabled} from '../text/terminal.js';

export type ChartColor = 'green' | 'yellow' | 'cyan' | 'magenta' | 'red' | 'blue' | 'white';

export type ChartSeries = {
	readonly name: string;
	readonly values: ReadonlyArray<number | null>;
	readonly color?: ChartColor;
};

export type ChartInput = {
	/** Series sharing the x axis `dates`; the first is drawn on top. */
	readonly series: readonly ChartSeries[];
	readonly dates: readonly Date[];
	/** Whole width in columns, labels included. */
	readonly width: number;
	/** Plot rows (the chart adds two axis lines and a legend line). */
	readonly height: number;
	/** Unit after each y label: "%", "Wh/km". */
	readonly unit: string;
	readonly color: boolean;
	readonly digits?: number;
};

/** A run of characters drawn by one series (index) or by the axes (undefined). */
export type Segment = {text: string; series?: number};

export type LegendItem = {name: string; sample: string; series: number; missing: boolean};

export type ChartLayout =
	| {kind: 'chart'; lines: Segment[][]; legend: LegendItem[]; plotStart: number; columns: number; pointColumn: number[]}
	| {kind: 'empty'; message: string};

const palette: ChartColor[] = ['green', 'yellow', 'cyan', 'magenta', 'blue', 'red'];
/** Line characters per series when there is no color: the first keeps asciichart's box drawing. */
const marks: Array<string | undefined> = [undefined, '·', '+', '×', 'o', '*'];
const boxSymbols = ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'] as const;

type Symbols = [string, string, string, string, string, string, string, string, string, string];

function symbolsFor(index: number, color: boolean): Symbols {
	const mark = color ? undefined : marks[index % marks.length];
	if (!mark) return [...boxSymbols];
	return ['┼', '┤', '╶', '╴', mark, mark, mark, mark, mark, mark];
}

export function seriesColor(series: readonly ChartSeries[], index: number): ChartColor {
	return series[index]?.color ?? palette[index % palette.length]!;
}

function legendSample(index: number, color: boolean): string {
	const mark = color ? undefined : marks[index % marks.length];
	return mark ? mark.repeat(3) : '───';
}

function definedCount(values: ReadonlyArray<number | null>): number {
	return values.filter(value => value !== null && Number.isFinite(value)).length;
}

/** Lays the chart out as lines of segments; pure, so commands print it and screens render it the same way. */
export function layoutChart(input: ChartInput): ChartLayout {
	const plotted = input.series.map((series, index) => ({series, index})).filter(({series}) => definedCount(series.values) >= 2);
	if (plotted.length === 0 || input.dates.length < 2) return {kind: 'empty', message: 'not enough data to chart (fewer than two points)'};
	const all = plotted.flatMap(({series}) => series.values.filter((value): value is number => value !== null && Number.isFinite(value)));
	let min = Math.min(...all);
	let max = Math.max(...all);
	if (min === max) {
		const pad = Math.max(Math.abs(min) * 0.01, 0.5);
		min -= pad;
		max += pad;
	}
	const digits = input.digits ?? labelDigits(min, max);
	const unit = input.unit ? ` ${input.unit}` : '';
	const labelWidth = Math.max(...[min, max].map(value => `${value.toFixed(digits)}${unit}`.length)) + 1;
	const format = (value: number) => `${value.toFixed(digits)}${unit}`.padStart(labelWidth - 1) + ' ';
	// asciichart puts the axis right after a label of this width (offset 2) and point i at column plotStart + i.
	const plotStart = labelWidth;
	const columns = Math.max(2, input.width - plotStart - 1);
	const sampled = resample(plotted.map(({series}) => series.values), columns);
	const height = Math.max(2, input.height - 1);
	const grids = sampled.series.map((values, k) =>
		asciichart.plot(values, {min, max, height, offset: 2, format, symbols: symbolsFor(plotted[k]!.index, input.color)}).split('\n').map(line => [...line]),
	);
	const base = grids[0]!;
	// The axis column holds '┤' (or '┼' on the zero row); anything else there is a series' first point.
	const ratio = height / (max - min);
	const zeroRow = -Math.round(min * ratio);
	const lines: Segment[][] = base.map((row, r) => {
		const owner: Array<number | undefined> = row.map(() => undefined);
		const chars = [...row];
		for (let k = grids.length - 1; k >= 0; k--) {
			const grid = grids[k]![r]!;
			for (let c = plotStart; c < grid.length; c++) {
				const char = grid[c]!;
				const axis = c === plotStart ? (r === zeroRow ? '┼' : '┤') : ' ';
				if (char !== axis && char !== ' ') {
					chars[c] = char;
					owner[c] = plotted[k]!.index;
				}
			}
		}
		const segments: Segment[] = [];
		chars.forEach((char, c) => {
			const last = segments.at(-1);
			if (last && last.series === owner[c]) last.text += char;
			else segments.push(owner[c] === undefined ? {text: char} : {text: char, series: owner[c]!});
		});
		const tail = segments.at(-1);
		if (tail && tail.series === undefined) tail.text = tail.text.trimEnd();
		return segments.filter(segment => segment.text.length > 0);
	});
	const labels = monthAxisLabels(input.dates, sampled.pointColumn, input.width - plotStart);
	const [rule, text] = renderXAxis(labels, sampled.columns, plotStart, input.width - plotStart);
	lines.push([{text: rule}], [{text}]);
	const legend = input.series.map((series, index) => ({name: series.name, sample: legendSample(index, input.color), series: index, missing: definedCount(series.values) < 2}));
	return {kind: 'chart', lines, legend, plotStart, columns: sampled.columns, pointColumn: sampled.pointColumn};
}

const ansi: Record<ChartColor, string> = {
	green: asciichart.green,
	yellow: asciichart.yellow,
	cyan: asciichart.cyan,
	magenta: asciichart.magenta,
	red: asciichart.red,
	blue: asciichart.blue,
	white: asciichart.white,
};

function paint(text: string, color: ChartColor | undefined, enabled: boolean): string {
	return enabled && color ? `${ansi[color]}${text}${asciichart.reset}` : text;
}

export function legendText(layout: Extract<ChartLayout, {kind: 'chart'}>, series: readonly ChartSeries[], color: boolean): string {
	return layout.legend
		.map(item => `${paint(item.sample, seriesColor(series, item.series), color)} ${item.name}${item.missing ? ' (no data)' : ''}`)
		.join('   ');
}

/** The chart as text for stdout (ANSI colors only when `input.color`). */
export function chartText(input: ChartInput): string {
	const layout = layoutChart(input);
	if (layout.kind === 'empty') return layout.message;
	const body = layout.lines.map(line => line.map(segment => paint(segment.text, segment.series === undefined ? undefined : seriesColor(input.series, segment.series), input.color)).join(''));
	return [...body, ' '.repeat(layout.plotStart) + legendText(layout, input.series, input.color)].join('\n');
}

export type LineChartProps = Omit<ChartInput, 'width' | 'color'> & {
	readonly width?: number;
	readonly color?: boolean;
	readonly title?: string;
};

export default function LineChart({series, dates, unit, height, width, color, digits, title}: LineChartProps) {
	const {stdout} = useStdout();
	const columns = width ?? stdout.columns ?? 80;
	const useColor = color ?? colorEnabled(stdout);
	const input: ChartInput = {series, dates, unit, height, width: columns, color: useColor, ...(digits === undefined ? {} : {digits})};
	const layout = layoutChart(input);
	return (
		<Box flexDirection="column">
			{title ? <Text bold>{title}</Text> : null}
			{layout.kind === 'empty' ? (
				<Text dimColor={useColor}>{layout.message}</Text>
			) : (
				<>
					{layout.lines.map((line, r) => (
						<Text key={r} wrap="truncate">
							{line.map((segment, k) =>
								segment.series !== undefined && useColor ? (
									<Text key={k} color={seriesColor(series, segment.series)}>
										{segment.text}
									</Text>
								) : (
									segment.text
								),
							)}
						</Text>
					))}
					<Text wrap="truncate">
						{' '.repeat(layout.plotStart)}
						{layout.legend.map((item, k) => (
							<React.Fragment key={item.name}>
								{k > 0 ? '   ' : ''}
								{useColor ? <Text color={seriesColor(series, item.series)}>{item.sample}</Text> : item.sample}
								{` ${item.name}${item.missing ? ' (no data)' : ''}`}
							</React.Fragment>
						))}
					</Text>
				</>
			)}
		</Box>
	);
}
