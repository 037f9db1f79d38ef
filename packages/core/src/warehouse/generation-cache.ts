import type { Warehouse } from './warehouse';

/**
 * Values read from the warehouse, kept until its next write: what a reader read at one write
 * generation stays true until the next, so a polled endpoint costs no query while nothing changed and
 * concurrent callers share one read. A failed read is not kept.
 */
export class GenerationCache<K, V> {
  private generation = -1;
  private readonly values = new Map<K, Promise<V>>();

  constructor(
    private readonly warehouse: Warehouse,
    private readonly read: (key: K) => Promise<V>,
  ) {}

  /** The value of `key` as of the warehouse's current write generation. */
  get(key: K): Promise<V> {
    const generation = this.warehouse.writeGeneration;
    if (generation !== this.generation) {
      this.values.clear();
      this.generation = generation;
    }
    let value = this.values.get(key);
    if (!value) {
      value = this.read(key);
      this.values.set(key, value);
      value.catch(() => this.values.get(key) === value && this.values.delete(key));
    }
    return value;
  }
}
