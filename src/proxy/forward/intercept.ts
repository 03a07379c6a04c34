import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { FORWARD_CODES } from './codes.js';
import { formatAuthority, type Authority } from './host.js';
import type { LeafIssuer } from './leaf.js';
import type { ForwardTarget, ResolvedOptions } from './options.js';
import { refuseSocket } from './refuse.js';

/**
 * Terminates TLS on a CONNECT to an intercepted host. The certificate is issued for the host the
 * client CONNECTed to before the tunnel is confirmed (an issuance failure is still a clean 502);
 * a TLS server name that names another host ends the handshake, so one CONNECT never yields a
 * certificate for a second name. The decrypted stream is fed to `http` (the HTTP/1.1 parser with
 * the proxy's limits), which knows each socket's target through `targets`.
 */
export async function intercept(
  client: Socket,
  head: Buffer,
  asked: Authority,
  options: ResolvedOptions,
  issuer: LeafIssuer,
  http: Server,
  targets: WeakMap<object, ForwardTarget>,
  track: (s: Socket) => void,
): Promise<void> {
  let context;
  try {
    context = await issuer.context(asked.host);
  } catch (e) {
    const detail = e instanceof Error ? e.message : `cannot issue a certificate for \`${asked.host}\``;
    options.onEvent({ code: FORWARD_CODES.issueFailed, message: detail, host: asked.host });
    refuseSocket(client, { status: 502, code: FORWARD_CODES.issueFailed, detail });
    return;
  }
  if (client.destroyed) return;
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) client.unshift(head);
  const tls = new TLSSocket(client, {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ['http/1.1'],
    SNICallback: (servername, done) => {
      if (servername.toLowerCase().replace(/\.$/, '') === asked.host) {
        done(null, context);
        return;
      }
      const message = `tls server name \`${servername}\` is not the proxied host \`${formatAuthority(asked)}\``;
      options.onEvent({ code: FORWARD_CODES.misdirected, message, host: asked.host });
      done(new Error(message));
    },
  });
  track(tls);
  let secure = false;
  const timer = setTimeout(() => {
    options.onEvent({ code: FORWARD_CODES.handshakeFailed, message: `no tls handshake for \`${asked.host}\` within ${options.limits.handshakeTimeoutMs} ms`, host: asked.host });
    tls.destroy();
  }, options.limits.handshakeTimeoutMs);
  tls.on('error', (e: NodeJS.ErrnoException) => {
    // A client that does not trust the local CA ends the handshake with an alert: say so, since
    // the client's own message ("unknown ca") is all the operator would otherwise see.
    if (!secure) {
      const alert = typeof e.code === 'string' ? e.code.toLowerCase() : 'an error';
      options.onEvent({ code: FORWARD_CODES.handshakeFailed, message: `the tls handshake for \`${asked.host}\` failed: ${alert}; does the client trust the local CA?`, host: asked.host });
    }
    tls.destroy();
  });
  tls.on('close', () => {
    clearTimeout(timer);
    client.destroy();
  });
  tls.once('secure', () => {
    secure = true;
    clearTimeout(timer);
    targets.set(tls, { host: asked.host, port: asked.port, scheme: 'https' });
    http.emit('connection', tls);
  });
}
