// The `/` filter line a list screen shows while the person types; enter keeps the filter, esc drops it.
import React from 'react';
import {TextPrompt} from './TextPrompt.js';

export type FilterInputProps = {
	readonly width: number;
	readonly initial?: string;
	readonly isActive?: boolean;
	onSubmit(text: string): void;
	onCancel(): void;
};

export function FilterInput({width, initial, isActive, onSubmit, onCancel}: FilterInputProps) {
	return <TextPrompt prompt="/" width={width} initial={initial} isActive={isActive} onSubmit={value => onSubmit(value.trim())} onCancel={onCancel}/>;
}
