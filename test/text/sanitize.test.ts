import {describe, expect, it} from 'vitest';
import {sanitizeForTerminal} from '../../source/text/sanitize.js';

describe('sanitizeForTerminal', () => {
	it('shows an escape sequence visibly instead of emitting ESC', () => {
		const text = sanitizeForTerminal('select 1 -- \u001B]0;owned\u0007\u001B[2J');
		expect(text).toBe('select 1 -- \\x1b]0;owned\\x07\\x1b[2J');
		expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
	});

	it('shows C1 controls (a single-byte CSI) and DEL visibly', () => {
		expect(sanitizeForTerminal('a\u009B31mb\u007Fc\u0085d')).toBe('a\\x9b31mb\\x7fc\\x85d');
	});

	it('shows the bidi controls that reorder what a reader sees', () => {
		expect(sanitizeForTerminal('abc\u202Efed\u2066x\u2069')).toBe('abc\\u202efed\\u2066x\\u2069');
	});

	it('collapses newlines, tabs and runs of spaces into one line', () => {
		expect(sanitizeForTerminal('  select *\n\tfrom   vehicles\r\n where id = 1  ')).toBe('select * from vehicles where id = 1');
	});

	it('keeps newlines and tabs for the full text, but not a carriage return', () => {
		expect(sanitizeForTerminal('select *\n\tfrom t\r-- x', {oneLine: false})).toBe('select *\n\tfrom t\\x0d-- x');
	});

	it('leaves ordinary text (accents, CJK, emoji) alone and turns null into empty', () => {
		expect(sanitizeForTerminal("where name = 'Zürich 東京 🚗'")).toBe("where name = 'Zürich 東京 🚗'");
		expect(sanitizeForTerminal(null)).toBe('');
	});
});
