import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/index';
import { schedule, type Outcome } from '../../src/transform/execute/scheduler';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

async function open(files: Record<string, string> = {}): Promise<DangoPlatform> {
  const project = await createTestProject('robust', files);
  return project.open();
}

const statuses = (r: { results: { name: string; status: string }[] }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));
const FINE = { 'models/broken.sql': 'select 1 as x', 'models/late_broken.sql': 'select 1 as x' };

describe('build orders tests like dbt', () => {
  it('runs a relationships test from a to its child b after both, without holding b back; its failure skips a’s other children', async () => {
    const p = await open(FINE);
    const r = await p.build({ select: ['a', 'b', 'c'] });
    const names = r.results.map((x) => x.name);
    const test = r.results.find((x) => x.resource_type === 'test')!;
    expect(test).toMatchObject({ status: 'fail', failures: 1 });
    expect(statuses(r)).toMatchObject({ a: 'success', b: 'success', c: 'skipped' });
    expect(names.indexOf(test.name)).toBeGreaterThan(names.indexOf('b'));
    expect(r.results.find((x) => x.name === 'c')!.message).toBe(`Skipped because ${test.name} did not succeed`);
    expect(await p.warehouse.query('select id from main.b')).toEqual([{ id: 1 }]);
  });

  it('names the nodes and the cycle if a stall is ever possible', async () => {
    const parents = new Map([['x', ['z']], ['y', ['x']], ['z', ['y']], ['free', []]]);
    const run = async (): Promise<Outcome> => 'ok';
    await expect(schedule({ order: ['x', 'y', 'z', 'free'], parents, threads: 1, run, skip: () => undefined, label: (id) => id.toUpperCase() }))
      .rejects.toThrow('scheduler stalled with 3 node(s) pending: X waits for Z; Y waits for X; Z waits for Y (cycle: X -> Y -> Z -> X)');
  });
});

describe('a broken model fails only itself and its children', () => {
  it('a render error while parsing: the model errors, its children skip, the rest runs', async () => {
    const p = await open({ 'models/late_broken.sql': 'select 1 as x' });
    const r = await p.transform();
    expect(statuses(r)).toMatchObject({ a: 'success', b: 'success', c: 'success', broken: 'error', after_broken: 'skipped', late_broken: 'success' });
    expect(r.results.find((x) => x.name === 'broken')!.message).toMatch(/models\/broken\.sql.*no_such_macro/s);
    expect(r.success).toBe(false);
    expect(await p.warehouse.query('select count(*)::int as n from main.c')).toEqual([{ n: 2 }]);
  });

  it('a render error at compile time (execute true) fails that model and skips its children', async () => {
    const p = await open({ 'models/broken.sql': 'select 1 as x' });
    const r = await p.transform();
    expect(statuses(r)).toMatchObject({ late_broken: 'error', after_late: 'skipped', a: 'success', broken: 'success' });
    expect(r.results.find((x) => x.name === 'late_broken')!.message).toMatch(/late failure/);
  });

  it('does not stop seed, --select or --exclude runs that leave it out, and warns about it', async () => {
    const p = await open({ 'models/late_broken.sql': 'select 1 as x' });
    const seeded = await p.seed();
    expect(seeded).toMatchObject({ success: true, counts: { pass: 1, error: 0 } });
    const selected = await p.transform({ select: ['a+'], exclude: ['broken+'] });
    expect(selected.success).toBe(true);
    expect(Object.keys(statuses(selected)).sort()).toEqual(['a', 'b', 'c']);
    expect(p.logs().some((l) => /Warning: model broken \(models\/broken\.sql\) is not part of this run and does not parse: .*no_such_macro/s.test(l.message))).toBe(true);
    expect((await p.transform({ select: ['c'] })).success).toBe(true);
  });

  it('compile reports the broken model as an error and compiles the rest', async () => {
    const p = await open();
    const r = await p.compile();
    expect(statuses(r)).toMatchObject({ a: 'success', broken: 'error', late_broken: 'error' });
  });
});

describe('what the engine skips is reported', () => {
  it('names a Python model it does not run', async () => {
    const p = await open(FINE);
    await p.transform({ select: ['a'] });
    expect(p.logs().some((l) => /Skipped 1 resource\(s\) the embedded engine does not run: Python model py_model \(models\/py_model\.py\)/.test(l.message))).toBe(true);
  });
});
