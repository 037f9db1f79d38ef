/** dbt's version string written into artifacts: the dbt-core release whose artifact schemas these files follow. */
export const DBT_VERSION = '1.9.0';

/** The `metadata` block every dbt artifact starts with. */
export function artifactMetadata(kind: 'manifest/v12' | 'run-results/v6' | 'catalog/v1', invocationId: string, generatedAt: string): Record<string, unknown> {
  return {
    dbt_schema_version: `https://schemas.getdbt.com/dbt/${kind}.json`,
    dbt_version: DBT_VERSION,
    generated_at: generatedAt,
    invocation_id: invocationId,
    env: {},
  };
}
