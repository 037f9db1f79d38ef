import type { RawData } from 'ws';
import { nowIso, type DangoEvent } from '../events';

/** WebSocket close code sent to clients when the hub shuts down ("going away", RFC 6455). */
export const CLOSE_GOING_AWAY = 1001;

/** The reply to an application-level `{"type":"ping"}`. */
export const PONG_MESSAGE = '{"type":"pong"}';

/** Inbound text longer than this cannot be a ping request, so it is not even parsed. */
const MAX_PING_REQUEST_BYTES = 64;

/** The greeting every client gets first. */
export function connectedMessage(): string {
  return JSON.stringify({ type: 'connected', message: 'Connected to Dango', timestamp: nowIso() });
}

/** Encodes a platform event once as `{type, ...fields, timestamp}` UTF-8, ready to send to every client. */
export function eventMessage(event: DangoEvent): Buffer {
  const { type, timestamp, ...fields } = event;
  return Buffer.from(JSON.stringify({ type, ...fields, timestamp }));
}

/** True for an inbound `{"type":"ping"}` text message; anything else is ignored by the hub. */
export function isPingRequest(data: RawData): boolean {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  if (bytes.length > MAX_PING_REQUEST_BYTES) return false;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { type?: unknown }).type === 'ping';
  } catch {
    return false;
  }
}
