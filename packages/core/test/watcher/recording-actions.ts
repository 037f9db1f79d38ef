import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CsvFilesListing } from '../../src/sources/types';
import type { WatcherActions } from '../../src/watcher/watcher-service';

/** One call the watcher made. */
export interface ActionCall {
  kind: 'sync' | 'models';
  arg: string | string[];
}

/**
 * Watcher actions that record their calls (and can be made to block or answer CONFLICT), for
 * exercising the watcher's timing logic in isolation; the platform-level tests use real syncs.
 */
export class RecordingActions {
  readonly calls: ActionCall[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  /** When set, every action waits for it before returning. */
  gate: Promise<void> | null = null;
  /** Calls answered with this error, consumed one per call. */
  failures: Error[] = [];

  /** Per source, the files as the last successful sync call saw them (what real tracking would hold). */
  private readonly loaded = new Map<string, Map<string, string>>();

  /** With `root`, syncs remember the files they saw and `listFiles` reports them, so a repeated event for a loaded file syncs nothing (as with real tracking). */
  constructor(private readonly root?: string) {
    this.actions = {
      syncSource: (name) => this.handle({ kind: 'sync', arg: name }),
      runModels: (select) => this.handle({ kind: 'models', arg: select }),
      ...(root ? { listFiles: async (name: string) => this.listing(name) } : {}),
    };
  }

  readonly actions: WatcherActions;

  private filesOf(source: string): Map<string, string> {
    const dir = path.join(this.root!, 'data', 'uploads', source);
    const files = new Map<string, string>();
    for (const name of (() => { try { return readdirSync(dir); } catch { return []; } })()) {
      if (!name.endsWith('.csv') || name.startsWith('.')) continue;
      const st = statSync(path.join(dir, name), { throwIfNoEntry: false });
      if (st?.isFile()) files.set(name, `${st.size}:${st.mtimeMs}`);
    }
    return files;
  }

  private listing(source: string): CsvFilesListing {
    const seen = this.loaded.get(source) ?? new Map<string, string>();
    const now = this.filesOf(source);
    const files = [...now].map(([name, stat]) => ({ filename: name, status: seen.get(name) === stat ? 'success' : 'pending' }));
    for (const name of seen.keys()) if (!now.has(name)) files.push({ filename: name, status: 'missing' });
    return { source_name: source, files } as unknown as CsvFilesListing;
  }

  /** Sync calls, by source name. */
  get syncs(): string[] {
    return this.calls.filter((c) => c.kind === 'sync').map((c) => c.arg as string);
  }

  /** Model-run calls, by selection. */
  get modelRuns(): string[][] {
    return this.calls.filter((c) => c.kind === 'models').map((c) => c.arg as string[]);
  }

  /** Resolves once at least `count` calls were made (rejects after `timeoutMs`). */
  waitForCalls(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} watcher calls (got ${this.calls.length})`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private async handle(call: ActionCall): Promise<void> {
    this.calls.push(call);
    this.waiters = this.waiters.filter((w) => (this.calls.length >= w.count ? (w.resolve(), false) : true));
    const failure = this.failures.shift();
    if (failure) throw failure;
    // A sync reads the files as they are when it starts.
    const seen = this.root && call.kind === 'sync' ? this.filesOf(call.arg as string) : null;
    if (this.gate) await this.gate;
    if (seen) this.loaded.set(call.arg as string, seen);
  }
}
