// Progress of long work: a bar with percent when the total is known, a spinner with elapsed time otherwise.
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {formatBar, formatDuration} from '../text/formats.js';
import {colorEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const asciiFrames = ['|', '/', '-', '\\'];

export type ProgressProps = {
	readonly label: string;
	readonly elapsedMs: number;
	readonly done?: number | null;
	readonly total?: number | null;
	/** A second line: the phase, or who holds the lock being waited for. */
	readonly detail?: string | null;
	readonly width: number;
};

/** The fraction done, or null when the total is unknown. */
export function progressFraction(done: number | null | undefined, total: number | null | undefined): number | null {
	if (total === null || total === undefined || total <= 0 || done === null || done === undefined) return null;
	return Math.min(1, Math.max(0, done / total));
}

export function Progress({label, elapsedMs, done, total, detail, width}: ProgressProps) {
	const color = colorEnabled();
	const fraction = progressFraction(done, total);
	const elapsed = formatDuration(elapsedMs);
	let head: string;
	if (fraction === null) {
		const spin = color ? frames : asciiFrames;
		head = `${spin[Math.floor(elapsedMs / 120) % spin.length]} ${elapsed}`;
	} else {
		const barWidth = Math.max(10, Math.min(30, width - 40));
		head = `${formatBar(fraction, 1, barWidth, !color)} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${elapsed}`;
	}
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate">
				<Text color={color ? 'cyan' : undefined}>{head}</Text> {truncate(label, Math.max(0, width - head.length - 1))}
			</Text>
			{detail ? (
				<Text dimColor wrap="truncate">
					{truncate(detail, width)}
				</Text>
			) : null}
		</Box>
	);
}
