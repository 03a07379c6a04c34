import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROXY_CODES } from './codes.js';
import { sendProblem } from './denial.js';

/*
 * WebSocket upgrades (RFC 6455 §4.1: `GET`, `Connection: Upgrade`, `Upgrade: websocket`) are not
 * relayed: once switched, the connection carries messages (GraphQL subscriptions over
 * `graphql-transport-ws`) the proxy would forward without deciding them. The refusal is its own
 * code, not a policy denial (nothing was decided, no rule refused it), and answered 501 Not
 * Implemented (RFC 9110 §15.6.2: the server does not support the functionality required): a
 * WebSocket client reports the status of a failed handshake, and 501 reads as "the proxy cannot",
 * where a 403 would send the operator hunting for a rule that does not exist.
 */

/** Whether the request asks to be upgraded to a WebSocket. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

/** Answers a WebSocket upgrade with the refusal (501, BG781) and closes the connection. */
export function refuseWebSocket(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  sendProblem(
    res,
    501,
    PROXY_CODES.websocketNotRelayed,
    'websocket upgrades (graphql subscriptions over `graphql-transport-ws`) are not relayed: the proxy cannot decide the messages sent over the connection',
    'plain http calls pass; `railway up --detach` deploys without the log stream',
  );
}
