// A one-line message across the screen: errors, warnings, notices.
import React from 'react';
import {Box} from 'ink';
import {Text} from './Styled.js';
import {colorEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';

export type BannerProps = {readonly kind: 'error' | 'warning' | 'info'; readonly width: number; readonly children: string};

const colors = {error: 'red', warning: 'yellow', info: 'cyan'} as const;
const prefixes = {error: '✖ ', warning: '⚠ ', info: ''} as const;

export function Banner({kind, width, children}: BannerProps) {
	const color = colorEnabled();
	return (
		<Box width={width} height={1}>
			<Text color={color ? colors[kind] : undefined} bold={kind !== 'info'} wrap="truncate">
				{truncate(prefixes[kind] + children, width)}
			</Text>
		</Box>
	);
}
