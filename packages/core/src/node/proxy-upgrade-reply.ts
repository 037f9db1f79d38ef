import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers an upgrade request with a bare HTTP error on its raw socket and then closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, detail?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = detail === undefined ? '' : JSON.stringify({ detail });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    ...(body ? ['Content-Type: application/json'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  // Destroy only after the answer is flushed, or the client sees a reset instead of the status.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
