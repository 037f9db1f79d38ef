import type { SourceTemplate } from './connector';

/** The environment variable a new database source reads its URL from, e.g. `APP_DB_DATABASE_URL`. */
const urlEnv = (name: string): string => `${name.toUpperCase()}_DATABASE_URL`;

/** `dango source add csv`. */
export const csvTemplate: SourceTemplate = {
  summary: (name) => `${name}: CSV files dropped into data/uploads/${name}/ (or uploaded through the API)`,
  block: (name) => ({ directory: `data/uploads/${name}`, file_pattern: '*.csv' }),
  comments: { directory: 'folder the files are read from, relative to the project', file_pattern: 'which files of the folder belong to this source' },
  optional: ['table: <name>           # raw table name (default: the source name)', 'delimiter: ";"           # when DuckDB should not detect it', 'header: true             # whether the first line names the columns'],
};

/** `dango source add local_files`. */
export const localFilesTemplate: SourceTemplate = {
  summary: (name) => `${name}: JSON, NDJSON, Parquet and CSV files (optionally .gz) in data/uploads/${name}/`,
  block: (name) => ({ directory: `data/uploads/${name}`, file_pattern: '*.{json,jsonl,ndjson,parquet,csv}{,.gz}', format: 'auto' }),
  comments: {
    directory: 'folder the files are read from, relative to the project',
    file_pattern: 'which files of the folder belong to this source',
    format: 'auto (by extension), csv, json, ndjson or parquet',
  },
  optional: ['table: <name>           # raw table name (default: the source name)', 'max_nesting: 2           # levels of nested objects flattened into parent__child columns'],
};

/** The block shared by the database sources; `scheme` and `port` only change the comment. */
function databaseTemplate(label: string, scheme: string, port: number, schemaComment: string): SourceTemplate {
  return {
    summary: (name) => `${name}: every table of one ${label} schema, loaded into raw_${name}`,
    block: (name) => ({ connection_string_env: urlEnv(name) }),
    comments: { connection_string_env: `environment variable (or .dango/.env line) holding ${scheme}://user:password@host:${port}/database` },
    optional: [
      `schema: <schema>         # ${schemaComment}`,
      'tables: [orders, customers]   # only these tables (default: every table of the schema)',
      'exclude: [audit_log]     # tables to leave out',
      'incremental:             # load only new and changed rows of a table, by a cursor column',
      '  orders: {cursor: updated_at, primary_key: id}',
      `host: db.example.com     # instead of connection_string_env, with port (${port}), database, user, password_env, ssl`,
    ],
  };
}

/** `dango source add postgres`. */
export const postgresTemplate = databaseTemplate('PostgreSQL', 'postgresql', 5432, 'the schema to load (default: public)');

/** `dango source add mysql`. */
export const mysqlTemplate = databaseTemplate('MySQL or MariaDB', 'mysql', 3306, 'the database to load (default: the one of the connection)');
