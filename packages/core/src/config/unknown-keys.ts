import type { z } from 'zod';

/** Edit distance with adjacent swaps (optimal string alignment), so `dierctory` is one edit from `directory`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key a mistyped `key` most likely meant: the closest within two edits (never a full
 * rewrite of a short key), else one that contains it or that it starts with (`dir` -> `directory`).
 */
export function suggestKey(key: string, known: readonly string[]): string | null {
  const k = key.toLowerCase();
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(k, candidate.toLowerCase());
    if (distance <= (k.length <= 3 ? 1 : 2) && distance < k.length && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  if (best) return best.key;
  if (k.length < 3) return null;
  return known.find((c) => c.toLowerCase().includes(k) || (c.length >= 3 && k.startsWith(c.toLowerCase()))) ?? null;
}

/** `unknown key (did you mean "directory"?)`, or `unknown key (known: a, b)` when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = suggestKey(key, known);
  if (near) return `unknown key (did you mean "${near}"?)`;
  return known.length > 0 ? `unknown key (known keys: ${known.join(', ')})` : 'unknown key';
}

/** One problem of a config file: where (`sources[1].csv.dir`) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** `sources[1].csv.dir` from zod's path array. */
export function formatIssuePath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

const KEY_SEPARATOR = '\n';

/**
 * A zod error map for parsing config: a strict object's unknown keys get one message each, with the
 * close match among the object's own keys, so every schema (a user connector's too) suggests alike.
 */
export const configErrorMap = (iss: { code?: string; keys?: string[]; inst?: unknown }): string | undefined => {
  if (iss.code !== 'unrecognized_keys' || !iss.keys) return undefined;
  const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  const known = shape ? Object.keys(shape) : [];
  return iss.keys.map((k) => unknownKeyMessage(k, known)).join(KEY_SEPARATOR);
};

/** Zod's issues as config issues, an unknown key's path ending at the key itself; `prefix` is where the parsed value sits. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): ConfigIssue[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code !== 'unrecognized_keys') return [{ path: formatIssuePath(at), message: issue.message }];
    const messages = issue.message.split(KEY_SEPARATOR);
    return issue.keys.map((key, i) => ({
      path: formatIssuePath([...at, key]),
      message: messages.length === issue.keys.length ? messages[i]! : 'unknown key',
    }));
  });
}

/** Parses `value` with `schema` and the config error map; the issues (empty when valid) and the parsed value. */
export function parseConfigValue<S extends z.ZodType>(schema: S, value: unknown, prefix: ReadonlyArray<PropertyKey> = []): { data?: z.output<S>; issues: ConfigIssue[] } {
  const result = schema.safeParse(value, { error: configErrorMap });
  return result.success ? { data: result.data, issues: [] } : { issues: toConfigIssues(result.error.issues, prefix) };
}
