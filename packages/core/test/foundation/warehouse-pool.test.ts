import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Warehouse, defaultReaderLimit } from '../../src/warehouse';

let dir: string;
let wh: Warehouse;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dango-pool-'));
});
afterEach(async () => {
  await wh?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (readers?: number): Promise<Warehouse> => Warehouse.open(path.join(dir, 'warehouse.duckdb'), readers === undefined ? {} : { readers });

/** A read that takes a little while (a real scan), so concurrent reads overlap. */
const slowRead = (i: number): Promise<Array<{ i: number; n: number }>> =>
  wh.query<{ i: number; n: number }>('SELECT $1::INTEGER AS i, count(*) AS n FROM range(200000) WHERE range % 7 = 0', [i]);

describe('reader pool', () => {
  it('answers 500 concurrent reads on at most its bound of connections', async () => {
    wh = await open();
    const limit = defaultReaderLimit();
    expect(limit).toBeGreaterThanOrEqual(4);
    expect(limit).toBeLessThanOrEqual(2 * os.availableParallelism() + 4);
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => slowRead(i)));
    expect(results.map((r) => r[0]!.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(results.every((r) => r[0]!.n === 28572)).toBe(true);
    const stats = wh.readerStats;
    expect(stats.limit).toBe(limit);
    expect(stats.peak).toBeLessThanOrEqual(limit);
    // The bound was reached (the reads did overlap), and no read is left waiting.
    expect(stats.peak).toBe(limit);
    expect(stats.waiting).toBe(0);
    expect(stats.open).toBeLessThanOrEqual(limit);
  });

  it('serves waiting reads first come, first served', async () => {
    wh = await open(1);
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 40 }, (_, i) => slowRead(i).then(() => finished.push(i))));
    expect(finished).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(wh.readerStats.peak).toBe(1);
  });

  it('runs a read issued inside a write job while the pool is saturated (no deadlock), seeing committed data only', async () => {
    wh = await open(2);
    await wh.write((c) => c.run('CREATE TABLE t AS SELECT 1 AS x'));
    const flood = Array.from({ length: 100 }, (_, i) => slowRead(i));
    const inner = await wh.write(
      async (c) => {
        await c.run('INSERT INTO t VALUES (2)');
        return wh.query<{ n: number }>('SELECT count(*) AS n FROM t');
      },
      { transaction: true },
    );
    expect(inner).toEqual([{ n: 1 }]);
    await Promise.all(flood);
    expect(await wh.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);
    expect(wh.readerStats.peak).toBeLessThanOrEqual(2);
  });

  it('lets reads in flight finish before the file is released, and runs reads issued meanwhile after it', async () => {
    wh = await open(2);
    await wh.write((c) => c.run('CREATE TABLE t AS SELECT 1 AS x'));
    const before = Array.from({ length: 30 }, (_, i) => slowRead(i));
    let finished = 0;
    for (const r of before) void r.then(() => finished++);
    const during = await wh.releaseDuring(async () => {
      // The file is closed now: no reader connection is left, later reads wait for the reopen.
      const open = wh.readerStats.open;
      await Promise.all(before);
      return { open, reads: Array.from({ length: 30 }, () => wh.query<{ n: number }>('SELECT count(*) AS n FROM t')) };
    });
    expect(during.open).toBe(0);
    expect(finished).toBe(30);
    expect(await Promise.all(during.reads)).toEqual(Array.from({ length: 30 }, () => [{ n: 1 }]));
    expect(wh.readerStats.peak).toBeLessThanOrEqual(2);
  });

  it('counts each read it issues', async () => {
    wh = await open();
    const start = wh.queryCount;
    await Promise.all([wh.query('SELECT 1'), wh.query('SELECT 2'), wh.query('SELECT 3')]);
    expect(wh.queryCount - start).toBe(3);
  });

  it('moves its write generation on after each write settles, committed or rolled back, and not on reads', async () => {
    wh = await open();
    const g0 = wh.writeGeneration;
    await wh.query('SELECT 1');
    expect(wh.writeGeneration).toBe(g0);
    let during = -1;
    await wh.write(async (c) => {
      await c.run('CREATE TABLE t (x INTEGER)');
      during = wh.writeGeneration;
    });
    // Not before the job ended: a reader of the old generation must not keep what it read.
    expect(during).toBe(g0);
    expect(wh.writeGeneration).toBe(g0 + 1);
    await expect(wh.write(async () => Promise.reject(new Error('boom')), { transaction: true })).rejects.toThrow('boom');
    expect(wh.writeGeneration).toBe(g0 + 2);
  });
});

describe('warehouse close under reads', () => {
  it('lets running reads finish, fails waiting and later reads clearly, and closes', async () => {
    wh = await open(2);
    const reads = Array.from({ length: 50 }, (_, i) => slowRead(i));
    const settled = Promise.allSettled(reads);
    await wh.close();
    const outcomes = await settled;
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    // The two that held a connection ran to the end; the rest were refused without running.
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2);
    expect(failed.length).toBe(50 - ok.length);
    for (const f of failed) expect(f.reason).toMatchObject({ code: 'CONFLICT', message: 'The warehouse is closed: the platform is shutting down' });
    await expect(wh.query('SELECT 1')).rejects.toMatchObject({ code: 'CONFLICT', message: 'The warehouse is closed: the platform is shutting down' });
    // The file is free again: another instance opens it.
    const again = await open();
    expect(await again.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await again.close();
  });
});
