/** A plain object or array whose JSON is its own fields (no class instance, no `toJSON`). */
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * True when `value` serialises exactly like `snapshot` (a value parsed back from JSON): the same
 * primitives, and the same keys in the same order. Anything unusual (a Date, NaN, an undefined
 * field) compares unequal, which only costs a fresh serialisation.
 */
function sameJson(value: unknown, snapshot: unknown): boolean {
  if (typeof value !== 'object' || value === null || typeof snapshot !== 'object' || snapshot === null) return value === snapshot;
  if (!isPlain(value) || Array.isArray(value) !== Array.isArray(snapshot)) return false;
  if (Array.isArray(value)) {
    const other = snapshot as unknown[];
    return value.length === other.length && value.every((item, i) => sameJson(item, other[i]));
  }
  const keys = Object.keys(snapshot);
  let i = 0;
  for (const key in value) {
    if (key !== keys[i++] || !sameJson((value as Record<string, unknown>)[key], (snapshot as Record<string, unknown>)[key])) return false;
  }
  return i === keys.length;
}

/**
 * Serialises the answers of one route, reusing the last text while the value is unchanged (a status
 * polled many times a second). The comparison runs against a copy parsed back from that text, so a
 * value mutated after it was answered can never bring back stale JSON.
 */
export class JsonMemo {
  private text: string | undefined;
  private snapshot: unknown;

  /** `JSON.stringify(value)`, from memory when the value serialises as last time. */
  stringify(value: unknown): string {
    if (this.text !== undefined && sameJson(value, this.snapshot)) return this.text;
    const text = JSON.stringify(value);
    this.text = text;
    this.snapshot = text === undefined ? undefined : JSON.parse(text);
    return text;
  }
}
