// The `?` overlay (and :help): every key and command, built from the shell's keys, the view's key table and the view registry.
import React, {useState} from 'react';
import {Box} from 'ink';
import {useKeyboard} from '../components/keyboard.js';
import {Text} from '../components/Styled.js';
import {fit, truncate} from '../text/cells.js';

export type HelpSection = {title: string; keys: Array<{key: string; label: string}>};

function helpLines(sections: readonly HelpSection[]): Array<{text: string; bold?: boolean}> {
	const lines: Array<{text: string; bold?: boolean}> = [];
	const keyWidth = Math.min(28, Math.max(...sections.flatMap(s => s.keys.map(k => k.key.length)), 4) + 2);
	for (const section of sections) {
		if (section.keys.length === 0) continue;
		lines.push({text: section.title, bold: true});
		for (const k of section.keys) lines.push({text: `  ${fit(k.key, keyWidth)}${k.label}`});
		lines.push({text: ''});
	}
	return lines;
}

/** Whether the help is longer than `height` lines (only then do ↑↓ scroll it, and only then does the footer say so). */
export function helpScrolls(sections: readonly HelpSection[], height: number): boolean {
	return helpLines(sections).length > Math.max(1, height);
}

export default function HelpScreen({sections, width, height, onClose}: {readonly sections: readonly HelpSection[]; readonly width: number; readonly height: number; onClose(): void}) {
	const [top, setTop] = useState(0);
	const lines = helpLines(sections);
	const room = Math.max(1, height);
	const maxTop = Math.max(0, lines.length - room);
	useKeyboard((input, key) => {
		if (key.escape || input === '?' || input === 'q') onClose();
		else if (key.downArrow || input === 'j') setTop(t => Math.min(maxTop, t + 1));
		else if (key.upArrow || input === 'k') setTop(t => Math.max(0, t - 1));
		else if (key.pageDown || input === ' ') setTop(t => Math.min(maxTop, t + room));
		else if (key.pageUp) setTop(t => Math.max(0, t - room));
	});
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{lines.slice(top, top + room).map((line, i) => (
				<Text key={i} bold={line.bold} wrap="truncate">
					{truncate(line.text, width) || ' '}
				</Text>
			))}
		</Box>
	);
}
