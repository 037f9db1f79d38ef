/**
 * Runs at most one job per key at a time; requests that arrive while a job runs are not lost but
 * collapse into exactly one more run after it. A job returns `true` to ask for another run itself
 * (e.g. someone else was busy and it had to wait).
 */
export class FollowUpRunner {
  private readonly running = new Map<string, { dirty: boolean; done: Promise<void> }>();
  private closed = false;

  constructor(private readonly job: (key: string) => Promise<boolean>) {}

  /** Keys with a job in progress. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  /** Runs the job for `key` now, or once more after the current run when one is in progress. */
  request(key: string): void {
    if (this.closed) return;
    const current = this.running.get(key);
    if (current) {
      current.dirty = true;
      return;
    }
    const entry = { dirty: true, done: Promise.resolve() };
    this.running.set(key, entry);
    entry.done = (async () => {
      try {
        while (entry.dirty && !this.closed) {
          entry.dirty = false;
          // Jobs report their own failures; this guard only keeps one from ending the loop unhandled.
          if (await this.job(key).catch(() => false)) entry.dirty = true;
        }
      } finally {
        this.running.delete(key);
      }
    })();
  }

  /** Resolves once no job runs (including follow-ups requested meanwhile). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((e) => e.done));
  }

  /** Starts no new run and resolves when the runs in progress have finished. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.values()].map((e) => e.done));
  }
}
