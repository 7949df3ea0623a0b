// A one-line text input: a prompt, the text typed so far and a cursor; enter submits, esc cancels.
// The owner decides when it is active (only one thing reads the keyboard at a time).
import React, {useRef, useState} from 'react';
import {Box} from 'ink';
import {useKeyboard} from './keyboard.js';
import {Text} from './Styled.js';
import {textAttributesEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

export type TextPromptProps = {
	readonly prompt: string;
	readonly width: number;
	readonly initial?: string;
	readonly isActive?: boolean;
	/** Greyed text after the cursor (e.g. the completion tab would accept). */
	readonly suggestion?: string;
	onChange?(value: string): void;
	onSubmit(value: string): void;
	onCancel(): void;
	/** Tab (Shift-Tab: backwards): return the completed text, or undefined to keep it. */
	onTab?(value: string, backwards: boolean): string | undefined;
};

export function TextPrompt({prompt, width, initial = '', isActive = true, suggestion, onChange, onSubmit, onCancel, onTab}: TextPromptProps) {
	const [value, setValue] = useState(initial);
	const latest = useRef(value);
	const update = (next: string) => {
		latest.current = next;
		setValue(next);
		onChange?.(next);
	};
	useKeyboard(
		(input, key) => {
			if (key.return) return onSubmit(latest.current);
			if (key.escape) return onCancel();
			if (key.tab) {
				const completed = onTab?.(latest.current, key.shift);
				if (completed !== undefined) update(completed);
				return;
			}
			if (key.backspace || key.delete) return update(latest.current.slice(0, -1));
			if (key.ctrl && input === 'u') return update('');
			if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
			if (!input) return;
			// Keys that arrived in one chunk (typed fast over SSH, or pasted): a newline in it submits.
			const newline = input.search(/[\r\n]/);
			if (newline === -1) return update(latest.current + input);
			update(latest.current + input.slice(0, newline));
			onSubmit(latest.current);
		},
		{isActive},
	);
	const room = Math.max(1, width - prompt.length - 1);
	const shown = value.length > room ? value.slice(value.length - room) : value;
	const rest = suggestion && suggestion.startsWith(value) ? suggestion.slice(value.length) : '';
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate">
				<Text bold>{prompt}</Text>
				{shown}
				<Text inverse={textAttributesEnabled()}>{textAttributesEnabled() ? ' ' : '_'}</Text>
				<Text dimColor>{truncate(rest, Math.max(0, room - shown.length - 1))}</Text>
			</Text>
		</Box>
	);
}
