// The keymap from the config file: checked at start against every view's keys, then used by footer, help and input.
import React from 'react';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {consoleKeyUses, Shell} from '../../source/app/Shell.js';
import {parseKeymap} from '../../source/app/keymap.js';
import {resolveTarget} from '../../source/db/connection.js';
import {openProfileStore} from '../../source/db/profiles.js';
import {fakeConsoleData, fleet, organization, vehicle, waitForFrame} from '../helpers/fakes.js';

const session = {location: 'db.example:5432/fleet', user: 'support', version: 'PG 16.4', readOnly: true};
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const undo of cleanup) undo();
	cleanup = [];
});

const lastLine = (frame: string) => frame.split('\n').at(-1) ?? '';

describe('checking the keymap at start', () => {
	it('accepts a remap onto a free key', () => {
		const keymap = parseKeymap({q: 'x', G: 'e'}, consoleKeyUses());
		expect([...keymap]).toEqual([['q', 'x'], ['G', 'e']]);
	});

	it('refuses a key remapped onto one that still does something else, naming both and the view', () => {
		expect(() => parseKeymap({q: 'j'}, consoleKeyUses())).toThrow(/"q" \(quit\) is remapped to "j", which already does "move[^"]*" on :orgs/);
	});

	it('accepts the same remap when the other key moves away too (a swap)', () => {
		expect([...parseKeymap({j: 'k', k: 'j'}, consoleKeyUses())]).toEqual([['j', 'k'], ['k', 'j']]);
	});

	it('refuses two keys remapped onto one', () => {
		expect(() => parseKeymap({q: 'x', r: 'x'}, consoleKeyUses())).toThrow('"q" and "r" are both remapped to "x"');
	});

	it('refuses an unknown key name and says what a key name is', () => {
		let error: {message?: string; hint?: string} = {};
		try {
			parseKeymap({'ctrl-x': 'q'}, consoleKeyUses());
		} catch (caught) {
			error = caught as typeof error;
		}
		expect(error.message).toBe('keymap: unknown key "ctrl-x"');
		expect(error.hint).toContain('one character');
		expect((error as {exitCode?: number}).exitCode ?? 2).toBe(2);
	});
});

describe('a remapped console', () => {
	function world() {
		const acme = organization({name: 'Acme Mobility', slug: 'acme'});
		const north = fleet({name: 'North depot', organizationId: acme.id});
		const vehicles = Array.from({length: 30}, (_, i) => vehicle({vin: `WVWZZZ1KZAW0000${String(i + 1).padStart(2, '0')}`, fleetId: north.id}));
		return fakeConsoleData({orgs: [acme], fleets: [north], vehicles});
	}

	it('quits on the new key, not on the old one, and the footer shows the new key', async () => {
		const onQuit = vi.fn();
		const keymap = parseKeymap({q: 'x'}, consoleKeyUses());
		const view = render(<Shell data={world()} session={session} onQuit={onQuit} width={80} height={24} healthIntervalMs={0} keymap={keymap}/>);
		cleanup.push(view.unmount);
		const frame = await waitForFrame(view.lastFrame, f => f.includes('Acme Mobility') && lastLine(f).includes('x quit'));
		expect(lastLine(frame)).not.toContain('q quit');
		view.stdin.write('q');
		await waitForFrame(view.lastFrame, f => f.includes('Acme Mobility'));
		expect(onQuit).not.toHaveBeenCalled();
		view.stdin.write('x');
		await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
	});

	it('moves a list with the remapped key and lists the keymap in help', async () => {
		const keymap = parseKeymap({G: 'e'}, consoleKeyUses());
		const view = render(<Shell data={world()} session={session} onQuit={() => {}} width={80} height={24} healthIntervalMs={0} keymap={keymap} initialView="vehicles"/>);
		cleanup.push(view.unmount);
		await waitForFrame(view.lastFrame, f => f.includes('WVWZZZ1KZAW000001'));
		view.stdin.write('e');
		await waitForFrame(view.lastFrame, f => /› .*WVWZZZ1KZAW000030/.test(f));
		view.stdin.write('?');
		const help = await waitForFrame(view.lastFrame, f => f.includes('Your keymap'));
		expect(help).toMatch(/g\/e +Home\/End +first \/ last row of the whole list/);
		expect(help).toMatch(/e +does what G does/);
	});
});

describe('--readonly per profile', () => {
	it('a profile saved read-only opens the console without actions', () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'evfleet-profiles-'));
		cleanup.push(() => rmSync(directory, {recursive: true, force: true}));
		const store = openProfileStore(directory);
		store.save('support', {host: 'db.example', port: 5432, database: 'fleet', user: 'support', readonly: true});
		store.save('dba', {host: 'db.example', port: 5432, database: 'fleet', user: 'dba'});
		expect(resolveTarget({profile: 'support'}, {}, () => store).readonly).toBe(true);
		expect(resolveTarget({profile: 'dba'}, {}, () => store).readonly).toBeUndefined();
	});
});
