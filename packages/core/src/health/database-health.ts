import { errorMessage } from '../errors';
import { notPlatformRelationSql, type Warehouse } from '../warehouse';
import type { HealthThresholds } from './thresholds';
import type { HealthReport } from './types';

/** The database part of the health report, plus the sentences it contributes. */
export interface DatabaseHealth {
  database: HealthReport['database'];
  critical: string[];
  warnings: string[];
}

const MIB = 1024 * 1024;

/** Tables and views per schema from the catalog alone (no row counts: health must stay fast); the platform's bookkeeping does not count. */
async function tablesBySchema(warehouse: Warehouse): Promise<Map<string, number>> {
  const rows = await warehouse.query<{ schema: string; n: number }>(
    `SELECT table_schema AS schema, count(*)::INTEGER AS n
       FROM information_schema.tables
      WHERE table_catalog = current_database()
        AND table_schema NOT IN ('information_schema', 'pg_catalog')
        AND ${notPlatformRelationSql('table_schema', 'table_name')}
      GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.schema, r.n]));
}

/**
 * Counts raw (`raw_*`), staging and marts tables and sizes the file with its WAL. The status is `new`
 * for a warehouse without a file or without any table yet, then small / medium / large by size.
 */
export async function databaseHealth(warehouse: Warehouse, sizeBytes: number, t: HealthThresholds): Promise<DatabaseHealth> {
  let counts: Map<string, number>;
  try {
    counts = await tablesBySchema(warehouse);
  } catch (err) {
    return {
      database: { size_mb: 0, tables: 0, status: 'error', raw_tables: 0, staging_tables: 0, marts_tables: 0 },
      critical: [`The warehouse cannot be read: ${errorMessage(err)}`],
      warnings: [],
    };
  }
  let tables = 0;
  let raw = 0;
  for (const [schema, n] of counts) {
    tables += n;
    if (schema.startsWith('raw_')) raw += n;
  }
  const status = sizeBytes === 0 || tables === 0 ? 'new' : sizeBytes < t.databaseSmallBytes ? 'small' : sizeBytes < t.databaseMediumBytes ? 'medium' : 'large';
  const sizeMb = Math.round((sizeBytes / MIB) * 100) / 100;
  const warnings = status === 'large' ? [`The warehouse is large (${(sizeMb / 1024).toFixed(1)} GB); consider archiving or dropping old data`] : [];
  return {
    database: {
      size_mb: sizeMb,
      tables,
      status,
      raw_tables: raw,
      staging_tables: counts.get('staging') ?? 0,
      marts_tables: counts.get('marts') ?? 0,
    },
    critical: [],
    warnings,
  };
}
