import type { PlatformContext } from '../context';
import type { WatcherStatus } from '../health/types';

// PLACEHOLDER: replaced by the watcher implementation (issue 5).
/** Callbacks the watcher uses to act, so it depends on the facade's behaviour, not its internals. */
export interface WatcherActions {
  syncSource(name: string): Promise<unknown>;
  runModels(select: string[]): Promise<unknown>;
}

/** Watches upload folders and model files and triggers syncs and model runs. */
export class WatcherService {
  constructor(readonly ctx: PlatformContext, readonly actions: WatcherActions) {}
  async start(): Promise<void> {}
  status(): WatcherStatus {
    const p = this.ctx.config.platform;
    return {
      running: false, pid: null, auto_sync_enabled: p.auto_sync, auto_dbt_enabled: p.auto_dbt,
      debounce_seconds: p.debounce_seconds, watch_patterns: p.watch_patterns, watch_directories: p.watch_directories,
    };
  }
  async close(): Promise<void> {}
}
