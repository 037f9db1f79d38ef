import { describe, expect, it } from 'vitest';
import { CachedValue } from '../../src/health/cached-value';

describe('CachedValue', () => {
  it('shares one computation among concurrent callers and reuses it while fresh', async () => {
    let runs = 0;
    const cache = new CachedValue(60_000, async () => ++runs);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([1, 1, 1]);
    expect(await cache.get()).toBe(1);
  });

  it('recomputes after the time to live, and after a failed computation', async () => {
    let runs = 0;
    const expired = new CachedValue(0, async () => ++runs);
    await expired.get();
    expect(await expired.get()).toBe(2);

    let fail = true;
    const flaky = new CachedValue(60_000, async () => {
      if (fail) throw new Error('probe crashed');
      return 'ok';
    });
    await expect(flaky.get()).rejects.toThrow('probe crashed');
    fail = false;
    expect(await flaky.get()).toBe('ok');
  });

  it('never keeps a result whose computation began before an invalidation', async () => {
    let release!: (v: string) => void;
    let calls = 0;
    const cache = new CachedValue(60_000, () => {
      calls++;
      return calls === 1 ? new Promise<string>((r) => (release = r)) : Promise.resolve('fresh');
    });
    const early = cache.get();
    cache.invalidate();
    expect(await cache.get()).toBe('fresh');
    release('stale');
    expect(await early).toBe('stale');
    expect(await cache.get()).toBe('fresh');
    expect(calls).toBe(2);
  });
});
