import { describe, expect, it } from 'vitest';
import { unionSchema } from '../../src/sources/connectors/csv-schema-plan';
import { widenType } from '../../src/sources/connectors/type-widening';

describe('widenType', () => {
  it.each([
    ['BIGINT', 'BIGINT', 'BIGINT'],
    ['INTEGER', 'BIGINT', 'BIGINT'],
    ['BIGINT', 'DOUBLE', 'DOUBLE'],
    ['DOUBLE', 'BIGINT', 'DOUBLE'],
    ['DATE', 'TIMESTAMP', 'TIMESTAMP'],
    ['TIMESTAMP', 'TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE'],
    ['BIGINT', 'DATE', 'VARCHAR'],
    ['BOOLEAN', 'BIGINT', 'VARCHAR'],
    ['TIME', 'DATE', 'VARCHAR'],
    ['DOUBLE', 'VARCHAR', 'VARCHAR'],
  ])('%s + %s -> %s', (a, b, wide) => {
    expect(widenType(a, b)).toBe(wide);
  });

  it('treats an unknown type (a column of a header-only file) as fitting anything', () => {
    expect(widenType(null, 'BIGINT')).toBe('BIGINT');
    expect(widenType('DATE', null)).toBe('DATE');
    expect(widenType(null, null)).toBeNull();
  });

  it('refuses types outside the lattice', () => {
    expect(widenType('VARCHAR[]', 'VARCHAR')).toBeUndefined();
    expect(widenType('STRUCT(a INTEGER)', 'BIGINT')).toBeUndefined();
  });
});

describe('unionSchema', () => {
  it('merges columns case-insensitively in first-seen order, widening types, leaving out untyped (row-less) columns and naming the conflict', () => {
    const cols = unionSchema([
      { rel: 'a.csv', columns: [{ name: 'Id', type: 'BIGINT' }, { name: 'v', type: null }] },
      { rel: 'b.csv', columns: [{ name: 'id', type: 'DOUBLE' }, { name: 'extra', type: 'DATE' }] },
    ]);
    expect(cols).toEqual([{ name: 'Id', type: 'DOUBLE' }, { name: 'extra', type: 'DATE' }]);
    expect(() =>
      unionSchema([
        { rel: 'a.csv', columns: [{ name: 'x', type: 'VARCHAR[]' }] },
        { rel: 'b.csv', columns: [{ name: 'x', type: 'BIGINT' }] },
      ]),
    ).toThrow('b.csv: column x is BIGINT here but VARCHAR[] in a.csv, and the two types cannot be reconciled');
  });
});
