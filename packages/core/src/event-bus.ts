import { EventEmitter } from 'node:events';
import type { DangoEvent, DangoEventMap, DangoEventType } from './events';

/** What a listener may subscribe to: one event type, or `event` for every event. */
export type DangoEventName = DangoEventType | 'event';

/** The event a listener of `K` receives (`event` receives any event). */
export type DangoEventOf<K extends DangoEventName> = K extends DangoEventType ? DangoEventMap[K] : DangoEvent;

/** A listener of `K`. */
export type DangoListener<K extends DangoEventName> = (event: DangoEventOf<K>) => void;

/** Removes the listener it was returned for; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * The subscribe side of the platform's events, which `DangoPlatform` exposes: `on` and `once` return
 * an unsubscribe function, `off` removes a listener by reference. There is no `emit`: only the
 * platform's modules emit.
 */
export interface DangoEventSource {
  /** Calls `listener` for every event of `type` until unsubscribed. */
  on<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe;
  /** Calls `listener` for the next event of `type` only. */
  once<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe;
  /** Removes a listener added with `on` or `once`. */
  off<K extends DangoEventName>(type: K, listener: DangoListener<K>): void;
}

/**
 * The platform's one emitter, owned by composition so the public types depend on no emitter
 * library (eventemitter3's typings broke `nodenext` consumers). Modules emit through it; the
 * activity log, the WebSocket hub and users listen.
 */
export class EventBus implements DangoEventSource {
  private readonly emitter = new EventEmitter();
  /** Told about a listener that threw (or rejected); the other listeners still run and the emitter never fails. */
  onListenerError: (type: DangoEventName, err: unknown) => void = () => undefined;

  constructor() {
    // Every WebSocket hub, CLI command and host listener adds one; there is no leak to warn about.
    this.emitter.setMaxListeners(0);
  }

  on<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe {
    this.emitter.on(type, listener as (e: unknown) => void);
    return () => this.off(type, listener);
  }

  once<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe {
    this.emitter.once(type, listener as (e: unknown) => void);
    return () => this.off(type, listener);
  }

  off<K extends DangoEventName>(type: K, listener: DangoListener<K>): void {
    this.emitter.off(type, listener as (e: unknown) => void);
  }

  /** Delivers `event` to the listeners of its type, then to the `event` listeners. */
  emit(event: DangoEvent): void {
    this.dispatch(event.type, event);
    this.dispatch('event', event);
  }

  /**
   * Calls each listener on its own, so a user's broken `platform.on(...)` cannot abort the sync that
   * emitted. Raw listeners: a `once` wrapper removes itself before calling the listener.
   */
  private dispatch(type: DangoEventName, event: DangoEvent): void {
    for (const listener of this.emitter.rawListeners(type) as ((e: unknown) => unknown)[]) {
      try {
        const returned = listener(event);
        if (returned instanceof Promise) returned.catch((err: unknown) => this.onListenerError(type, err));
      } catch (err) {
        this.onListenerError(type, err);
      }
    }
  }

  /** How many listeners `type` has (tests check that closers unsubscribe). */
  listenerCount(type: DangoEventName): number {
    return this.emitter.listenerCount(type);
  }

  /** Drops every listener (the platform's close). */
  clear(): void {
    this.emitter.removeAllListeners();
  }
}
