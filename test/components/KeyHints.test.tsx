import {describe, expect, it} from 'vitest';
import type {KeyBinding} from '../../source/app/keys.js';
import {fitHints} from '../../source/components/KeyHints.js';

const on = () => {};
const pinned: KeyBinding[] = [{key: ':', label: 'command', handler: on}, {key: '?', label: 'help', handler: on}, {key: 'q', label: 'quit', handler: on}];
const shown = (hints: Array<{key: string; label: string}>) => hints.map(h => `${h.key} ${h.label}`).join('  ');

describe('footer hints', () => {
	const vehicles: KeyBinding[] = [
		{key: '↑↓', label: 'move', handler: on, footerPriority: 2},
		{key: 'enter', label: 'inspect', handler: on},
		{key: '/', label: 'filter', handler: on},
		{key: 's', label: 'sort:VIN', handler: on},
		{key: 'f', label: 'status', handler: on},
		{key: 'c', label: 'conn', handler: on},
		{key: 'r', label: 'refresh', handler: on},
	];

	it('drops the least important hints first at 80 columns (movement before the view\'s own keys), never past the width', () => {
		const line = shown(fitHints(vehicles, pinned, 80));
		expect(line.length).toBeLessThanOrEqual(80);
		for (const hint of ['enter inspect', '/ filter', 's sort:VIN', 'f status', 'c conn', ': command', '? help', 'q quit']) expect(line).toContain(hint);
		expect(line).not.toContain('↑↓ move');
		expect(line.endsWith('q quit')).toBe(true);
	});

	it('shows every hint in its own order when there is room', () => {
		expect(shown(fitHints(vehicles, pinned, 120))).toBe('↑↓ move  enter inspect  / filter  s sort:VIN  f status  c conn  r refresh  : command  ? help  q quit');
	});

	it('skips a long hint that does not fit but keeps a later short one', () => {
		const line = shown(fitHints([{key: 'c', label: 'create partitions ahead of time', handler: on}, {key: 'r', label: 'reload', handler: on}], pinned, 48));
		expect(line).toBe('r reload  : command  ? help  q quit');
	});
});
