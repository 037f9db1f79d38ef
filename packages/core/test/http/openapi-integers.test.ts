import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { ROUTES } from '../../src/http/routes';

/** Every `{type: 'integer'}` schema in a JSON value, with where it is. */
function integerSchemas(value: unknown, at = '#'): { at: string; schema: Record<string, unknown> }[] {
  if (typeof value !== 'object' || value === null) return [];
  const here = (value as Record<string, unknown>).type === 'integer' ? [{ at, schema: value as Record<string, unknown> }] : [];
  return [...here, ...Object.entries(value).flatMap(([k, v]) => integerSchemas(v, `${at}/${k}`))];
}

describe('OpenAPI integers', () => {
  it('declare a minimum (no -9007199254740991 in the examples): counts, sizes and ids cannot be negative', () => {
    const doc = buildOpenApiDocument(ROUTES, { version: '0.0.0', prefix: '' });
    const found = integerSchemas(doc);
    expect(found.length).toBeGreaterThan(20);
    const bound = (s: Record<string, unknown>) => (typeof s.minimum === 'number' ? s.minimum : s.exclusiveMinimum);
    // The one signed integer: a lineage node's column (upstream nodes are left of the model), bounded both ways.
    const signed = (at: string) => at.endsWith('/lineage/properties/nodes/items/properties/depth');
    const unbounded = found
      .filter(({ at, schema }) => typeof bound(schema) !== 'number' || ((bound(schema) as number) < 0 && !(signed(at) && typeof schema.maximum === 'number')))
      .map((f) => f.at);
    expect(unbounded).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('-9007199254740991');
  });
});
