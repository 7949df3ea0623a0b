// Cell-width helpers for fixed-width terminal layout (no domain words).

/** Cuts `text` to `width` cells, ending with "…" when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length <= width) return text;
	if (width === 1) return '…';
	return `${text.slice(0, width - 1)}…`;
}

/** Pads (or cuts) to exactly `width` cells. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text.replaceAll('\n', ' '), width);
	return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}
