import { describe, expect, it } from 'vitest';
import { JsonMemo } from '../../src/http/json-memo';

describe('JsonMemo', () => {
  it('always returns exactly what JSON.stringify returns', () => {
    const memo = new JsonMemo();
    const values: unknown[] = [
      { a: 1, b: { c: 'x' } },
      { a: 1, b: { c: 'x' } },
      { a: 1, b: { c: 'y' } },
      { b: { c: 'y' }, a: 1 },
      { a: 1, b: { c: 'y' }, d: undefined },
      { a: 1, b: { c: 'y' } },
      { a: Number.NaN },
      { a: null },
      { a: new Date(0) },
      { a: new Date(1000) },
      [1, 2, 3],
      [1, 2],
      [1, 2, undefined],
      [1, 2, null],
      'text',
      42,
      null,
      { a: [] },
      { a: {} },
    ];
    for (const value of values) expect(memo.stringify(value)).toBe(JSON.stringify(value));
  });

  it('reuses the text for an equal value and never serves stale JSON for a mutated one', () => {
    const memo = new JsonMemo();
    const report = { status: 'healthy', services: { api: 'running' }, uptime_seconds: 4 };
    const first = memo.stringify(report);
    expect(memo.stringify({ status: 'healthy', services: { api: 'running' }, uptime_seconds: 4 })).toBe(first);
    report.uptime_seconds = 5;
    expect(memo.stringify(report)).toBe(JSON.stringify(report));
    report.services.api = 'down';
    expect(memo.stringify(report)).toContain('"api":"down"');
  });

  it('does not treat class instances or toJSON values as plain data', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const memo = new JsonMemo();
    expect(memo.stringify({ x: 1 })).toBe('{"x":1}');
    expect(memo.stringify({ toJSON: () => 'custom', x: 1 })).toBe('"custom"');
    expect(memo.stringify(new Point(1))).toBe('{"x":1}');
  });
});
