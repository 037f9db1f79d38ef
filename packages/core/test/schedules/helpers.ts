import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { defineConnector, DangoPlatform, initProject, quoteIdent, type Connector, type OpenOptions } from '../../src';
import type { ScheduleClock } from '../../src/schedules/clock';

/**
 * A scheduler clock that moves only when the test says so: `now` is set by hand and timers fire in
 * due order through `fireNext`, which first moves `now` to the timer's due time.
 */
export class ManualClock implements ScheduleClock {
  private readonly timers = new Map<number, { due: number; ms: number; fn: () => void }>();
  private nextId = 1;
  private waiters: (() => void)[] = [];

  /** `counted`: which timers (by delay) `delays`, `dues` and `fireNext` see; default all. */
  constructor(
    public current: number,
    private readonly counted: (ms: number) => boolean = () => true,
  ) {}

  now(): number {
    return this.current;
  }

  set(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + ms, ms, fn });
    for (const wake of this.waiters.splice(0)) wake();
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** The pending timers' delays (as set), soonest due first. */
  get delays(): number[] {
    return this.sorted().map(([, t]) => t.ms);
  }

  /** The pending timers' due times as ISO strings, soonest first. */
  get dues(): string[] {
    return this.sorted().map(([, t]) => new Date(t.due).toISOString());
  }

  private sorted() {
    return [...this.timers.entries()].filter(([, t]) => this.counted(t.ms)).sort((a, b) => a[1].due - b[1].due);
  }

  /** Resolves once a timer with delay `ms` is pending (a retry's backoff is set after its failed sync settles). */
  async whenDelay(ms: number): Promise<void> {
    while (!this.delays.includes(ms)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Moves `now` to the soonest timer's due time and fires it; returns its delay. */
  fireNext(): number {
    const first = this.sorted()[0];
    if (!first) throw new Error('no timer is pending');
    const [id, timer] = first;
    this.timers.delete(id);
    this.current = Math.max(this.current, timer.due);
    timer.fn();
    return timer.ms;
  }
}

/** What the `scripted` connector does on each sync, in order; an empty script succeeds. */
export interface Script {
  steps: Array<'ok' | 'fail' | Promise<void>>;
  prepared: number;
}

/**
 * A source type whose syncs follow a script: 'fail' throws an error that quotes the source's secret
 * (as careless clients do), a promise holds the sync open until it resolves, 'ok' loads 3 rows.
 */
export function scriptedConnector(script: Script): Connector {
  return defineConnector({
    type: 'scripted',
    configSchema: z.strictObject({ token_env: z.string().optional() }),
    async prepare(ctx) {
      script.prepared++;
      const step = script.steps.shift() ?? 'ok';
      if (step === 'fail') throw new Error(`upstream refused token ${ctx.env.SCRIPT_TOKEN ?? '?'}`);
      if (step !== 'ok') await step;
      return {
        async load(conn) {
          await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ctx.schema)}`);
          await conn.run(`CREATE OR REPLACE TABLE ${quoteIdent(ctx.schema)}.items AS SELECT range AS n FROM range(3)`);
          return { rows: 3 };
        },
      };
    },
  }) as Connector;
}

/** A temp project whose sources are written as given; auto_dbt off so each sync is only the load. */
export async function scheduleProject(sources: unknown[], env = ''): Promise<{ dir: string; writeSources(s: unknown[]): void; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-sched-'));
  await initProject(dir, { name: 'sched' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace(/auto_dbt: true/, 'auto_dbt: false'));
  const writeSources = (s: unknown[]) => fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), stringify({ sources: s }));
  writeSources(sources);
  fs.writeFileSync(path.join(dir, '.dango', '.env'), env);
  return { dir, writeSources, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a platform on `dir` with the scripted connector and (unless overridden) schedules on a manual clock. */
export function openScheduled(dir: string, script: Script, options: Partial<OpenOptions> = {}): Promise<DangoPlatform> {
  return DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'wh.duckdb'), connectors: [scriptedConnector(script)], ...options });
}

/** A local webhook receiver on port 0: collects JSON bodies, answers `status`. */
export async function webhookReceiver(status = 200): Promise<{ url: string; bodies: unknown[]; next(): Promise<unknown>; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  let waiters: ((b: unknown) => void)[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as unknown;
      bodies.push({ ...(body as object), _contentType: req.headers['content-type'], _method: req.method });
      res.writeHead(status).end(status >= 400 ? 'nope' : 'ok');
      for (const w of waiters.splice(0)) w(bodies.at(-1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      waiters = [];
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
