import { z } from 'zod';

/** Table names become identifiers in `raw_<source>`, so they are restricted like source names. */
const tableName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case identifier');

/**
 * The `csv:` block of a CSV source. Unknown keys are errors (a typo must not be ignored); the values
 * of the read options are checked when a sync starts (csv-read.ts), with messages that name them.
 */
export const csvSourceOptionsSchema = z.strictObject({
  directory: z.string().min(1).default('data/uploads'),
  file_pattern: z.string().min(1).default('*.csv'),
  table: tableName.optional(),
  delimiter: z.string().min(1).max(4).optional(),
  header: z.boolean().optional(),
  encoding: z.unknown().optional(),
  quote: z.unknown().optional(),
  sample_size: z.unknown().optional(),
  null_values: z.unknown().optional(),
  date_format: z.unknown().optional(),
  timestamp_format: z.unknown().optional(),
});

/** Options of a CSV source, defaulted. */
export type CsvSourceOptions = z.infer<typeof csvSourceOptionsSchema>;

/** File formats of a `local_files` source; `auto` picks one per file by its extension. */
export const LOCAL_FILE_FORMATS = ['auto', 'csv', 'json', 'ndjson', 'parquet'] as const;

/** The `local_files:` block: JSON, NDJSON, Parquet and CSV files (optionally gzipped) of one directory. */
export const localFilesOptionsSchema = z.strictObject({
  directory: z.string().min(1),
  file_pattern: z.string().min(1).default('*.{json,jsonl,ndjson,parquet,csv}{,.gz}'),
  format: z.enum(LOCAL_FILE_FORMATS).default('auto'),
  table: tableName.optional(),
  /** Levels of nested objects flattened into `parent__child` columns; deeper objects stay JSON. */
  max_nesting: z.number().int().min(0).max(10).default(2),
});

/** Options of a `local_files` source, defaulted. */
export type LocalFilesOptions = z.infer<typeof localFilesOptionsSchema>;
