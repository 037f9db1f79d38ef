import WebSocket from 'ws';
import type { DangoEvent } from '@dango/core';
import { DangoError } from '@dango/core/lite';

type Waiter = { match: (e: DangoEvent) => boolean; resolve: (e: DangoEvent) => void; reject: (err: Error) => void };

/** The events of a server's `/ws`, buffered from the moment the socket opened, so none is missed. */
export class EventStream {
  private readonly seen: DangoEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(e: DangoEvent) => void>();
  private closedError: Error | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let event: DangoEvent;
      try {
        event = JSON.parse(String(data)) as DangoEvent;
      } catch {
        return;
      }
      this.seen.push(event);
      for (const l of this.listeners) l(event);
      for (const w of [...this.waiters]) {
        if (w.match(event)) {
          this.waiters.delete(w);
          w.resolve(event);
        }
      }
    });
    socket.on('close', () => this.fail(new DangoError('UPSTREAM', 'The connection to the Dango server closed before the operation finished')));
    socket.on('error', (err) => this.fail(new DangoError('UPSTREAM', `Lost the connection to the Dango server: ${err.message}`)));
  }

  /** Connects and resolves when the socket is open (a refused upgrade rejects with the server's status). */
  static open(url: string, headers: Record<string, string>): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new EventStream(socket)));
      socket.once('unexpected-response', (_req, res) => {
        socket.terminate();
        reject(new DangoError(res.statusCode === 401 ? 'UNAUTHORIZED' : 'UPSTREAM', res.statusCode === 401
          ? 'The Dango server refused the event stream: set DANGO_API_TOKEN'
          : `The Dango server refused the event stream (${url}: HTTP ${res.statusCode})`));
      });
      socket.once('error', (err) => reject(new DangoError('UPSTREAM', `Cannot open the event stream ${url}: ${err.message}`)));
    });
  }

  /** Calls `listener` for every event from now on. */
  onEvent(listener: (e: DangoEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first event (already received or still to come) that matches; rejects if the connection ends first. */
  waitFor(match: (e: DangoEvent) => boolean): Promise<DangoEvent> {
    const hit = this.seen.find(match);
    if (hit) return Promise.resolve(hit);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => this.waiters.add({ match, resolve, reject }));
  }

  /** Events received so far, oldest first. */
  received(): readonly DangoEvent[] {
    return this.seen;
  }

  /** Closes the socket. */
  close(): void {
    this.closedError ??= new DangoError('UPSTREAM', 'The event stream was closed');
    this.socket.removeAllListeners('close');
    this.socket.on('error', () => undefined);
    this.socket.terminate();
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const w of this.waiters) w.reject(this.closedError);
    this.waiters.clear();
  }
}
