// The one column fitter for every table: the console's DataTable, the printed cli-table3 tables and the plain
// column lists of `maint status`. Pure arithmetic on cell widths (no React, no db).
//
// Each view or command declares, per column, how important it is (`priority`) and how far it may shrink
// (`minWidth`); the fitter keeps the essential columns and shrinks or drops the rest in that stated order:
//   1. droppable columns that say how narrow they may get (minWidth) shrink toward it, least important first;
//   2. if that is not enough, the least important column is dropped (the highest priority number; the
//      rightmost among equals), and the fit starts over;
//   3. essential columns (priority 0 or none) are never dropped; only when no other column is left to drop do
//      those with a minWidth shrink (rightmost first), and the rest keep their widths (the terminal or
//      DataTable cuts the line's end).
// Whatever room is left goes to the one `grow` column (e.g. a query text), if any.

export type FitColumn = {
	/** Fixed width; otherwise the widest cell (header included), between minWidth and maxWidth. */
	readonly width?: number;
	/** How narrow the column may get before any column is dropped; without it the column is dropped whole. */
	readonly minWidth?: number;
	readonly maxWidth?: number;
	/** 0 or none: essential, never dropped. 1, 2, …: dropped highest first when the table does not fit. */
	readonly priority?: number;
	/** Takes the room the others leave (at least its natural width). */
	readonly grow?: boolean;
};

/** How a table spends cells besides its columns: `perColumn` for each kept column, `fixed` once per line. */
export type TableFrame = {readonly width: number; readonly perColumn: number; readonly fixed: number};

/** The console's DataTable: a 2-cell selection marker, one space between columns. */
export const consoleFrame = (width: number): TableFrame => ({width, perColumn: 1, fixed: 1});
/** cli-table3: a border and a space on each side of every cell, one closing border. */
export const boxedFrame = (width: number): TableFrame => ({width, perColumn: 3, fixed: 1});

export type FittedColumn<C> = {column: C; width: number};

const essential = (column: FitColumn) => !column.priority;

/** The columns that fit the frame, in their order, with their widths. `natural`: the column's widest cell. */
export function fitColumns<C extends FitColumn>(columns: readonly C[], natural: (column: C) => number, frame: TableFrame): Array<FittedColumn<C>> {
	const naturalWidths = new Map(columns.map(column => [column, column.width ?? Math.min(Math.max(natural(column), column.minWidth ?? 1), column.maxWidth ?? Number.POSITIVE_INFINITY)]));
	let kept = [...columns];
	for (;;) {
		const widths = kept.map(column => naturalWidths.get(column)!);
		const available = frame.width - frame.fixed - frame.perColumn * kept.length;
		let total = widths.reduce((sum, w) => sum + w, 0);
		/** Cuts columns toward their minWidth, in the given order, until the line fits. */
		const shrink = (order: number[]) => {
			for (const i of order) {
				const column = kept[i]!;
				if (total <= available) return;
				if (column.width !== undefined || column.minWidth === undefined) continue;
				const cut = Math.min(widths[i]! - column.minWidth, total - available);
				if (cut > 0) {
					widths[i] = widths[i]! - cut;
					total -= cut;
				}
			}
		};
		const indexes = kept.map((_, i) => i);
		// Least important first; stable, so the leftmost of equal priorities gives first.
		shrink(indexes.filter(i => !essential(kept[i]!)).sort((a, b) => kept[b]!.priority! - kept[a]!.priority!));
		let drop = -1;
		if (total > available) {
			for (let i = 0; i < kept.length; i++) {
				if (essential(kept[i]!)) continue;
				if (drop === -1 || kept[i]!.priority! >= kept[drop]!.priority!) drop = i;
			}
		}
		if (drop === -1) {
			shrink(indexes.filter(i => essential(kept[i]!)).reverse());
			const grow = kept.findIndex(column => column.grow);
			if (grow !== -1 && total < available) widths[grow] = widths[grow]! + available - total;
			return kept.map((column, i) => ({column, width: widths[i]!}));
		}
		kept = kept.filter((_, i) => i !== drop);
	}
}
