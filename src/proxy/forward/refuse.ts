import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ForwardCode } from './codes.js';

/** Why the proxy answered instead of forwarding: an RFC 9457 problem with the blastguard code. */
export interface Refusal {
  status: number;
  code: ForwardCode;
  detail: string;
}

function body(refusal: Refusal): string {
  const title = STATUS_CODES[refusal.status] ?? 'Error';
  return `${JSON.stringify({ type: 'about:blank', title, status: refusal.status, code: refusal.code, detail: refusal.detail })}\n`;
}

// RFC 9209: the proxy names itself and the error class, so a client that only logs headers (curl
// prints the CONNECT response) still sees why.
function proxyStatus(refusal: Refusal): string {
  const error = refusal.status === 502 || refusal.status === 504 ? 'destination_unavailable' : 'http_request_denied';
  // A header value is visible ASCII only (Node throws on anything else): the rest becomes `?`.
  const details = `${refusal.code} ${refusal.detail}`.replace(/["\\]/g, '').replace(/[^\x20-\x7e]/g, '?');
  return `blastguard; error=${error}; details="${details}"`;
}

/** The refusal written on a raw socket (a CONNECT that is not tunnelled), then the socket closed. */
export function refuseSocket(socket: Duplex, refusal: Refusal): void {
  const text = body(refusal);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n` +
      `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `Proxy-Status: ${proxyStatus(refusal)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** The refusal as the answer to a parsed request; the connection is not reused after it. */
export function refuseResponse(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body(refusal);
  res.writeHead(refusal.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    'proxy-status': proxyStatus(refusal),
    connection: 'close',
  });
  res.end(text);
}
