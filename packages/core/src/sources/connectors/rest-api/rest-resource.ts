import type { CursorState, RowTable, WriteDisposition } from '../../rows';
import type { ResolvedSyncOptions } from '../connector';
import { NESTING_SEPARATOR } from '../nested-columns';
import type { HttpClient } from '../http/http-client';
import { getPath } from './json-path';
import { createRecordColumns } from './record-columns';
import { fillParentRefs, parentRefs, type RestApiConfig, type RestResource } from './rest-config';
import { planWindow, type CursorWindow } from './rest-incremental';
import { pages, type PageSource } from './rest-pages';

/** One sync's (or check's) shared state: the client and the parent values children need. */
export interface RestRun {
  client: HttpClient;
  config: RestApiConfig;
  headers: Record<string, string>;
  /** Per parent resource and field: the values seen while the parent was read. */
  parentValues: Map<string, Map<string, unknown[]>>;
  /** Reports rows read so far (a sync's `sync_progress`); absent for a check. */
  progress?: (resource: string, rows: number) => void;
}

/** Pages between two progress reports of a resource. */
const PROGRESS_EVERY = 100;

/** The column a dotted record path lands in (`a.b` -> `a__b`). */
export const columnOf = (path: string): string => path.split('.').join(NESTING_SEPARATOR);

/** dlt's name for a child's parent key column: `_<parent>_<field>`. */
export const parentKeyColumn = (parent: string, field: string): string => `_${parent}_${columnOf(field)}`;

function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).toString();
}

/** Reads the whole resource unless it is incremental (or a child of an incremental one): dlt-like defaults, documented in the README. */
export function dispositionOf(config: RestApiConfig, resource: RestResource): WriteDisposition {
  if (resource.write_disposition) return resource.write_disposition;
  const partial = (r: RestResource): boolean => {
    if (r.endpoint.incremental) return true;
    const parent = parentRefs(r.endpoint.path, r.endpoint.params)[0]?.parent;
    const p = parent ? config.resources.find((x) => x.name === parent) : undefined;
    return p ? partial(p) : false;
  };
  if (!partial(resource)) return 'replace';
  return resource.primary_key ? 'merge' : 'append';
}

/** The values children of `resource` need, collected while it is read. */
function collector(run: RestRun, resource: RestResource): ((records: unknown[]) => void) | undefined {
  const fields = run.config.resources.flatMap((r) => parentRefs(r.endpoint.path, r.endpoint.params).filter((ref) => ref.parent === resource.name).map((ref) => ref.field));
  if (fields.length === 0) return undefined;
  const byField = new Map(fields.map((f) => [f, [] as unknown[]]));
  run.parentValues.set(resource.name, byField);
  return (records) => {
    for (const [field, values] of byField) for (const r of records) values.push(getPath(r, field));
  };
}

/** The request sequences of a resource: one, or one per parent record for a child (with its parent key values). */
function* requests(run: RestRun, resource: RestResource, window: CursorWindow | undefined) {
  const { path, params } = resource.endpoint;
  const refs = parentRefs(path, params);
  const fixed = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  if (refs.length === 0) {
    yield { url: joinUrl(run.config.client.base_url, path), params: { ...fixed, ...window?.params }, extra: undefined };
    return;
  }
  const parent = refs[0]!.parent;
  const fields = [...new Set(refs.map((r) => r.field))];
  const columns = run.parentValues.get(parent);
  const count = columns?.get(fields[0]!)?.length ?? 0;
  for (let i = 0; i < count; i++) {
    const values = Object.fromEntries(fields.map((f) => [f, columns!.get(f)![i]]));
    if (fields.some((f) => values[f] === undefined || values[f] === null)) continue;
    const url = joinUrl(run.config.client.base_url, fillParentRefs(path, values, encodeURIComponent));
    const filled = Object.fromEntries(Object.entries(fixed).map(([k, v]) => [k, fillParentRefs(v, values, (s) => s)]));
    const extra = Object.fromEntries(fields.map((f) => [parentKeyColumn(parent, f), values[f]]));
    yield { url, params: { ...filled, ...window?.params }, extra };
  }
}

/** Runs `job` over `items` with at most `n` in flight, yielding results in order. */
async function* ordered<T, R>(items: Iterable<T>, n: number, job: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  for (const item of items) {
    const p = job(item);
    p.catch(() => undefined);
    inFlight.push(p);
    if (inFlight.length >= n) yield await inFlight.shift()!;
  }
  while (inFlight.length) yield await inFlight.shift()!;
}

async function collect(gen: AsyncGenerator<unknown[]>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const page of gen) all.push(...page);
  return all;
}

/** The row table of one resource: pages stream through the column learner into the row loader (`pageLimit` pages at most: a check reads one). */
export function resourceTable(run: RestRun, resource: RestResource, options: ResolvedSyncOptions, state: CursorState | undefined, pageLimit = Number.POSITIVE_INFINITY): RowTable {
  const disposition = dispositionOf(run.config, resource);
  const inc = resource.endpoint.incremental;
  const cursor = inc ? columnOf(inc.cursor_path) : undefined;
  const usable = state && state.cursor === cursor && !options.fullRefresh ? state : undefined;
  const window = inc ? planWindow(inc, options, usable, disposition) : undefined;
  const learner = createRecordColumns(resource.max_nesting ?? run.config.max_nesting);
  const source: PageSource = { client: run.client, headers: run.headers, resource: resource.name, paginator: resource.endpoint.paginator ?? run.config.client.paginator, dataPath: resource.endpoint.data_selector };
  const seenByChildren = collector(run, resource);
  const isChild = parentRefs(resource.endpoint.path, resource.endpoint.params).length > 0;
  async function* batches(): AsyncGenerator<unknown[][]> {
    let rows = 0;
    let batchCount = 0;
    const emit = (records: unknown[], extra?: Record<string, unknown>): unknown[][] => {
      const kept = window ? records.filter((r) => window.keep(r)) : records;
      seenByChildren?.(kept);
      rows += kept.length;
      if (++batchCount % PROGRESS_EVERY === 0) run.progress?.(resource.name, rows);
      return learner.toRows(kept, extra);
    };
    if (!isChild) {
      const [req] = requests(run, resource, window);
      for await (const records of pages(source, req!, pageLimit, run.config.client.concurrency)) yield emit(records);
      return;
    }
    const children = ordered(requests(run, resource, window), run.config.client.concurrency, async (req) => ({ extra: req.extra, records: await collect(pages(source, req)) }));
    for await (const { extra, records } of children) yield emit(records, extra);
  }
  return {
    name: resource.name,
    columns: learner.columns,
    disposition,
    primaryKey: resource.primary_key?.map(columnOf),
    cursor,
    read: () => ({ batches: batches() }),
  };
}
