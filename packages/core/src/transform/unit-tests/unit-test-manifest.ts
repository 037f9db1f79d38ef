import { createHash } from 'node:crypto';
import type { UnitTestNode } from './unit-test-node';

/** A unit test's entry in the manifest's `unit_tests` section (dbt 1.8's shape). */
export function unitTestManifestEntry(n: UnitTestNode, createdAt: number): Record<string, unknown> {
  const { tags, meta, ...config } = n.config;
  return {
    name: n.name, resource_type: 'unit_test', package_name: n.package_name, path: n.path, original_file_path: n.original_file_path, unique_id: n.unique_id,
    fqn: n.fqn, model: n.model, description: n.description, database: n.database, schema: n.schema,
    given: n.given.map((g) => ({ input: g.input, rows: g.rows, format: g.format, fixture: g.fixture })),
    expect: { rows: n.expect.rows, format: n.expect.format, fixture: n.expect.fixture },
    overrides: Object.keys(n.overrides.macros).length || Object.keys(n.overrides.vars).length ? { macros: n.overrides.macros, vars: n.overrides.vars, env_vars: {} } : null,
    depends_on: { macros: [], nodes: n.depends_on }, config: { ...config, tags, meta }, tags, checksum: createHash('sha256').update(JSON.stringify([n.given, n.expect])).digest('hex'),
    schema_name: n.schema, created_at: createdAt, versions: null, version: null,
  };
}
