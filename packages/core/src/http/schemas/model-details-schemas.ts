import { z } from 'zod';

/** `GET /api/dbt/models/{model_name}/details`. */
export const modelDetailsSchema = z.object({
  name: z.string(),
  description: z.string(),
  schema: z.string(),
  materialization: z.string(),
  path: z.string(),
  tags: z.array(z.string()),
  raw_sql: z.string(),
  compiled_sql: z.string().nullable().meta({ description: 'The SQL of a full build; null when it does not compile' }),
  compile_error: z.string().nullable(),
  columns: z.array(z.object({ name: z.string(), description: z.string(), data_type: z.string().nullable() })),
  tests: z.array(z.object({ name: z.string(), column: z.string().nullable(), test: z.string() })),
  upstream: z.array(z.object({ name: z.string(), kind: z.enum(['model', 'seed', 'source', 'snapshot']) })),
  downstream: z.array(z.string()),
  lineage: z
    .object({
      nodes: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(['model', 'seed', 'source', 'snapshot']), depth: z.number().int().min(-10_000).max(10_000).meta({ description: 'Column of the node: negative upstream, 0 the model, positive downstream' }) })),
      edges: z.array(z.object({ from: z.string(), to: z.string() })),
    })
    .meta({ description: 'Every ancestor (sources and seeds included) and descendant; depth < 0 upstream, 0 the model, > 0 downstream' }),
});
