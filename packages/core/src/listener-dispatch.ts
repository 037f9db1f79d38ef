import type EventEmitter from 'eventemitter3';

/**
 * Calls every listener of `type` with `event`, each on its own: a listener that throws (or returns a
 * promise that rejects) is reported to `onError` and the others still run, so a user's broken
 * `platform.on(...)` cannot abort the sync that emitted. `once` listeners are removed before their call,
 * as eventemitter3's own emit does.
 */
export function dispatchIsolated(emitter: EventEmitter, type: string, event: unknown, onError: (err: unknown) => void): void {
  for (const listener of emitter.listeners(type) as ((e: unknown) => unknown)[]) {
    // The trailing `true` removes the listener only if it was added with once().
    emitter.removeListener(type, listener, undefined, true);
    try {
      const returned = listener(event);
      if (returned instanceof Promise) returned.catch(onError);
    } catch (err) {
      onError(err);
    }
  }
}
