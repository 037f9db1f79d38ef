import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The state of the one WebSocket connection, shown by the status dot. */
export type LiveState = 'connecting' | 'connected' | 'disconnected';

/** A platform event as `/ws` sends it. */
export interface LiveEvent { type: string; message?: string; source?: string; model?: string | null; timestamp: string; [key: string]: unknown }

const LiveContext = createContext<LiveState>('connecting');

/** Which cached API answers an event makes stale, so views update without reloads. */
function invalidate(client: QueryClient, event: LiveEvent): void {
  // Every event is also a log line.
  void client.invalidateQueries({ queryKey: ['logs'] });
  if (event.type.startsWith('sync_') || event.type.startsWith('csv_') || event.type === 'watcher_triggered') {
    if (event.type === 'sync_progress') return;
    void client.invalidateQueries({ queryKey: ['sources'] });
    void client.invalidateQueries({ queryKey: ['source'] });
    void client.invalidateQueries({ queryKey: ['files'] });
    void client.invalidateQueries({ queryKey: ['health'] });
    void client.invalidateQueries({ queryKey: ['catalog'] });
  }
  if (event.type.startsWith('dbt_')) {
    void client.invalidateQueries({ queryKey: ['models'] });
    void client.invalidateQueries({ queryKey: ['model'] });
    void client.invalidateQueries({ queryKey: ['health'] });
    void client.invalidateQueries({ queryKey: ['catalog'] });
  }
}

/** `ws` relative to the document base, with the page's scheme mapped to ws/wss. */
function socketUrl(): string {
  const url = new URL('ws', document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** Opens the one `/ws` connection, reconnects with capped exponential backoff, and refreshes queries on events. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let socket: WebSocket | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = () => {
      setState('connecting');
      socket = new WebSocket(socketUrl());
      socket.onopen = () => {
        attempt = 0;
        setState('connected');
        // Whatever happened while we were away is fetched again.
        if (client.getQueryCache().getAll().length) void client.invalidateQueries();
      };
      socket.onmessage = (msg) => {
        try {
          const event = JSON.parse(String(msg.data)) as LiveEvent;
          if (event.type !== 'connected' && event.type !== 'pong') invalidate(client, event);
        } catch {
          // not an event
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        setState('disconnected');
        const delay = Math.min(30_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        timer = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [client]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

/** The live connection's state. */
export function useLiveState(): LiveState {
  return useContext(LiveContext);
}

/** The connection status dot with its label. */
export function LiveDot() {
  const state = useLiveState();
  const label = state === 'connected' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Disconnected, retrying';
  return (
    <span className={`live live-${state}`} role="status" aria-live="polite" data-live={state} title={`Live updates: ${state}`}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
