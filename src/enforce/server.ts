import { listenOn } from './listen.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ENFORCE_CODES, EnforceError } from './codes.js';
import type { EnforcerMetrics } from './metrics.js';
import type { EnforcerStatus } from './status.js';

/**
 * The operator endpoints: `/healthz` (200 only when ready and not stale), `/readyz` (200 once a
 * verified bundle is active), `/metrics` (Prometheus text) and `/status` (the status object). On
 * loopback unless told otherwise; it serves nothing else and reads no request body.
 */
export interface StatusServer {
  url: string;
  /** Stops serving; with a grace (ms), drains first (`/readyz` 503 on kept-alive connections). */
  close(graceMs?: number): Promise<void>;
}

interface Observable {
  status(): EnforcerStatus;
  readonly metrics: EnforcerMetrics;
}

/** The paths the status listener answers; a server sharing its port (the MCP guard) routes these to it. */
export const STATUS_PATHS: readonly string[] = ['/healthz', '/readyz', '/status', '/metrics'];

/** The status endpoints as a request listener, for `serveStatus` and for servers that answer them on their own port. */
export function statusListener(enforcer: Observable): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const status = enforcer.status();
    if (path === '/healthz') {
      json(status.healthy ? 200 : 503, { healthy: status.healthy, state: status.state, active_revision: status.active_revision, stale: status.staleness.stale, last_error: status.last_error });
    } else if (path === '/readyz') {
      json(status.ready ? 200 : 503, { ready: status.ready, state: status.state, active_revision: status.active_revision });
    } else if (path === '/status') {
      json(200, status);
    } else if (path === '/metrics') {
      enforcer.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': enforcer.metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    } else {
      res.writeHead(404);
      res.end();
    }
  };
}

export async function serveStatus(enforcer: Observable, options: { port: number; host?: string }): Promise<StatusServer> {
  const server: Server = createServer(statusListener(enforcer));
  const listening = await listenOn(server, options.host ?? '127.0.0.1', options.port, (m, cause) => new EnforceError(ENFORCE_CODES.serverFailed, m, { cause }));
  return { url: listening.origin, close: listening.close };
}
