import { quoteIdent } from '../../warehouse';
import type { FileReader } from '../file-load';
import { fileReadColumns } from './csv-schema-plan';
import { csvFileError, readCsvSql, type CsvDialect } from './csv-read';
import { isIntegerType, strictIntegerSql } from './csv-integer-columns';

/** How a CSV file is read into its table: `read_csv` with the file's stored dialect and the table's column types. */
export const csvReader: FileReader = {
  readSql(fileColumns, table, readOptions) {
    const dialect = readOptions as unknown as CsvDialect;
    const read = fileReadColumns(fileColumns, table);
    // Beyond the sniffer's sample an integer column may hold a decimal, which read_csv would round: read it as text and cast strictly.
    const strict = dialect.beyondSample !== false ? read.map((c) => isIntegerType(c.type)) : read.map(() => false);
    return {
      select: read.map((c, i) => (strict[i] ? strictIntegerSql(c.name, c.type) : quoteIdent(c.name))),
      from: readCsvSql(3, dialect, read.map((c, i) => (strict[i] ? { name: c.name, type: 'VARCHAR' } : c))),
    };
  },
  fileError: csvFileError,
  // Files of one dialect and column list read alike; DuckDB's multi-file read_csv reads them in list order.
  batchable: () => true,
};
