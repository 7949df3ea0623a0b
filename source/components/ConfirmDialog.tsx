// A confirmation: y/N for plain actions; for destructive ones the object's name must be typed, and the
// run button stays disabled until it matches exactly. esc (or n) always cancels; the default is no.
import React, {useRef, useState, type ReactNode} from 'react';
import {Box} from 'ink';
import {useKeyboard} from './keyboard.js';
import {Text} from './Styled.js';
import {colorEnabled, textAttributesEnabled} from '../text/terminal.js';
import {truncate} from '../text/cells.js';
import {sanitizeForTerminal} from '../text/sanitize.js';

export type ConfirmDialogProps = {
	readonly title: string;
	/** What will happen (SQL, affected objects), drawn above the question. */
	readonly children?: ReactNode;
	/** Destructive: the text to type (an object name). Null or absent: a y/N question. */
	readonly confirmText?: string | null;
	/** The verb on the button: "Run", "Detach", "Drop". */
	readonly action?: string;
	readonly width: number;
	readonly isActive?: boolean;
	onConfirm(): void;
	onCancel(): void;
};

/** Whether what was typed confirms: exact match, surrounding spaces ignored. */
export function typedConfirms(typed: string, confirmText: string): boolean {
	return typed.trim() === confirmText;
}

/** What the dialog's keys do, in the words the footer shows (the same rules as the handler below). */
export function confirmKeyHints(destructive: boolean, action = 'Run'): Array<{key: string; label: string}> {
	const verb = action.toLowerCase();
	return destructive
		? [{key: 'enter', label: `${verb} (once the name matches)`}, {key: 'esc', label: 'cancel'}]
		: [{key: 'y', label: verb}, {key: 'n/enter/esc', label: `cancel (do not ${verb})`}];
}

export function ConfirmDialog({title, children, confirmText, action = 'Run', width, isActive = true, onConfirm, onCancel}: ConfirmDialogProps) {
	const color = colorEnabled();
	const [typed, setTyped] = useState('');
	const [mismatch, setMismatch] = useState(false);
	const latest = useRef('');
	const destructive = Boolean(confirmText);
	const enabled = destructive ? typedConfirms(typed, confirmText!) : true;

	useKeyboard(
		(input, key) => {
			if (key.escape) return onCancel();
			if (!destructive) {
				if (input === 'y' || input === 'Y') return onConfirm();
				if (input === 'n' || input === 'N' || key.return) return onCancel();
				return;
			}
			if (key.return) {
				if (typedConfirms(latest.current, confirmText!)) return onConfirm();
				setMismatch(true);
				return;
			}
			let next = latest.current;
			if (key.backspace || key.delete) next = next.slice(0, -1);
			else if (key.ctrl && input === 'u') next = '';
			else if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
			else if (input) next += input.replaceAll(/[\r\n]/g, '');
			latest.current = next;
			setTyped(next);
			setMismatch(false);
		},
		{isActive},
	);

	const inner = Math.max(10, width - 4);
	const button = enabled ? `[ ${action} ]` : `[ ${action} ] (disabled)`;
	return (
		<Box flexDirection="column" width={width} borderStyle={color ? 'round' : 'single'} borderColor={color ? (destructive ? 'red' : 'yellow') : undefined} paddingX={1}>
			<Text bold wrap="truncate">
				{truncate(sanitizeForTerminal(title), inner)}
			</Text>
			{children}
			{destructive ? (
				<Box flexDirection="column">
					<Text wrap="truncate">
						Type <Text bold>{sanitizeForTerminal(confirmText)}</Text> to confirm, esc to cancel:
					</Text>
					<Text wrap="truncate">
						{'> '}
						{truncate(typed, inner - 3)}
						<Text inverse={textAttributesEnabled()}>{textAttributesEnabled() ? ' ' : '_'}</Text>
					</Text>
					<Text wrap="truncate">
						<Text bold={enabled} dimColor={!enabled} color={enabled && color ? 'red' : undefined}>
							{button}
						</Text>
						{mismatch ? <Text color={color ? 'red' : undefined}>{'  does not match — nothing was run'}</Text> : null}
					</Text>
				</Box>
			) : (
				<Text wrap="truncate">
					<Text bold>{action}?</Text> [y/N] <Text dimColor>(y runs, n / enter / esc cancels)</Text>
				</Text>
			)}
		</Box>
	);
}
