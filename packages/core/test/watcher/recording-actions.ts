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

  readonly actions: WatcherActions = {
    syncSource: (name) => this.handle({ kind: 'sync', arg: name }),
    runModels: (select) => this.handle({ kind: 'models', arg: select }),
  };

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
    if (this.gate) await this.gate;
  }
}
