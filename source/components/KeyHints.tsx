// The footer: the keys that work right now, as many as fit in one line.
import React from 'react';
import {Box, Text} from 'ink';
import type {KeyBinding} from '../app/keys.js';
import {colorEnabled} from '../terminal.js';

/** Visible hints: bindings that have a handler and are not hidden, one per key label. */
export function visibleHints(bindings: readonly KeyBinding[]): Array<{key: string; label: string}> {
	const seen = new Set<string>();
	const hints: Array<{key: string; label: string}> = [];
	for (const binding of bindings) {
		if (!binding.handler || binding.hidden || seen.has(binding.key)) continue;
		seen.add(binding.key);
		hints.push({key: binding.key, label: binding.label});
	}
	return hints;
}

/** `pinned` hints (the shell's `:` `?` `q`) always show at the end; the others fill what room is left. */
export function KeyHints({bindings, pinned = [], width}: {readonly bindings: readonly KeyBinding[]; readonly pinned?: readonly KeyBinding[]; readonly width: number}) {
	const color = colorEnabled();
	const size = (hint: {key: string; label: string}) => hint.key.length + 1 + hint.label.length + 2;
	const tail = visibleHints(pinned);
	let used = tail.reduce((sum, hint) => sum + size(hint), 0);
	const parts: Array<{key: string; label: string}> = [];
	for (const hint of visibleHints(bindings)) {
		if (tail.some(t => t.key === hint.key)) continue;
		if (used + size(hint) > width) break;
		parts.push(hint);
		used += size(hint);
	}
	parts.push(...tail);
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate">
				{parts.map(({key, label}, i) => (
					<Text key={`${key}${i}`}>
						<Text bold color={color ? 'cyan' : undefined}>
							{key}
						</Text>
						<Text dimColor> {label}</Text>
						{i < parts.length - 1 ? '  ' : ''}
					</Text>
				))}
			</Text>
		</Box>
	);
}
