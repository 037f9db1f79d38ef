import { setTimeout as sleep } from 'node:timers/promises';

/** Bounds how many requests run at once and how many start per second; one per source per sync. */
export interface RequestLimiter {
  /** Runs `job` once a slot is free and the rate allows a start. */
  run<T>(job: () => Promise<T>): Promise<T>;
}

/** A limiter of `concurrency` requests in flight and at most `perSecond` starts a second (none when undefined). */
export function createRequestLimiter(concurrency: number, perSecond?: number): RequestLimiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const spacing = perSecond ? 1000 / perSecond : 0;
  let nextStart = 0;
  const acquire = async (): Promise<void> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    if (spacing > 0) {
      // Slots are handed out in order, so starts keep their spacing even when many wait at once.
      const at = Math.max(performance.now(), nextStart);
      nextStart = at + spacing;
      // A timer may fire early by the duration of a long tick (it counts from the loop's cached time): wait out the rest.
      for (let left = at - performance.now(); left > 0; left = at - performance.now()) await sleep(Math.ceil(left));
    }
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    async run(job) {
      await acquire();
      try {
        return await job();
      } finally {
        release();
      }
    },
  };
}
