// What a key hint is: the one shape the footer, help and the key tables of screens share (no domain words).

/**
 * One key a screen (or the shell) handles.
 * - `key` is what the footer and help show ('enter', '/', 's', '↑↓').
 * - `match` lists the key names it fires on (default [key]): a character ('j', 'G', '/'),
 *   or one of 'up' 'down' 'left' 'right' 'pageup' 'pagedown' 'home' 'end' 'enter' 'escape' 'tab' 'backtab' (Shift-Tab) 'backspace'.
 * - A binding without a handler is documentation only (help overlay) and never shown in the footer.
 */
export type KeyBinding = {
	readonly key: string;
	readonly label: string;
	readonly match?: readonly string[];
	readonly handler?: () => void;
	/** Handled, listed in help, but kept out of the footer (space is short at 80 columns). */
	readonly hidden?: boolean;
	/** Starts a write (a maintenance action): with `--readonly` it is not handled, not in the footer, not in help. */
	readonly writes?: boolean;
	/**
	 * Which hints the footer drops first when they do not fit: 0 the view's main keys (default), 1 secondary,
	 * 2 movement (↑↓, g/G: what everyone tries anyway). Help (`?`) always lists every key.
	 */
	readonly footerPriority?: 0 | 1 | 2;
};
