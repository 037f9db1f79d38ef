import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { SourceConfig } from '../../config/schemas';
import { csvSourceOptionsSchema } from '../../config/source-options';
import { defineFileConnector } from '../file-connector';
import { fileSourceBlock } from '../file-source';
import type { Reader } from '../file-tracking';
import type { DiskFile } from '../file-source';
import type { FileDescription, FilePlan } from '../file-plan';
import { csvReader } from './csv-load';
import { csvReadOptions, describeCsv, type CsvDialect, type DescribedFile } from './csv-read';
import { settleDateFormats } from './csv-date-formats';
import { csvTemplate } from './source-templates';

/** Sniffs one CSV file with the source's read options (shared by `csv` and the CSV files of `local_files`). */
export async function describeCsvFile(read: Reader, file: DiskFile, source: SourceConfig): Promise<FileDescription> {
  const described = await describeCsv(read, file.rel, file.abs, file.size, csvReadOptions(source));
  return { columns: described.columns, readOptions: { ...described.dialect }, noRows: described.noRows };
}

/** Bytes of a file's start read to find its header line. */
const KEY_HEAD_BYTES = 16 * 1024;

/**
 * The key under which CSV files share one sniff: a hash of the header line and the source's read
 * options. Null (sniffed alone) when the options ask for the whole file to be sampled, for UTF-16, for a
 * header line longer than the head read, and for a file with nothing but blanks after its first line
 * (a header-only file has no types to share).
 */
export async function csvShareKey(file: DiskFile, source: SourceConfig): Promise<string | null> {
  const options = csvReadOptions(source);
  if (options.sampleSize === -1 || options.encoding === 'utf-16') return null;
  const handle = await open(file.abs, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(KEY_HEAD_BYTES), 0, KEY_HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const end = head.indexOf(0x0a);
  if (end < 0) return null;
  const rest = head.subarray(end + 1);
  if (rest.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return null;
  return createHash('sha256').update(head.subarray(0, end + 1)).update(JSON.stringify({ ...options, type: source.type })).digest('hex');
}

/**
 * A shared CSV description for a file that was not sniffed: its integer columns are checked strictly
 * on load (the sniffer's sample was another file's), whatever the sniffed file's length was.
 */
export function borrowCsvDescription(described: FileDescription): FileDescription {
  const dialect = described.readOptions as unknown as CsvDialect;
  return {
    columns: described.columns.map((c) => ({ ...c })),
    readOptions: { ...described.readOptions, ...(dialect.beyondSample === false ? { beyondSample: true } : {}) },
    noRows: described.noRows,
  };
}

/** One date (and timestamp) format per CSV source: see `settleDateFormats`. */
async function settleCsvDates(read: Reader, plans: FilePlan[], source: SourceConfig): Promise<void> {
  const options = csvReadOptions(source);
  const dated = plans.map((plan) => ({
    plan,
    file: plan.file,
    prev: plan.prev,
    described: plan.described && { dialect: plan.described.readOptions as unknown as CsvDialect, columns: plan.described.columns, noRows: plan.described.noRows },
  }));
  // Files sharing one description share its second sniff too: the first of them is sniffed, the others borrow the result.
  const shared = new Map<string, Promise<DescribedFile>>();
  await settleDateFormats(dated, options, async (d, forced) => {
    const sniff = () => describeCsv(read, d.file.rel, d.file.abs, d.file.size, options, forced);
    if (!d.plan.borrowed) return sniff();
    const key = JSON.stringify([d.described?.dialect, d.described?.columns, forced]);
    if (!shared.has(key)) shared.set(key, sniff());
    const again = await shared.get(key)!;
    const borrowed = borrowCsvDescription({ columns: again.columns, readOptions: { ...again.dialect }, noRows: again.noRows });
    return { dialect: borrowed.readOptions as unknown as CsvDialect, columns: borrowed.columns, noRows: borrowed.noRows };
  });
  for (const d of dated) {
    if (d.described) d.plan.described = { columns: d.described.columns, readOptions: { ...d.described.dialect }, noRows: d.described.noRows };
  }
}

/** The CSV connector: files in a directory, loaded with DuckDB's own `read_csv`. */
export const csvConnector = defineFileConnector({
  type: 'csv',
  configSchema: csvSourceOptionsSchema,
  sourceTemplate: csvTemplate,
  validate(source) {
    fileSourceBlock(source);
    csvReadOptions(source);
  },
  describe: describeCsvFile,
  reader: csvReader,
  settle: settleCsvDates,
  share: { key: csvShareKey, borrow: borrowCsvDescription },
});
