/**
 * A value recomputed at most once per `ttlMs`; callers arriving while it is being computed share that
 * one computation, so a burst of requests never stacks up probes or project parses.
 */
export class CachedValue<T> {
  private value: { data: T; at: number } | null = null;
  private pending: Promise<T> | null = null;
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly compute: () => Promise<T>,
  ) {}

  /** The value while fresh, else undefined: lets a hot caller skip a promise when nothing is due. */
  peek(): T | undefined {
    return this.value && Date.now() - this.value.at < this.ttlMs ? this.value.data : undefined;
  }

  /** The cached value while fresh, else the result of one shared recomputation. */
  get(): Promise<T> {
    if (this.value && Date.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    if (this.pending) return this.pending;
    const generation = this.generation;
    const pending = this.compute()
      .then((data) => {
        // A result computed before an invalidation may already be outdated: hand it out, never keep it.
        if (generation === this.generation) this.value = { data, at: Date.now() };
        return data;
      })
      .finally(() => {
        if (this.pending === pending) this.pending = null;
      });
    this.pending = pending;
    return pending;
  }

  /** Forgets the value (and any computation in progress), so the next `get` recomputes. */
  invalidate(): void {
    this.generation++;
    this.value = null;
    this.pending = null;
  }
}
