import { DangoError } from '../../../errors';

/** The value at a dotted path (`data.items`, `paging.next`, `results.0.id`; `$` or `$.a` as JSONPath's root). */
export function getPath(value: unknown, path: string): unknown {
  const clean = path.replace(/^\$\.?/, '');
  if (clean === '') return value;
  let node = value;
  for (const part of clean.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Where records usually are when a response holds several lists. */
const COMMON_LIST_KEYS = ['data', 'items', 'results', 'records', 'entries', 'objects', 'rows', 'values'];

/**
 * Finds the records of a response without a `data_selector`: the body itself when it is a list, the
 * one list among its top-level values, else a well-known key (`data`, `items`, `results`, ...); an
 * object without lists is one record. Returns the path found (`$` for the body) so later pages use it.
 */
export function detectDataPath(body: unknown, resource: string): string {
  if (Array.isArray(body)) return '$';
  if (body === null || typeof body !== 'object') {
    throw new DangoError('UPSTREAM', `The response of resource ${resource} is not a JSON object or list; set endpoint.data_selector`);
  }
  const lists = Object.entries(body).filter(([, v]) => Array.isArray(v)).map(([k]) => k);
  if (lists.length === 1) return lists[0]!;
  const common = COMMON_LIST_KEYS.find((k) => lists.includes(k));
  if (common) return common;
  if (lists.length === 0) return '$one';
  throw new DangoError('CONFIG_INVALID', `The response of resource ${resource} holds several lists (${lists.join(', ')}); set endpoint.data_selector to the one with the records`);
}

/** The records at `path` (`$one`: the body is the one record); CONFIG_INVALID when the path holds no list. */
export function recordsAt(body: unknown, path: string, resource: string): unknown[] {
  if (path === '$one') return body === null || body === undefined ? [] : [body];
  const found = getPath(body, path);
  if (Array.isArray(found)) return found;
  if (found === null || found === undefined) return [];
  if (typeof found === 'object') return [found];
  throw new DangoError('CONFIG_INVALID', `data_selector ${path} of resource ${resource} points at a ${typeof found}, not at records`);
}
