import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvChunks } from './csv-chunks';

/**
 * Staging of rows that come through JavaScript: each table's rows are written to a CSV file in a
 * private temp folder during extraction (outside the write queue), and the load reads the file with
 * DuckDB's `read_csv` inside the sync's transaction. Memory stays one batch deep whatever the table
 * size, and a database that can emit CSV itself (PostgreSQL's COPY) streams straight into the file.
 * bench/README.md has the measurements behind this choice.
 */

/** One batch of rows, each row an array of values in the table's column order. */
export type RowBatch = ReadonlyArray<ReadonlyArray<unknown>>;

/** The data of one table: JS row batches, or a CSV byte stream in the staging dialect (RFC 4180, no header, NULL = unquoted empty). */
export type RowData = { batches: AsyncIterable<RowBatch> } | { csv: Readable };

/** A private temp folder for one sync's staged files; `dispose()` removes it (safe to call twice). */
export interface StagingArea {
  readonly dir: string;
  /** The staged file of a table (the index keeps any table name a safe file name). */
  fileFor(index: number): string;
  dispose(): Promise<void>;
}

/** Creates the temp folder of one sync. */
export async function createStagingArea(): Promise<StagingArea> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dango-rows-'));
  return {
    dir,
    fileFor: (index) => path.join(dir, `t${index}.csv`),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * One value as a CSV field: NULL is an unquoted empty field and every string is quoted, so an empty
 * string stays distinct from NULL; bytes become hex (the load decodes them).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Uint8Array) return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}"`;
  if (value instanceof Date) return value.toISOString();
  return `"${JSON.stringify(value).replaceAll('"', '""')}"`;
}

/** What staging wrote: `ragged` when columns were added after the first row (earlier rows are shorter). */
export interface StagedData {
  ragged: boolean;
}

/** Rows (when they come as batches) and bytes staged so far. */
export type StageProgress = (staged: { rows?: number; bytes: number }) => void;

/** How often staging reports its progress. */
const REPORT_EVERY_MS = 500;

/**
 * Writes a table's data to `file`; resolves when the file is complete. `width()` is the table's
 * column count now: a row shorter than it is padded with NULLs, and a count that grows while batches
 * run marks the file ragged (its earlier rows are read with null padding). `progress` hears the rows
 * and bytes staged at most every half second while data flows, and once at the end.
 */
export async function stageData(data: RowData, file: string, width: () => number = () => 0, progress?: StageProgress): Promise<StagedData> {
  // A deep buffer lets the file writes (libuv's threads) overlap with making the next rows.
  const out = createWriteStream(file, { highWaterMark: 8 << 20 });
  let rows: number | undefined;
  let last = performance.now();
  const tick = (force = false): void => {
    if (!progress || (!force && performance.now() - last < REPORT_EVERY_MS)) return;
    last = performance.now();
    progress({ ...(rows === undefined ? {} : { rows }), bytes: out.bytesWritten + out.writableLength });
  };
  if ('csv' in data) {
    // A timer, not a second 'data' listener: the pipeline alone drives the source stream.
    const timer = progress ? setInterval(() => tick(true), REPORT_EVERY_MS) : undefined;
    try {
      await pipeline(data.csv, out);
    } finally {
      clearInterval(timer);
    }
    tick(true);
    return { ragged: false };
  }
  rows = 0;
  let first = -1;
  let ragged = false;
  const chunks = new CsvChunks();
  try {
    for await (const batch of data.batches) {
      const n = width();
      if (first < 0 && batch.length > 0) first = n;
      else if (batch.length > 0 && n !== first) ragged = true;
      for (const row of batch) chunks.row(row, n, csvField);
      rows += batch.length;
      // Written about 1 MiB at a time: one write per small batch (an API page) costs more than its rows.
      if (chunks.size >= 1 << 20) for (const c of chunks.take()) if (!out.write(c)) await once(out, 'drain');
      tick();
    }
    for (const c of chunks.take()) if (!out.write(c)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    tick(true);
    return { ragged };
  } catch (err) {
    out.destroy();
    throw err;
  }
}
