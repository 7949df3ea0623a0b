// The `:` command line with completion: Tab completes the command word from a list, and its argument from
// `completeArgument` (the shell asks the database); when nothing longer is common to the candidates, Tab and
// Shift-Tab cycle through them, forwards and backwards.
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {TextPrompt} from './TextPrompt.js';
import {truncate} from '../text/cells.js';

export type Completion = {readonly word: string; readonly hint?: string};

/** Candidates for the argument of `command` starting with `partial`; a promise when they come from a server. */
export type ArgumentCompleter = (command: string, partial: string) => readonly string[] | Promise<readonly string[]>;

/** Candidates for what is typed: command words starting with it, or (after a space) the argument candidates given. */
export function completeCommand(text: string, words: readonly Completion[], argumentCandidates: readonly string[] = []): {matches: string[]; completed?: string} {
	const space = text.indexOf(' ');
	if (space === -1) {
		const matches = words.map(w => w.word).filter(word => word.startsWith(text.toLowerCase()));
		return {matches, completed: commonPrefix(matches)};
	}
	const command = text.slice(0, space);
	const partial = text.slice(space + 1);
	const matches = argumentCandidates.filter(word => word.toLowerCase().startsWith(partial.toLowerCase()));
	const prefix = commonPrefix(matches.map(match => partial + match.slice(partial.length)));
	return {matches, completed: prefix === undefined ? undefined : `${command} ${prefix}`};
}

function commonPrefix(words: string[]): string | undefined {
	if (words.length === 0) return undefined;
	let prefix = words[0]!;
	for (const word of words) while (!word.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
	return prefix;
}

/**
 * What Tab (or Shift-Tab, backwards) makes of `value`: the longest common completion when it adds something,
 * else the next candidate in turn (`cycle` remembers where). A single command word that takes an argument
 * gets its space.
 */
export function nextCompletion(
	value: string,
	words: readonly Completion[],
	candidates: readonly string[],
	cycle: {base: string; index: number} | undefined,
	backwards: boolean,
): {text: string; cycle?: {base: string; index: number}} | undefined {
	const base = cycle?.base ?? value;
	const {matches, completed} = completeCommand(base, words, candidates);
	if (matches.length === 0) return undefined;
	const space = base.indexOf(' ');
	const whole = (match: string) => (space === -1 ? match : `${base.slice(0, space)} ${match}`);
	if (!cycle) {
		if (matches.length === 1) {
			const takesArgument = space === -1 && words.find(w => w.word === matches[0])?.hint;
			return {text: takesArgument ? `${whole(matches[0]!)} ` : whole(matches[0]!)};
		}
		if (completed !== undefined && completed.length > value.length) return {text: completed};
	}
	const index = cycle ? (cycle.index + (backwards ? -1 : 1) + matches.length) % matches.length : backwards ? matches.length - 1 : 0;
	return {text: whole(matches[index]!), cycle: {base, index}};
}

export type CommandLineProps = {
	readonly width: number;
	readonly words: readonly Completion[];
	readonly completeArgument?: ArgumentCompleter;
	readonly isActive?: boolean;
	/** Text already typed (keys that arrived together with the `:`). */
	readonly initial?: string;
	onSubmit(text: string): void;
	onCancel(): void;
};

export function CommandLine({width, words, completeArgument, isActive = true, initial = '', onSubmit, onCancel}: CommandLineProps) {
	const [text, setText] = useState(initial);
	const cycle = useRef<{base: string; index: number} | undefined>(undefined);
	const tabbed = useRef<{text: string; cycle?: {base: string; index: number}} | undefined>(undefined);
	const completing = cycle.current?.base ?? text;
	const space = completing.indexOf(' ');
	const command = space === -1 ? '' : completing.slice(0, space);
	const partial = space === -1 ? '' : completing.slice(space + 1);
	// Argument candidates for what is typed, from the completer (answers to older text are dropped).
	const [candidates, setCandidates] = useState<{command: string; partial: string; values: readonly string[]}>({command: '', partial: '', values: []});
	useEffect(() => {
		if (!completeArgument || space === -1) return;
		let current = true;
		Promise.resolve(completeArgument(command, partial)).then(
			values => current && setCandidates({command, partial, values}),
			() => current && setCandidates({command, partial, values: []}),
		);
		return () => {
			current = false;
		};
	}, [completeArgument, command, partial, space]);
	// Until the answer for the text as typed arrives, the answer for a shorter prefix still holds (filtered).
	const answered = candidates.command === command && candidates.partial === partial;
	const argumentCandidates = candidates.command === command && partial.toLowerCase().startsWith(candidates.partial.toLowerCase()) ? candidates.values : [];
	const waiting = space !== -1 && completeArgument !== undefined && !answered;
	const {matches} = completeCommand(completing, words, argumentCandidates);
	const suggestion = space === -1 ? matches[0] : matches.length === 1 ? `${command} ${matches[0]}` : undefined;
	const argumentHint = space === -1 ? undefined : words.find(w => w.word === command)?.hint;
	const hints = text === '' ? words.map(w => w.word) : matches;
	const hintLine = hints.length > 0
		? hints.join('  ')
		: waiting
			? 'looking up…'
			: space === -1
				? 'no such command — :help lists them'
				: argumentHint
					? `${argumentHint}${completeArgument ? ' — nothing matches' : ''}`
					: '';
	return (
		<Box flexDirection="column" width={width}>
			<Text dimColor wrap="truncate">
				{truncate(hintLine || ' ', width)}
			</Text>
			<TextPrompt
				prompt=":"
				width={width}
				initial={initial}
				isActive={isActive}
				suggestion={suggestion}
				onChange={value => {
					// Typing ends a cycle through candidates; the change Tab itself makes carries its position.
					cycle.current = tabbed.current?.text === value ? tabbed.current.cycle : undefined;
					tabbed.current = undefined;
					setText(value);
				}}
				onSubmit={value => onSubmit(value.trim())}
				onCancel={onCancel}
				onTab={(value, backwards) => {
					// Candidates a completer knows at once (a list, not a server) need not wait for the effect above.
					const known = !answered && space !== -1 && completeArgument ? completeArgument(command, partial) : undefined;
					const next = nextCompletion(value, words, Array.isArray(known) ? known : argumentCandidates, cycle.current, backwards);
					if (!next) return undefined;
					tabbed.current = next;
					return next.text;
				}}
			/>
		</Box>
	);
}
