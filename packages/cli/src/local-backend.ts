import { ActivityLog, DangoError, DangoPlatform, errorMessage, loadProjectConfig, projectPaths, type DangoEvent, type DangoEventMap, type LogEntry, type SyncOptions } from '@dango/core';
import { failedOutcome, modelsAfter, type Backend, type SyncOutcome } from './backend';

/** Runs commands in this process: the platform (and its warehouse) opens on first use only. */
export class LocalBackend implements Backend {
  readonly serverUrl = null;
  private platform: Promise<DangoPlatform> | null = null;

  /** With `readOnly`, opening records nothing in the activity log (`status`, `logs`). */
  constructor(private readonly root: string, private readonly options: { readOnly?: boolean } = {}) {}

  /** The opened platform, for commands that need more than this interface. */
  open(): Promise<DangoPlatform> {
    this.platform ??= DangoPlatform.open({ projectDir: this.root, record: !this.options.readOnly });
    return this.platform;
  }

  async listSources() {
    return (await this.open()).listSources();
  }

  async warehouseBytes(): Promise<number | null> {
    return (await this.open()).warehouse.sizeBytes();
  }

  async sync(name: string, options: SyncOptions, onEvent: (event: DangoEvent) => void): Promise<SyncOutcome> {
    const platform = await this.open();
    let after: DangoEventMap['after_sync_completed'] | null = null;
    const listener = (event: DangoEvent) => {
      if (!('source' in event) || event.source !== name) return;
      if (event.type === 'after_sync_completed') after = event;
      onEvent(event);
    };
    // platform.sync resolves after the models the sync set off, so `after` is in by then.
    platform.on('event', listener);
    try {
      const r = await platform.sync(name, options);
      if (r.status !== 'success') return failedOutcome(name, r.error_message ?? 'unknown error');
      return { source: name, ok: true, rows: r.rows_processed, seconds: r.duration_seconds, error: null, models: modelsAfter(after) };
    } catch (err) {
      // Bad options are the caller's mistake for every source alike; anything else fails this source only.
      if (err instanceof DangoError && err.code === 'BAD_REQUEST') throw err;
      return failedOutcome(name, errorMessage(err));
    } finally {
      platform.off('event', listener);
    }
  }

  async logs(options: { limit: number; source?: string }): Promise<LogEntry[]> {
    // The log is a file: reading it needs neither the warehouse nor its lock.
    if (options.source !== undefined) {
      const config = await loadProjectConfig(this.root);
      if (!config.sources.some((s) => s.name === options.source)) {
        throw new DangoError('NOT_FOUND', `Unknown source '${options.source}'`);
      }
    }
    return new ActivityLog(projectPaths(this.root).activityLog).entries(options);
  }

  async close(): Promise<void> {
    // A platform that failed to open has nothing to close; its error was already reported.
    if (this.platform) await this.platform.then((p) => p.close(), () => undefined);
  }
}
