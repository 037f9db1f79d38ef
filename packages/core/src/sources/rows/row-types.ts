import { sameType, widenType } from '../connectors/type-widening';

/**
 * Type widening for row tables: the shared rule of type-widening.ts, except that exact decimals stay
 * exact. That rule maps every DECIMAL to DOUBLE, which would silently round a money column, so here
 * two decimals (or a decimal and an integer) widen to a decimal holding both, and a decimal meeting
 * anything else widens to VARCHAR, which keeps every value's text.
 */

const INTEGER_DIGITS: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INTEGER: 10, INT: 10, BIGINT: 19, HUGEINT: 39 };
const DECIMAL_RE = /^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const MAX_DECIMAL_WIDTH = 38;

function asDecimal(type: string): { p: number; s: number } | null {
  const m = DECIMAL_RE.exec(type.trim());
  if (m) return { p: Number(m[1]), s: Number(m[2]) };
  const digits = INTEGER_DIGITS[type.trim().toUpperCase()];
  return digits === undefined ? null : { p: digits, s: 0 };
}

function isDecimal(type: string): boolean {
  return DECIMAL_RE.test(type.trim());
}

/** The narrowest type holding values of both, or undefined when none exists without changing a value. */
export function widenRowType(a: string, b: string): string | undefined {
  if (isDecimal(a) || isDecimal(b)) {
    const x = asDecimal(a);
    const y = asDecimal(b);
    if (!x || !y) return 'VARCHAR';
    const scale = Math.max(x.s, y.s);
    const width = Math.max(x.p - x.s, y.p - y.s) + scale;
    if (x.p === width && x.s === scale) return a;
    return width <= MAX_DECIMAL_WIDTH ? `DECIMAL(${width},${scale})` : 'VARCHAR';
  }
  if (sameType(a, b)) return a;
  return widenType(a, b) ?? undefined;
}

/** True when `wider` is `type` or holds it (a column of type `wider` takes `type`'s values unchanged). */
export function holds(wider: string, type: string): boolean {
  return widenRowType(wider, type) === wider;
}
