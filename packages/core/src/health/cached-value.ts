/**
 * A value recomputed at most once per `ttlMs`; callers arriving while it is being computed share that
 * one computation, so a burst of status requests never stacks up probes.
 */
export class CachedValue<T> {
  private value: { data: T; at: number } | null = null;
  private pending: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly compute: () => Promise<T>,
  ) {}

  /** The cached value while fresh, else the result of one shared recomputation. */
  get(): Promise<T> {
    if (this.value && Date.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    this.pending ??= this.compute()
      .then((data) => {
        this.value = { data, at: Date.now() };
        return data;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
