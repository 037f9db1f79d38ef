import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { DangoPlatform, initProject, type DangoEventMap, type DangoEventType } from '../../src';
import { ManualTimers, settle, settleAfter } from './manual-timers';

/** A scaffolded project in a fresh temp folder; `cleanup` removes it. */
export interface TempProject {
  dir: string;
  cleanup(): void;
}

/** Scaffolds a project in a temp dir with `platform` settings merged over the defaults and the given sources. */
export async function tempProject(options: { platform?: Record<string, unknown>; sources?: unknown[] } = {}): Promise<TempProject> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'watch_test' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  const project = parse(readFileSync(projectFile, 'utf8')) as { platform: Record<string, unknown> };
  Object.assign(project.platform, { metabase_url: false }, options.platform);
  writeFileSync(projectFile, stringify(project));
  writeFileSync(path.join(dir, '.dango', 'sources.yml'), stringify({ sources: options.sources ?? [] }));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CSV source reading `data/uploads/<name>`. */
export function csvSource(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, type: 'csv', enabled: true, csv: { directory: `data/uploads/${name}`, file_pattern: '*.csv' }, ...extra };
}

/** Resolves with the next event of `type` (optionally matching `accept`); rejects after `timeoutMs`. */
export function once<K extends DangoEventType>(
  platform: DangoPlatform,
  type: K,
  accept: (e: DangoEventMap[K]) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<DangoEventMap[K]> {
  return new Promise((resolve, reject) => {
    const listener = (event: DangoEventMap[K]): void => {
      if (!accept(event)) return;
      clearTimeout(timer);
      platform.off(type, listener as never);
      resolve(event);
    };
    const timer = setTimeout(() => {
      platform.off(type, listener as never);
      reject(new Error(`timed out waiting for ${type}`));
    }, timeoutMs);
    platform.on(type, listener as never);
  });
}

/** Records every event of the given types, in order. */
export function record(platform: DangoPlatform, types: DangoEventType[]): { type: string; source?: string; [k: string]: unknown }[] {
  const seen: { type: string; source?: string }[] = [];
  platform.on('event', (e) => {
    if (types.includes(e.type)) seen.push(e as never);
  });
  return seen;
}

/** Polls `check` until it returns true or the deadline passes (for facts no event announces). */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A CSV text with a header and `n` rows `id,name,amount` starting at `from`. */
export function csvRows(n: number, from = 1): string {
  const lines = ['id,name,amount'];
  for (let i = from; i < from + n; i++) lines.push(`${i},name_${i},${(i * 1.5).toFixed(2)}`);
  return lines.join('\n') + '\n';
}

/** A platform whose watcher runs on manual timers, with the steps that drive it. */
export interface SteppedPlatform {
  platform: DangoPlatform;
  /** The watcher's timers: nothing fires until the test says so, so no step races a clock. */
  timers: ManualTimers;
  /** Resolves once no batch, sync or model run the watcher started is in progress. */
  idle(): Promise<void>;
  /** Fires timers until the watcher is idle with none pending: whatever it was going to do is done. */
  settle(): Promise<void>;
  /** Waits until the watcher holds `n` changed files, then settles it. */
  settleAfter(n: number): Promise<void>;
}

/** Opens the project with its watcher on manual timers; the caller closes the platform. */
export async function openStepped(projectDir: string, debounceSeconds = 1): Promise<SteppedPlatform> {
  const timers = new ManualTimers();
  const platform = await DangoPlatform.open({ projectDir, watch: true, debounceSeconds, watcherTimers: timers });
  // Private, reached into only to know when the watcher's own work is done.
  const watcher = platform['watcher'];
  return {
    platform,
    timers,
    idle: () => watcher.idle(),
    settle: () => settle(watcher, timers),
    settleAfter: (n) => settleAfter(watcher, timers, n),
  };
}
