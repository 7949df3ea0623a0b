// The `:` command line with tab completion over a list of words (the shell supplies them).
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {TextPrompt} from './TextPrompt.js';
import {truncate} from '../text/cells.js';

export type Completion = {readonly word: string; readonly hint?: string};

/** Candidates for what is typed: words starting with it (first word only; arguments complete from `argumentWords`). */
export function completeCommand(text: string, words: readonly Completion[], argumentWords: (command: string) => readonly string[] = () => []): {matches: string[]; completed?: string} {
	const space = text.indexOf(' ');
	if (space === -1) {
		const matches = words.map(w => w.word).filter(word => word.startsWith(text.toLowerCase()));
		return {matches, completed: commonPrefix(matches)};
	}
	const command = text.slice(0, space);
	const partial = text.slice(space + 1);
	const matches = argumentWords(command).filter(word => word.toLowerCase().startsWith(partial.toLowerCase()));
	const prefix = commonPrefix(matches);
	return {matches, completed: prefix === undefined ? undefined : `${command} ${prefix}`};
}

function commonPrefix(words: string[]): string | undefined {
	if (words.length === 0) return undefined;
	let prefix = words[0]!;
	for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
	// A single match completes fully (with a space when it takes an argument, decided by the caller).
	return prefix;
}

export type CommandLineProps = {
	readonly width: number;
	readonly words: readonly Completion[];
	readonly argumentWords?: (command: string) => readonly string[];
	readonly isActive?: boolean;
	/** Text already typed (keys that arrived together with the `:`). */
	readonly initial?: string;
	onSubmit(text: string): void;
	onCancel(): void;
};

export function CommandLine({width, words, argumentWords, isActive = true, initial = '', onSubmit, onCancel}: CommandLineProps) {
	const [text, setText] = useState(initial);
	const {matches} = completeCommand(text, words, argumentWords);
	const suggestion = text.includes(' ') ? (matches.length === 1 ? `${text.slice(0, text.indexOf(' '))} ${matches[0]}` : undefined) : matches[0];
	const hints = text === '' ? words.map(w => w.word) : matches;
	return (
		<Box flexDirection="column" width={width}>
			<Text dimColor wrap="truncate">
				{truncate(hints.length > 0 ? hints.join('  ') : 'no such command — :help lists them', width)}
			</Text>
			<TextPrompt
				prompt=":"
				width={width}
				initial={initial}
				isActive={isActive}
				suggestion={suggestion}
				onChange={setText}
				onSubmit={value => onSubmit(value.trim())}
				onCancel={onCancel}
				onTab={value => {
					const result = completeCommand(value, words, argumentWords);
					if (result.completed === undefined) return undefined;
					if (result.matches.length === 1 && !value.includes(' ')) {
						const takesArgument = words.find(w => w.word === result.matches[0])?.hint;
						return takesArgument ? `${result.completed} ` : result.completed;
					}
					return result.completed.length > value.length ? result.completed : undefined;
				}}
			/>
		</Box>
	);
}
