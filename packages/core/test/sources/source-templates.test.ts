import { describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS, parseConfigValue } from '../../src';

describe('source templates of the built-in connectors', () => {
  it('csv, local_files, postgres, mysql, rest_api and stripe have one', () => {
    expect(BUILTIN_CONNECTORS.filter((c) => c.sourceTemplate).map((c) => c.type)).toEqual(expect.arrayContaining(['csv', 'local_files', 'postgres', 'mysql', 'rest_api', 'stripe']));
  });

  // Every template (those wired in later too) must write a block its own connector accepts, with a comment per key.
  it.each(BUILTIN_CONNECTORS.filter((c) => c.sourceTemplate).map((c) => [c.type, c] as const))('%s: the block validates and every key is explained', (_type, connector) => {
    const template = connector.sourceTemplate!;
    const block = template.block('my_source');
    expect(parseConfigValue(connector.configSchema, block).issues).toEqual([]);
    for (const key of Object.keys(block)) expect(template.comments[key], key).toBeTruthy();
    expect(template.summary('my_source')).toContain('my_source');
  });
});
