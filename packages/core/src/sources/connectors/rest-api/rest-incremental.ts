import type { CursorState } from '../../rows';
import type { ResolvedSyncOptions } from '../connector';
import { getPath } from './json-path';
import type { RestResource } from './rest-config';

type Incremental = NonNullable<RestResource['endpoint']['incremental']>;

/** What one sync asks of an incremental resource: the query parameters and which records to keep. */
export interface CursorWindow {
  params: Record<string, string>;
  /** Drops records outside the window, for APIs that ignore or round the parameters. */
  keep(record: unknown): boolean;
}

const DAY = 86_400;
const epoch = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

/** Compares a cursor value with a bound: numbers as numbers, timestamps as instants, else as text. */
function compare(a: unknown, b: string | number): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof a === 'string') {
    if (typeof b === 'number') return Number.isNaN(Number(a)) ? null : Number(a) - b;
    const x = Date.parse(String(a));
    const y = Date.parse(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    return String(a) < b ? -1 : String(a) > b ? 1 : 0;
  }
  return null;
}

/**
 * The window of one sync: from the sync's `start_date` (a backfill), else the stored cursor, else
 * `initial_value`; up to the sync's `end_date` (its whole day), else `end_value`. Dates go out as Unix
 * seconds when `initial_value` is a number (or the stored cursor is), else as ISO 8601 UTC. A stored
 * cursor is re-read inclusively under merge (the key dedupes) and exclusively under append.
 */
export function planWindow(inc: Incremental, options: ResolvedSyncOptions, state: CursorState | undefined, disposition: string): CursorWindow {
  const stored = state?.value ?? undefined;
  const numeric = typeof inc.initial_value === 'number' || (inc.initial_value === undefined && stored !== undefined && /^-?\d+(\.\d+)?$/.test(stored));
  let start: string | number | undefined = inc.initial_value;
  let exclusive = false;
  if (options.startDate) start = numeric ? epoch(options.startDate) : `${options.startDate}T00:00:00Z`;
  else if (stored !== undefined) {
    start = numeric ? Number(stored) : stored;
    exclusive = disposition === 'append';
  }
  let end: string | number | undefined = inc.end_value;
  if (options.endDate) end = numeric ? epoch(options.endDate) + DAY - 1 : `${options.endDate}T23:59:59Z`;
  const params: Record<string, string> = {};
  if (start !== undefined) params[inc.start_param] = String(start);
  if (end !== undefined && inc.end_param) params[inc.end_param] = String(end);
  return {
    params,
    keep(record) {
      const value = getPath(record, inc.cursor_path);
      if (value === undefined || value === null) return true;
      if (start !== undefined) {
        const c = compare(value, start);
        if (c !== null && (c < 0 || (exclusive && c === 0))) return false;
      }
      if (end !== undefined) {
        const c = compare(value, end);
        if (c !== null && c > 0) return false;
      }
      return true;
    },
  };
}
