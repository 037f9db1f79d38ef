/**
 * Dango's own bookkeeping in the warehouse: the `_dango` schema (tracking, row counts, cursor state)
 * and relations named `_dango_*` inside data schemas (the `_dango_files` view of each file source).
 * Users query them when they want to, but no listing, dbt source, docs page or count shows them.
 */

/** The schema holding the platform's metadata. */
export const PLATFORM_SCHEMA = '_dango';

/** Relations whose name starts with this are the platform's, in whatever schema. */
export const PLATFORM_RELATION_PREFIX = '_dango_';

/** True for a schema or relation that is platform bookkeeping rather than data (names compared as DuckDB does, case-insensitively). */
export function isPlatformRelation(schema: string, name?: string): boolean {
  if (schema.toLowerCase() === PLATFORM_SCHEMA) return true;
  return name !== undefined && name.toLowerCase().startsWith(PLATFORM_RELATION_PREFIX);
}

/** The same test as a SQL condition over a schema and a name column, for catalog queries that should never return them. */
export function notPlatformRelationSql(schemaColumn: string, nameColumn: string): string {
  return `lower(${schemaColumn}) <> '${PLATFORM_SCHEMA}' AND NOT starts_with(lower(${nameColumn}), '${PLATFORM_RELATION_PREFIX}')`;
}
