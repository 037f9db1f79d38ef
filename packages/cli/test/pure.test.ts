import { describe, expect, it } from 'vitest';
import type { NodeResult, SourceSummary, TransformResult } from '@dango/core';
import { formatBytes, formatCount, formatTable, plural } from '../src/format';
import { commandBody } from '../src/remote-run';
import { isLoopbackHost } from '../src/loopback-host';
import { modelFailureLines, pickSources, syncExitCode, syncSummary } from '../src/commands/sync-run';
import { countResults, nodeLine, summaryLine, transformFailed } from '../src/transform-report';

const node = (over: Partial<NodeResult>): NodeResult => ({
  unique_id: 'model.p.m', name: 'm', resource_type: 'model', status: 'success', execution_time: 0.123, message: null, ...over,
});

const source = (name: string, enabled = true): SourceSummary => ({
  name, type: 'csv', enabled, last_sync: null, row_count: 0, status: 'not_synced', freshness: { last_update: null, days_old: null }, tables: [], pending_files: 0,
});

describe('formatting', () => {
  it('formats counts, plurals, sizes and tables', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(plural(1, 'source')).toBe('1 source');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatTable(['A', 'N'], [['x', '1'], ['long', '1,000']], new Set([1]))).toEqual(['A         N', 'x         1', 'long  1,000']);
  });
});

describe('sync selection and summary', () => {
  const all = [source('a'), source('b', false), source('c')];
  it('defaults to the enabled sources and keeps named ones (deduplicated)', () => {
    expect(pickSources(all, [])).toEqual(['a', 'c']);
    expect(pickSources(all, ['b', 'a', 'b'])).toEqual(['b', 'a']);
  });
  it('names every unknown source and lists the configured ones', () => {
    expect(() => pickSources(all, ['a', 'nope', 'zip'])).toThrow("Unknown sources 'nope', 'zip' (configured: a, b, c)");
    expect(() => pickSources([], ['x'])).toThrow("Unknown source 'x' (configured: none)");
  });
  it('summarises successes, failures and rows', () => {
    const ok = (rows: number) => ({ source: 's', ok: true, rows, seconds: 1, error: null, models: null });
    const failedLoad = { source: 'f', ok: false, rows: 0, seconds: 0, error: 'bad', models: null };
    expect(syncSummary([ok(12000), ok(345), failedLoad])).toBe('2 sources synced, 1 failed, 12,345 rows');
    expect(syncSummary([ok(1)])).toBe('1 source synced, 0 failed, 1 row');
    expect(syncExitCode([ok(1)])).toBe(0);
    expect(syncExitCode([ok(1), failedLoad])).toBe(1);
  });
  it('counts the models run after the loads, and a model failure exits 3 unless a load failed', () => {
    const withModels = (ran: number, failed: string[], error: string | null = null) => ({
      source: 'sales', ok: true, rows: 2_000_000, seconds: 1, error: null, models: { ran, failed: failed.map((model) => ({ model, error: `${model} broke\nLINE 1` })), error },
    });
    const outcomes = [withModels(3, ['orders_enriched']), withModels(2, [])];
    expect(syncSummary(outcomes)).toBe('2 sources synced, 0 failed, 4,000,000 rows; models: 5 ran, 1 failed');
    expect(syncExitCode(outcomes)).toBe(3);
    expect(modelFailureLines(outcomes[0]!)).toEqual(['sales: model orders_enriched FAILED: orders_enriched broke']);
    expect(modelFailureLines(outcomes[1]!)).toEqual([]);
    expect(syncSummary([outcomes[1]!])).toBe('1 source synced, 0 failed, 2,000,000 rows');
    // A project that does not compile fails the run before any model.
    const noCompile = withModels(0, [], 'Compilation error in model x');
    expect(syncSummary([noCompile])).toBe('1 source synced, 0 failed, 2,000,000 rows; models: 0 ran, 1 failed');
    expect(modelFailureLines(noCompile)).toEqual(['sales: models FAILED: Compilation error in model x']);
    expect(syncExitCode([noCompile, { ...noCompile, ok: false, models: null }])).toBe(1);
  });
});

describe('dbt-like report lines', () => {
  const info = { name: 'stg_x', description: '', database: 'warehouse', schema: 'staging', depends_on: [], materialization: 'view', status: null };
  it('describes each node status in dbt words', () => {
    expect(nodeLine(1, 5, node({ name: 'stg_x' }), info)).toMatch(/^1 of 5 OK created view model staging\.stg_x \.{3,} \[OK in 0\.12s\]$/);
    expect(nodeLine(2, 5, node({ status: 'error' }))).toMatch(/^2 of 5 ERROR creating model m \.+ \[ERROR in 0\.12s\]$/);
    expect(nodeLine(3, 5, node({ status: 'skipped' }))).toMatch(/^3 of 5 SKIP relation m \.+ \[SKIP\]$/);
    expect(nodeLine(4, 5, node({ resource_type: 'test', name: 'not_null_m_id', status: 'pass' }))).toMatch(/PASS not_null_m_id \.+ \[PASS in/);
    expect(nodeLine(5, 5, node({ resource_type: 'test', name: 't', status: 'fail', failures: 3 }))).toMatch(/FAIL 3 t \.+ \[FAIL 3 in/);
    expect(nodeLine(5, 5, node({ resource_type: 'test', name: 't', status: 'warn', failures: 1 }))).toMatch(/WARN 1 t \.+ \[WARN 1 in/);
    expect(nodeLine(1, 1, node({ resource_type: 'seed', name: 'cats', rows_affected: 7 }))).toMatch(/OK loaded seed cats \.+ \[INSERT 7 in/);
    expect(nodeLine(1, 1, node({}), undefined, 'compile')).toMatch(/OK compiled model m/);
  });
  it('counts, summarises and fails on errors and failing tests', () => {
    const results = [node({}), node({ status: 'pass' }), node({ status: 'warn' }), node({ status: 'fail' }), node({ status: 'error' }), node({ status: 'skipped' })];
    const counts = countResults(results);
    expect(counts).toEqual({ pass: 2, warn: 1, error: 2, skip: 1 });
    const r: TransformResult = { success: false, started_at: '', finished_at: '', elapsed_seconds: 1, results, counts };
    expect(summaryLine(r)).toBe('Done. PASS=2 WARN=1 ERROR=2 SKIP=1 TOTAL=6');
    expect(transformFailed(r)).toBe(true);
    expect(transformFailed({ ...r, success: true, counts: { pass: 1, warn: 1, error: 0, skip: 0 } })).toBe(false);
  });
});

describe('dbt commands over the API', () => {
  it('sends the selection as the API body', () => {
    expect(commandBody({ select: ['a', 'tag:x'], exclude: ['b'], fullRefresh: true, threads: 2 })).toEqual({ select: ['a', 'tag:x'], exclude: ['b'], full_refresh: true, threads: 2 });
    expect(commandBody({})).toEqual({ full_refresh: false });
    expect(commandBody({ vars: { a: 1 } })).toEqual({ full_refresh: false, vars: { a: 1 } });
  });
});

describe('server security', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});
