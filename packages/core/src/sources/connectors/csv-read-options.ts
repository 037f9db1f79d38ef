import { DangoError } from '../../errors';
import type { SourceConfig } from '../../config';

/** Encodings DuckDB's CSV reader decodes itself (no extension needed). */
const ENCODINGS = ['utf-8', 'utf-16', 'latin-1'] as const;

/** How the files of one CSV source are read (from the source config). */
export interface CsvReadOptions {
  /** Configured delimiter; auto-detected per file when absent. */
  delimiter?: string;
  header?: boolean;
  encoding: (typeof ENCODINGS)[number];
  /**
   * Always set: with quoting forced to `"` an unbalanced quote is an error, where DuckDB's sniffer
   * would otherwise fall back to "no quoting" and load the broken rows silently.
   */
  quote: string;
  /** Rows the sniffer samples to infer types (`-1` = the whole file); DuckDB's default when absent. */
  sampleSize?: number;
  /** Texts read as NULL (`csv.null_values`); DuckDB's default (only the empty value) when absent. */
  nullValues?: string[];
  /** The source's date format (`csv.date_format`); else the first one chosen for a file (see csv-date-formats.ts). */
  dateFormat?: string;
  /** The source's timestamp format (`csv.timestamp_format`), likewise. */
  timestampFormat?: string;
  /**
   * Whether the byte head scan (csv-head-scan.ts) may answer the integer checks instead of a DuckDB read of
   * the sample; both decide the same (a differential test holds them together). `DANGO_CSV_HEAD_SCAN=off`
   * turns the shortcut off, should a file ever show them apart.
   */
  headScan: boolean;
}

/** The read options of a CSV source, validated. */
export function csvReadOptions(source: SourceConfig): CsvReadOptions {
  const csv = (source.csv ?? {}) as { delimiter?: string; header?: boolean; encoding?: unknown; quote?: unknown; sample_size?: unknown; null_values?: unknown; date_format?: unknown; timestamp_format?: unknown };
  const encoding = String(csv.encoding ?? 'utf-8').toLowerCase().replace(/^latin1$/, 'latin-1').replace(/^utf8$/, 'utf-8');
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.encoding '${String(csv.encoding)}' is not supported (use one of ${ENCODINGS.join(', ')})`);
  }
  if (csv.quote !== undefined && (typeof csv.quote !== 'string' || csv.quote.length !== 1)) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.quote must be a single character`);
  }
  const sampleSize = csv.sample_size;
  if (sampleSize !== undefined && !(Number.isInteger(sampleSize) && ((sampleSize as number) > 0 || sampleSize === -1))) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.sample_size must be a positive whole number or -1 (the whole file)`);
  }
  const nullValues = csv.null_values;
  if (nullValues !== undefined && !(Array.isArray(nullValues) && nullValues.every((v) => typeof v === 'string'))) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.null_values must be a list of texts, e.g. ["", "NA", "NULL"]`);
  }
  for (const key of ['date_format', 'timestamp_format'] as const) {
    const format = csv[key];
    if (format !== undefined && !(typeof format === 'string' && format.includes('%'))) {
      throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.${key} must be a strftime format such as "%d/%m/%Y"${key === 'timestamp_format' ? ' or "%d/%m/%Y %H:%M"' : ''}`);
    }
  }
  return {
    headScan: !/^(off|0|false|no)$/i.test(process.env.DANGO_CSV_HEAD_SCAN ?? ''),
    dateFormat: csv.date_format as string | undefined,
    timestampFormat: csv.timestamp_format as string | undefined,
    delimiter: csv.delimiter,
    header: csv.header,
    encoding: encoding as CsvReadOptions['encoding'],
    quote: (csv.quote as string | undefined) ?? '"',
    sampleSize: sampleSize as number | undefined,
    nullValues: nullValues as string[] | undefined,
  };
}
