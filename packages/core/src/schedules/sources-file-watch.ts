import { watch, type FSWatcher } from 'chokidar';
import type { PlatformContext } from '../context';
import { errorMessage } from '../errors';
import type { ScheduleClock } from './clock';

/** Editors write a file in several steps; one reload after the last of them. */
export const SOURCES_RELOAD_DEBOUNCE_MS = 300;

/**
 * Watches `.dango/sources.yml` while a platform runs schedules and reloads it after a change, so an
 * edited schedule (or source) takes effect without a restart. A file that does not validate changes
 * nothing: a WARNING line names the problem and the previous configuration stays.
 */
export class SourcesFileWatch {
  private watcher: FSWatcher | null = null;
  private timer: unknown = null;
  private reloading: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly reload: () => Promise<void>,
    private readonly clock: ScheduleClock,
  ) {}

  /** Resolves once the watch is in place. */
  async start(): Promise<void> {
    const watcher = watch(this.ctx.paths.sourcesFile, { ignoreInitial: true });
    this.watcher = watcher;
    watcher.on('add', () => this.changed()).on('change', () => this.changed());
    watcher.on('error', (err) => this.ctx.emit('log', { level: 'WARNING', message: `Watching .dango/sources.yml failed: ${errorMessage(err)}` }));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  private changed(): void {
    if (this.closed) return;
    this.clock.clear(this.timer);
    this.timer = this.clock.set(() => {
      this.timer = null;
      // One reload at a time, in order: the last change always wins.
      this.reloading = this.reloading.then(() => this.apply());
    }, SOURCES_RELOAD_DEBOUNCE_MS);
  }

  private async apply(): Promise<void> {
    if (this.closed) return;
    try {
      await this.reload();
      this.ctx.emit('log', { level: 'INFO', message: 'Reloaded .dango/sources.yml: sources and schedules updated' });
    } catch (err) {
      this.ctx.emit('log', { level: 'WARNING', message: `.dango/sources.yml changed but was not applied (the previous configuration stays): ${errorMessage(err)}` });
    }
  }

  /** Stops watching; waits for a reload under way. */
  async close(): Promise<void> {
    this.closed = true;
    this.clock.clear(this.timer);
    await this.watcher?.close();
    await this.reloading;
  }
}
