import type { DangoEventSource } from '../event-bus';
import type { DangoEvent, DangoEventType } from '../events';

/** A pending wait for an event; `dispose` removes the listener when the wait is no longer needed. */
export interface EventWait {
  promise: Promise<DangoEvent>;
  dispose(): void;
}

/**
 * Waits for the next event of one of `types` that satisfies `accept`. Register it BEFORE starting
 * the action whose outcome it observes, so an event emitted in between cannot be missed.
 */
export function nextEvent(
  events: DangoEventSource,
  types: DangoEventType[],
  accept: (event: DangoEvent) => boolean = () => true,
): EventWait {
  let listener: ((event: DangoEvent) => void) | null = null;
  const promise = new Promise<DangoEvent>((resolve) => {
    listener = (event) => {
      if (!types.includes(event.type) || !accept(event)) return;
      dispose();
      resolve(event);
    };
    events.on('event', listener);
  });
  const dispose = (): void => {
    if (listener) events.off('event', listener);
    listener = null;
  };
  return { promise, dispose };
}
