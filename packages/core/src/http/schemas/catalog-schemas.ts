import { z } from 'zod';

const columnSchema = z.object({ name: z.string(), type: z.string().meta({ description: 'DuckDB type name' }) });

/** `GET /api/catalog/tables`. */
export const catalogTablesSchema = z.object({
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      type: z.enum(['table', 'view']),
      row_count: z.number().int().min(0).nullable().meta({ description: 'Exact for tables; null for views (counting would run them)' }),
      columns: z.array(columnSchema),
    }),
  ),
});

/** `{schema}` and `{table}` path parameters. */
export const tableParams = z.object({
  schema: z.string().min(1).meta({ description: 'Schema name, e.g. raw_sales' }),
  table: z.string().min(1).meta({ description: 'Table or view name' }),
});

/** `{schema}`, `{table}` and `{column}` path parameters. */
export const columnParams = tableParams.extend({ column: z.string().min(1).meta({ description: 'Column name' }) });

/** `?limit=` of a preview: 1 to 500 rows. */
export const previewQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(50)
    .meta({ description: 'Rows to return (default 50, at most 500)' }),
});

/** `GET /api/catalog/tables/{schema}/{table}/preview`. */
export const tablePreviewSchema = z.object({
  columns: z.array(columnSchema),
  rows: z.array(z.array(z.unknown())).meta({ description: 'Rows as arrays in column order' }),
  limit: z.number().int().min(0),
  truncated: z.boolean().meta({ description: 'True when the relation has more rows' }),
});

/** `GET /api/catalog/tables/{schema}/{table}/columns/{column}/profile`. */
export const columnProfileSchema = z.object({
  column: z.string(),
  type: z.string(),
  rows: z.number().int().min(0).meta({ description: 'Rows profiled (at most 1,000,000)' }),
  sampled: z.boolean().meta({ description: 'True when the table had more rows than were profiled' }),
  nulls: z.number().int().min(0),
  null_percent: z.number(),
  distinct: z.number().int().min(0),
  min: z.string().nullable(),
  max: z.string().nullable(),
  top_values: z.array(z.object({ value: z.string().nullable(), count: z.number().int().min(0) })),
});
