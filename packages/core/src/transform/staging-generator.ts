import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { SOURCE_NAME_RE } from '../config/schemas';
import { DangoError } from '../errors';
import { readTextIfExists, writeTextAtomic } from '../files';
import { FILE_ID_COLUMN as FILE_ID, FILE_PATH_COLUMN, FILES_VIEW } from '../sources/file-lineage';
import { isPlainIdent, quoteIdent } from '../warehouse/sql';
import { isPlatformRelation } from '../warehouse/platform-relations';

/** The text that marks a file as Dango's; without it the file belongs to the user and is never rewritten. */
export const GENERATED_MARKER = 'dango:generated (remove this line to take ownership; Dango will then never overwrite this file)';

/** One raw table of a source, as introspected after a sync. */
export interface StagingTableInput {
  name: string;
  columns: { name: string; type: string }[];
}

/** What `generateStagingModels` did: absolute paths of files created or updated, and of user-owned files left alone. */
export interface StagingGenerationResult {
  written: string[];
  kept: string[];
}

const LINEAGE_COLUMN_DOCS: Readonly<Record<string, string>> = {
  [FILE_PATH_COLUMN]: 'File this row was loaded from, relative to the source directory (added by Dango).',
  _dango_loaded_at: 'When Dango loaded this row (UTC).',
};

const hasFileLineage = (table: StagingTableInput): boolean => table.columns.some((c) => c.name === FILE_ID);

/** The staging model's columns: the raw table's, with the file id replaced by the file's path (joined from the files view). */
function stagingColumns(table: StagingTableInput): { name: string; type: string }[] {
  return table.columns.map((c) => (c.name === FILE_ID ? { name: FILE_PATH_COLUMN, type: 'VARCHAR' } : c));
}

// DuckDB's reserved words: plain-looking column names that still need quotes in a select list.
const RESERVED = new Set(
  ('all analyse analyze and anti any array as asc asof asymmetric at authorization between bigint binary bit boolean both by case cast char ' +
    'character check coalesce collate collation column columns concurrently constraint create cross dec decimal default deferrable desc ' +
    'describe distinct do else end except exists extract false fetch float for foreign freeze from full generated glob group grouping ' +
    'grouping_id having ilike in initially inner inout int integer intersect interval into is isnull join lambda lateral leading left like ' +
    'limit map national natural nchar none not notnull null nullif numeric offset on only or order out outer overlaps overlay pivot ' +
    'pivot_longer pivot_wider placing position positional precision primary qualify real references returning right row select semi setof ' +
    'show similar smallint some struct substring summarize symmetric table tablesample then time timestamp to trailing treat trim true ' +
    'try_cast union unique unpack unpivot using values varchar variadic verbose when where window with').split(' '),
);

const JINJA_DELIMITER_RE = /\{[{%#]|[}%#]\}/;

/** A name for comments and descriptions, which dbt also renders with Jinja: braces and line breaks are neutralised. */
function prose(name: string): string {
  return name.replace(/[{}\r\n]/g, '_');
}

/** The dbt model name Dango gives the staging model of `source.table`. */
export function stagingModelName(source: string, table: string): string {
  const tail = table.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (!tail) throw new DangoError('BAD_REQUEST', `Cannot derive a staging model name from table '${table}' of source '${source}'`);
  // A table named after its source (a source without `table:`) would repeat the name: stg_<source>.
  return tail === source ? `stg_${source}` : `stg_${source}_${tail}`;
}

/**
 * Before staging models of a table named after its source were `stg_<source>`, they were
 * `stg_<source>_<source>`: a generated file under that name becomes a generated alias of the new
 * model, so user models that `ref()` the old name keep working.
 */
async function keepLegacyName(dir: string, source: string, result: StagingGenerationResult): Promise<void> {
  const legacy = path.join(dir, `stg_${source}_${source}.sql`);
  const previous = await readTextIfExists(legacy);
  if (previous === null || !isGenerated(previous)) return;
  await place(legacy, () => `-- ${GENERATED_MARKER}\n-- Renamed to stg_${source}: this alias keeps models that ref('stg_${source}_${source}') working; delete it once none does.\nselect * from {{ ref('stg_${source}') }}\n`, result);
}

/** A Jinja string literal, so names that contain Jinja delimiters or quotes reach the SQL unchanged. */
function jinjaString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

/** A column as it appears in the select list: bare when that is unambiguous, else quoted (and Jinja-escaped when needed). */
function selectColumn(name: string): string {
  const sql = isPlainIdent(name) && !RESERVED.has(name.toLowerCase()) ? name : quoteIdent(name);
  return JINJA_DELIMITER_RE.test(sql) ? `{{ ${jinjaString(sql)} }}` : sql;
}

function stagingSql(source: string, table: StagingTableInput): string {
  const columns = stagingColumns(table).map((c) => `    ${selectColumn(c.name)}`).join(',\n');
  // Every other column of the files view starts with `_dango_`, a prefix raw data may not use, so `using` is unambiguous.
  // The view is platform bookkeeping: named directly rather than declared as a dbt source, so no source
  // list, docs page or lineage graph shows it (source names are plain identifiers, so no quoting is needed).
  const join = hasFileLineage(table) ? [`left join raw_${source}.${FILES_VIEW} using (${FILE_ID})`] : [];
  return [
    `-- ${GENERATED_MARKER}`,
    `-- Staging view over raw_${source}.${prose(table.name)}: rename, cast and clean columns here.`,
    `{{ config(materialized='view', schema='staging') }}`,
    '',
    'select',
    columns,
    `from {{ source(${jinjaString(source)}, ${jinjaString(table.name)}) }}`,
    ...join,
    '',
  ].join('\n');
}

type YamlMap = Record<string, unknown>;

function tableEntry(table: StagingTableInput): YamlMap {
  const entry: YamlMap = { name: table.name };
  // dbt quotes a source identifier only when told to; a name needing quotes would otherwise not resolve.
  if (!isPlainIdent(table.name)) entry.quoting = { identifier: true };
  return entry;
}

function modelEntry(source: string, table: StagingTableInput): YamlMap {
  return {
    name: stagingModelName(source, table.name),
    description: `Staging view of raw_${source}.${prose(table.name)}, generated by Dango after each sync.`,
    columns: stagingColumns(table).map((c) => {
      const col: YamlMap = { name: c.name, data_type: c.type };
      const doc = LINEAGE_COLUMN_DOCS[c.name];
      if (doc) col.description = doc;
      return col;
    }),
  };
}

/** Entries of a previous generated yml for tables this sync did not report, so their staging models keep compiling. */
function previousEntries(text: string | null, source: string, current: Set<string>): { tables: YamlMap[]; models: YamlMap[] } {
  const empty = { tables: [], models: [] };
  if (text === null) return empty;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return empty;
  }
  if (typeof doc !== 'object' || doc === null) return empty;
  const { sources, models } = doc as { sources?: unknown; models?: unknown };
  const src = Array.isArray(sources) ? (sources as YamlMap[]).find((s) => s?.name === source) : undefined;
  const previous = Array.isArray(src?.tables) ? (src.tables as YamlMap[]) : [];
  // Earlier versions declared the files view as a source table: it is dropped from the file now.
  const tables = previous.filter((t) => typeof t?.name === 'string' && !current.has(t.name) && !isPlatformRelation(`raw_${source}`, t.name));
  const keptModels = new Set(tables.map((t) => stagingModelName(source, t.name as string)));
  const oldModels = (Array.isArray(models) ? (models as YamlMap[]) : []).filter((m) => keptModels.has(m?.name as string));
  return { tables, models: oldModels };
}

function sourcesYml(source: string, tables: StagingTableInput[], previous: string | null): string {
  const old = previousEntries(previous, source, new Set(tables.map((t) => t.name)));
  const doc = {
    version: 2,
    sources: [
      {
        name: source,
        schema: `raw_${source}`,
        description: `Raw tables Dango loads for source '${source}'.`,
        tables: [...old.tables, ...tables.map(tableEntry)],
      },
    ],
    models: [...old.models, ...tables.map((t) => modelEntry(source, t))],
  };
  return `# ${GENERATED_MARKER}\n${stringify(doc)}`;
}

/** True when a file's text starts with the generated marker (Dango owns it); the watcher uses it too. */
export function isGenerated(text: string): boolean {
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.includes('dango:generated');
}

/** Writes `text` unless the file is user-owned or already identical; records the outcome in `result`. */
async function place(file: string, render: (previous: string | null) => string, result: StagingGenerationResult): Promise<void> {
  const previous = await readTextIfExists(file);
  if (previous !== null && !isGenerated(previous)) {
    result.kept.push(file);
    return;
  }
  const text = render(previous);
  if (text === previous) return;
  await writeTextAtomic(file, text);
  result.written.push(file);
}

function validate(input: { source: string; tables: StagingTableInput[] }): void {
  if (!SOURCE_NAME_RE.test(input.source)) {
    throw new DangoError('BAD_REQUEST', `Invalid source name '${input.source}': use lowercase letters, digits and underscores`);
  }
  const seen = new Map<string, string>();
  for (const table of input.tables) {
    if (!table.name) throw new DangoError('BAD_REQUEST', `Source '${input.source}' reported a table without a name`);
    if (table.columns.length === 0) throw new DangoError('BAD_REQUEST', `Table '${table.name}' of source '${input.source}' has no columns`);
    const model = stagingModelName(input.source, table.name);
    const clash = seen.get(model);
    if (clash !== undefined) {
      throw new DangoError('BAD_REQUEST', `Tables '${clash}' and '${table.name}' of source '${input.source}' would both become staging model '${model}'`);
    }
    seen.set(model, table.name);
  }
}

/**
 * Writes `models/staging/stg_<source>_<table>.sql` per raw table and `_<source>__sources.yml` under `dbtDir`.
 * Files whose first line lacks the generated marker belong to the user and are only reported in `kept`;
 * generated files are rewritten when their content would change (e.g. a new column).
 */
export async function generateStagingModels(input: {
  dbtDir: string;
  source: string;
  tables: StagingTableInput[];
}): Promise<StagingGenerationResult> {
  // A platform table in a raw schema is bookkeeping, never a dbt source nor a staging model.
  input = { ...input, tables: input.tables.filter((t) => !isPlatformRelation(`raw_${input.source}`, t.name)) };
  validate(input);
  const dir = path.join(path.resolve(input.dbtDir), 'models', 'staging');
  await mkdir(dir, { recursive: true });
  const result: StagingGenerationResult = { written: [], kept: [] };
  for (const table of input.tables) {
    const file = path.join(dir, `${stagingModelName(input.source, table.name)}.sql`);
    await place(file, () => stagingSql(input.source, table), result);
    if (table.name === input.source) await keepLegacyName(dir, input.source, result);
  }
  const yml = path.join(dir, `_${input.source}__sources.yml`);
  await place(yml, (previous) => sourcesYml(input.source, input.tables, previous), result);
  return result;
}
