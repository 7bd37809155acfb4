export type Cell = string | number;

/** Fractions get two decimals so a column's decimal points line up. */
function show(cell: Cell): string {
  return typeof cell === 'number' && !Number.isInteger(cell) ? cell.toFixed(2) : String(cell);
}

/** Numbers align right (so digits line up), text aligns left. */
function pad(cell: Cell, width: number): string {
  const text = show(cell);
  return typeof cell === 'number' ? text.padStart(width) : text.padEnd(width);
}

/** Renders rows as a plain-text table that survives copy-paste into issues and commit messages. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => show(row[column] ?? '').length)));
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, column) => pad(cell, widths[column]))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
