/** One row of a unit test diff: `-` expected but missing, `+` returned but not expected, ` ` as expected. */
export interface DiffRow {
  mark: '-' | '+' | ' ';
  values: (string | null)[];
}

const MAX_ROWS = 50;

/** A readable table of a unit test's expected and actual rows, differing rows marked. */
export function diffText(columns: string[], rows: DiffRow[]): string {
  const order = { '-': 0, '+': 1, ' ': 2 };
  const sorted = [...rows].sort((a, b) => order[a.mark] - order[b.mark] || a.values.map(String).join('\0').localeCompare(b.values.map(String).join('\0')));
  const shown = sorted.slice(0, MAX_ROWS);
  const cells = shown.map((r) => r.values.map((v) => (v === null ? 'null' : v)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (mark: string, vals: string[]) => `${mark} | ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')}`.trimEnd();
  const out = [line(' ', columns), `--+-${widths.map((w) => '-'.repeat(w)).join('-+-')}`, ...shown.map((r, i) => line(r.mark, cells[i]!))];
  if (sorted.length > shown.length) out.push(`  ... ${sorted.length - shown.length} more row(s)`);
  out.push('(- expected but not returned, + returned but not expected)');
  return out.join('\n');
}
