import type { SourceConfig } from '../../config/schemas';
import { csvSourceOptionsSchema } from '../../config/source-options';
import { defineFileConnector } from '../file-connector';
import { fileSourceBlock } from '../file-source';
import type { Reader } from '../file-tracking';
import type { DiskFile } from '../file-source';
import type { FileDescription } from '../file-plan';
import { csvReader } from './csv-load';
import { csvReadOptions, describeCsv } from './csv-read';

/** Sniffs one CSV file with the source's read options (shared by `csv` and the CSV files of `local_files`). */
export async function describeCsvFile(read: Reader, file: DiskFile, source: SourceConfig): Promise<FileDescription> {
  const described = await describeCsv(read, file.rel, file.abs, file.size, csvReadOptions(source));
  return { columns: described.columns, readOptions: { ...described.dialect }, noRows: described.noRows };
}

/** The CSV connector: files in a directory, loaded with DuckDB's own `read_csv`. */
export const csvConnector = defineFileConnector({
  type: 'csv',
  configSchema: csvSourceOptionsSchema,
  validate(source) {
    fileSourceBlock(source);
    csvReadOptions(source);
  },
  describe: describeCsvFile,
  reader: csvReader,
});
