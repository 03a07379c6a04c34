import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { FORWARD_CODES } from './codes.js';
import { formatAuthority, type Authority } from './host.js';
import type { ResolvedOptions } from './options.js';
import { refuseSocket } from './refuse.js';

/**
 * A blind tunnel for an allowed host: the proxy connects where `resolveTunnel` says, answers 200
 * only once that connection is up, then copies bytes both ways without looking at them. Either
 * side closing, erring or idling past the limit ends both.
 */
export function tunnel(client: Duplex, head: Buffer, asked: Authority, options: ResolvedOptions, track: (s: Socket) => void): void {
  const dest = options.resolveTunnel(asked.host, asked.port);
  const upstream = connect({ host: dest.host, port: dest.port });
  track(upstream);
  let connected = false;
  const fail = (status: number, why: string): void => {
    const detail = `tunnel to \`${formatAuthority(asked)}\` failed: ${why}`;
    options.onEvent({ code: FORWARD_CODES.tunnelFailed, message: detail, host: asked.host });
    upstream.destroy();
    refuseSocket(client, { status, code: FORWARD_CODES.tunnelFailed, detail });
  };
  const timer = setTimeout(() => fail(504, 'the upstream did not accept the connection in time'), options.limits.connectTimeoutMs);
  upstream.once('error', (e: NodeJS.ErrnoException) => {
    if (!connected) {
      clearTimeout(timer);
      fail(502, e.code === 'ECONNREFUSED' ? 'connection refused' : 'the upstream cannot be reached');
    } else {
      client.destroy();
    }
  });
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.setTimeout(options.limits.idleTimeoutMs, () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  client.on('close', () => {
    clearTimeout(timer);
    upstream.destroy();
  });
  upstream.on('close', () => {
    if (connected) client.destroy();
  });
}
