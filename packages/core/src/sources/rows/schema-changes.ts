import type { PlatformContext } from '../../context';
import type { Warehouse, WarehouseConnection } from '../../warehouse';

/** One change of a raw table's shape, as the sync found it. */
export interface SchemaChange {
  table: string;
  column: string;
  /**
   * `column_added`: a new column; `type_widened`: the column's type grew; `column_missing`: a row source
   * no longer has it (kept, NULL for new rows); `column_dropped`: no file present has it any more (dropped).
   */
  change: 'column_added' | 'type_widened' | 'column_missing' | 'column_dropped';
  from_type: string | null;
  to_type: string | null;
}

/**
 * The changes between a table's columns before and after a load that drops vanished columns (file
 * sources). None for a first load (`before` empty): a new table is not a change.
 */
export function diffColumns(table: string, before: Array<{ name: string; type: string }>, after: Array<{ name: string; type: string }>): SchemaChange[] {
  if (before.length === 0) return [];
  const old = new Map(before.map((c) => [c.name.toLowerCase(), c]));
  const now = new Set(after.map((c) => c.name.toLowerCase()));
  const changes: SchemaChange[] = [];
  for (const col of after) {
    const was = old.get(col.name.toLowerCase());
    if (!was) changes.push({ table, column: col.name, change: 'column_added', from_type: null, to_type: col.type });
    else if (was.type !== col.type) changes.push({ table, column: col.name, change: 'type_widened', from_type: was.type, to_type: col.type });
  }
  for (const col of before) {
    if (!now.has(col.name.toLowerCase())) changes.push({ table, column: col.name, change: 'column_dropped', from_type: col.type, to_type: null });
  }
  return changes;
}

/** A stored change, as `GET /api/sources/{name}/details` lists it (newest first). */
export interface RecordedSchemaChange extends SchemaChange {
  detected_at: string;
}

const TABLE = '_dango.schema_changes';

async function ensureTable(conn: WarehouseConnection): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (id BIGINT, source VARCHAR, table_name VARCHAR, column_name VARCHAR, change VARCHAR,
       from_type VARCHAR, to_type VARCHAR, detected_at TIMESTAMP WITH TIME ZONE)`,
  );
}

/**
 * Records a sync's schema changes; call it inside the load's transaction so the changes commit
 * with the data they describe. Any source type (rows or files) reports its changes through this.
 */
export async function recordSchemaChanges(conn: WarehouseConnection, source: string, changes: SchemaChange[], at: Date): Promise<void> {
  await ensureTable(conn);
  if (changes.length === 0) return;
  const [row] = await conn.all<{ n: number }>(`SELECT coalesce(max(id), 0)::BIGINT AS n FROM ${TABLE}`);
  let id = Number(row?.n ?? 0);
  for (const c of changes) {
    await conn.run(`INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, $8::TIMESTAMPTZ)`, [
      ++id, source, c.table, c.column, c.change, c.from_type, c.to_type, at.toISOString(),
    ]);
  }
}

/** The columns of `table` whose last recorded change says the source no longer has them. */
export async function missingColumnsOnRecord(conn: WarehouseConnection, source: string, table: string): Promise<Set<string>> {
  await ensureTable(conn);
  const rows = await conn.all<{ column_name: string; change: string }>(
    `SELECT column_name, arg_max(change, id) AS change FROM ${TABLE} WHERE source = $1 AND table_name = $2 GROUP BY column_name`,
    [source, table],
  );
  return new Set(rows.filter((r) => r.change === 'column_missing').map((r) => r.column_name));
}

/** A source's recorded schema changes, newest first (none when nothing was ever recorded). */
export async function readSchemaChanges(warehouse: Warehouse, source: string, limit = 200): Promise<RecordedSchemaChange[]> {
  type Row = { table_name: string; column_name: string; change: SchemaChange['change']; from_type: string | null; to_type: string | null; at: string };
  let rows: Row[];
  try {
    rows = await warehouse.query<Row>(
      `SELECT table_name, column_name, change, from_type, to_type, strftime(detected_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at
         FROM ${TABLE} WHERE source = $1 ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      [source],
    );
  } catch (err) {
    // One query, not a catalog probe first: before any change was ever recorded the table does not exist.
    if (/does not exist/i.test(String((err as Error).message))) return [];
    throw err;
  }
  return rows.map((r) => ({ table: r.table_name, column: r.column_name, change: r.change, from_type: r.from_type, to_type: r.to_type, detected_at: r.at }));
}

function describe(c: SchemaChange): string {
  if (c.change === 'column_added') return `added column ${c.column} (${c.to_type})`;
  if (c.change === 'type_widened') return `widened ${c.column} from ${c.from_type} to ${c.to_type}`;
  if (c.change === 'column_dropped') return `dropped column ${c.column} (${c.from_type}): no file has it any more`;
  return `column ${c.column} no longer in the source (kept; NULL for new rows)`;
}

/** Emits one `schema_changed` event per changed table; call after the changes committed. */
export function announceSchemaChanges(ctx: PlatformContext, source: string, changes: SchemaChange[] | undefined): void {
  const byTable = new Map<string, SchemaChange[]>();
  for (const c of changes ?? []) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  for (const [table, list] of byTable) {
    ctx.emit('schema_changed', {
      source,
      table,
      changes: list.map(({ column, change, from_type, to_type }) => ({ column, change, from_type, to_type })),
      message: `Schema of ${source}.${table} changed: ${list.map(describe).join('; ')}`,
    });
  }
}
