/** Runs async jobs one at a time, in arrival order; a failed job does not block the ones after it. */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Jobs waiting or running. */
  get size(): number {
    return this.pending;
  }

  /** Queues `job` and resolves with its result once every earlier job has settled. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.pending--;
    });
    return result;
  }

  /** Resolves when every job queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
