import { describe, expect, it } from 'vitest';
import { schedule, selectedParents, type Outcome } from '../../src/transform/execute/scheduler';

/** Runs a DAG where each node finishes when the test releases it, recording concurrency and order. */
function harness(parents: Record<string, string[]>, threads: number, outcome: (id: string) => Outcome = () => 'ok') {
  const started: string[] = [];
  const skipped: [string, string][] = [];
  const waiting = new Map<string, () => void>();
  let running = 0;
  let maxRunning = 0;
  const done = schedule({
    order: Object.keys(parents),
    parents: new Map(Object.entries(parents)),
    threads,
    skip: (id, cause) => void skipped.push([id, cause]),
    run: (id) => {
      started.push(id);
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<Outcome>((resolve) => waiting.set(id, () => {
        running--;
        waiting.delete(id);
        resolve(outcome(id));
      }));
    },
  });
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    started, skipped, done, waiting, settle,
    get maxRunning() { return maxRunning; },
    /** Releases every running node until the schedule is done. */
    async drain() {
      for (let guard = 0; guard < 1000 && waiting.size; guard++) {
        for (const release of [...waiting.values()]) release();
        await settle();
      }
      await done;
    },
  };
}

describe('scheduler', () => {
  it('runs independent nodes concurrently up to the thread limit, parents first', async () => {
    const h = harness({ a: [], b: [], c: [], d: [], e: ['a', 'b'] }, 3);
    await h.settle();
    expect(h.started).toEqual(['a', 'b', 'c']);
    h.waiting.get('a')!();
    await h.settle();
    expect(h.started).toEqual(['a', 'b', 'c', 'd']);
    h.waiting.get('b')!();
    await h.settle();
    expect(h.started).toContain('e');
    await h.drain();
    expect(h.maxRunning).toBe(3);
  });

  it('never starts more than one node with threads: 1', async () => {
    const h = harness({ a: [], b: [], c: ['a'] }, 1);
    await h.drain();
    expect(h.maxRunning).toBe(1);
    expect(h.started).toEqual(['a', 'b', 'c']);
  });

  it('skips every descendant of a blocked node, naming the blocked parent, and runs the rest', async () => {
    const h = harness({ a: [], bad: ['a'], child: ['bad'], grandchild: ['child'], other: ['a'] }, 2, (id) => (id === 'bad' ? 'blocked' : 'ok'));
    await h.drain();
    expect(h.started.sort()).toEqual(['a', 'bad', 'other']);
    expect(h.skipped).toEqual([['child', 'bad'], ['grandchild', 'child']]);
  });

  it('names the nodes and what they wait for if a cycle ever leaves nothing runnable', async () => {
    const parents = new Map([['a', ['b']], ['b', ['a']], ['c', []]]);
    const ran: string[] = [];
    await expect(schedule({ order: ['a', 'b', 'c'], parents, threads: 2, run: async (id) => (ran.push(id), 'ok' as Outcome), skip: () => undefined }))
      .rejects.toThrow('scheduler stalled with 2 node(s) pending: a waits for b; b waits for a');
    expect(ran).toEqual(['c']);
  });

  it('keeps dependencies through unselected nodes (a -> x -> b with x unselected)', () => {
    const parents = new Map([['a', []], ['x', ['a']], ['b', ['x']], ['c', ['b', 'x']]]);
    const sel = selectedParents(new Set(['a', 'b', 'c']), parents);
    expect(sel.get('b')).toEqual(['a']);
    expect(sel.get('c')!.sort()).toEqual(['a', 'b']);
    expect(sel.get('a')).toEqual([]);
  });
});
