// The one sanitizer for strings from the database (names, query texts, audit fields, errors) on their way to a
// terminal: control characters are shown visibly (`\x1b`, `\x07`, `\u202e`), never emitted, so a query text
// cannot move the cursor, retitle the window, or reorder what the person reads. JSON output never goes through it.

/** C0 (but tab and newline, handled below), DEL, C1, and the Unicode bidi controls a "trojan source" text uses. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's whole job
const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;

const visible = (char: string): string => {
	const code = char.codePointAt(0)!;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

export type SanitizeOptions = {
	/** One line (the default): tabs, newlines and runs of spaces become one space, and the ends are trimmed. */
	oneLine?: boolean;
};

/**
 * `s` safe to write to a terminal. One line by default (lists, tables, plain rows); `{oneLine: false}` keeps
 * newlines and tabs (the full query text on enter) and shows a carriage return as `\x0d`.
 */
export function sanitizeForTerminal(s: string | null | undefined, {oneLine = true}: SanitizeOptions = {}): string {
	if (s === null || s === undefined) return '';
	if (oneLine) return s.replace(/[\t\n\r\f\v ]+/g, ' ').trim().replace(unsafe, visible);
	return s.replace(unsafe, visible);
}
