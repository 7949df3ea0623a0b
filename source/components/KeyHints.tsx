// The footer: the keys that work right now, as many as fit in one line; the least important go first.
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import type {KeyBinding} from './key-binding.js';
import {colorEnabled} from '../text/terminal.js';

type Hint = {key: string; label: string; priority: number};

/** Visible hints: bindings that have a handler and are not hidden, one per key label. */
export function visibleHints(bindings: readonly KeyBinding[]): Hint[] {
	const seen = new Set<string>();
	const hints: Hint[] = [];
	for (const binding of bindings) {
		if (!binding.handler || binding.hidden || seen.has(binding.key)) continue;
		seen.add(binding.key);
		hints.push({key: binding.key, label: binding.label, priority: binding.footerPriority ?? 0});
	}
	return hints;
}

const separator = 2;
const size = (hint: Hint) => hint.key.length + 1 + hint.label.length;

/**
 * The hints shown in `width` cells: `pinned` (the shell's `esc` `:` `?` `q`) always, at the end; of the others
 * the most important first (footerPriority, then their order), each one that still fits, shown in their order.
 */
export function fitHints(bindings: readonly KeyBinding[], pinned: readonly KeyBinding[], width: number): Hint[] {
	const tail = visibleHints(pinned);
	// Cells taken: every hint plus a separator after it (the last one's is not drawn, hence width + separator).
	let used = tail.reduce((sum, hint) => sum + size(hint) + separator, 0);
	const candidates = visibleHints(bindings)
		.filter(hint => !tail.some(t => t.key === hint.key))
		.map((hint, index) => ({hint, index}));
	const chosen = new Set<number>();
	for (const {hint, index} of [...candidates].sort((a, b) => a.hint.priority - b.hint.priority || a.index - b.index)) {
		const cost = size(hint) + separator;
		if (used + cost > width + separator) continue;
		chosen.add(index);
		used += cost;
	}
	return [...candidates.filter(({index}) => chosen.has(index)).map(({hint}) => hint), ...tail];
}

export function KeyHints({bindings, pinned = [], width}: {readonly bindings: readonly KeyBinding[]; readonly pinned?: readonly KeyBinding[]; readonly width: number}) {
	const color = colorEnabled();
	const parts = fitHints(bindings, pinned, width);
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
