import type { ContractEnv } from '../contract-env';

/**
 * Queues a warehouse write that waits until released, so a sync or model run started meanwhile
 * provably stays in progress. The gate exists before the job is queued: the queue may still be busy
 * with earlier writes when `release()` is called.
 */
export function holdWriteQueue(env: ContractEnv): { release(): Promise<void> } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const held = env.fixture.platform.warehouse.write(() => gate);
  return {
    release: async () => {
      open();
      await held;
    },
  };
}
