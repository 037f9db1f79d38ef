import type { SourceConfig } from '../../config/schemas';
import { csvSourceOptionsSchema } from '../../config/source-options';
import { defineFileConnector } from '../file-connector';
import { fileSourceBlock } from '../file-source';
import type { Reader } from '../file-tracking';
import type { DiskFile } from '../file-source';
import type { FileDescription, FilePlan } from '../file-plan';
import { csvReader } from './csv-load';
import { csvReadOptions, describeCsv, type CsvDialect } from './csv-read';
import { settleDateFormats } from './csv-date-formats';
import { csvTemplate } from './source-templates';

/** Sniffs one CSV file with the source's read options (shared by `csv` and the CSV files of `local_files`). */
export async function describeCsvFile(read: Reader, file: DiskFile, source: SourceConfig): Promise<FileDescription> {
  const described = await describeCsv(read, file.rel, file.abs, file.size, csvReadOptions(source));
  return { columns: described.columns, readOptions: { ...described.dialect }, noRows: described.noRows };
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
  await settleDateFormats(dated, options, (d, forced) => describeCsv(read, d.file.rel, d.file.abs, d.file.size, options, forced));
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
});
