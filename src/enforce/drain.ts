import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Seconds an enforcer's server lets in-flight requests run after SIGTERM (Kubernetes waits 30 s before SIGKILL). */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 25;

/** The shutdown of one or more HTTP servers that answer requests together (a proxy's listener and its decrypted tunnels). */
export interface Drain {
  /** True once `close` was called. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and closes idle keep-alive ones; a request still arriving on a
   * kept-alive connection is answered with `Connection: close` (and `/readyz` with 503). Resolves
   * once every in-flight request is over, or `graceMs` has passed, with every connection ended.
   * A grace of 0 ends every connection at once.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Tracks the requests of `servers` so they can be drained. Call after each server's request
 * listener is attached: the listeners are wrapped, in their order. `listening` are the servers
 * to stop listening (a server fed sockets by another never listened); `endAll` ends what the
 * servers do not track themselves (tunnels, handshakes in progress).
 */
export function drainable(servers: readonly Server[], options: { listening: readonly Server[]; readyPath?: string; endAll?: () => void }): Drain {
  let draining = false;
  const active = new Set<ServerResponse>();
  let settled: (() => void) | null = null;
  const closeIdle = (): void => {
    for (const s of servers) s.closeIdleConnections();
  };
  const onDone = (res: ServerResponse): void => {
    active.delete(res);
    if (!draining) return;
    // The connection this answer leaves idle is closed as soon as the answer is written.
    setImmediate(closeIdle);
    if (active.size === 0) settled?.();
  };
  // One listener for every answer (no closure per request: the proxy's per-request cost matters).
  const onClose = function (this: ServerResponse): void {
    onDone(this);
  };
  for (const server of servers) {
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    // A server has one request listener (the proxy's, the status server's): called without a loop.
    const only = listeners.length === 1 ? listeners[0] : undefined;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      active.add(res);
      res.on('close', onClose);
      if (draining) {
        res.setHeader('connection', 'close');
        if (options.readyPath !== undefined && (req.method === 'GET' || req.method === 'HEAD') && (req.url ?? '').split('?')[0] === options.readyPath) {
          res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : `${JSON.stringify({ ready: false, state: 'draining' })}\n`);
          return;
        }
      }
      if (only !== undefined) only.call(server, req, res);
      else for (const listener of listeners) listener.call(server, req, res);
    });
  }
  const endAll = (): void => {
    for (const s of servers) s.closeAllConnections();
    options.endAll?.();
  };
  return {
    get draining() {
      return draining;
    },
    async close(graceMs) {
      const stopped = Promise.all(options.listening.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      closeIdle();
      if (graceMs > 0 && active.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          settled = resolve;
          timer = setTimeout(resolve, graceMs);
        });
        clearTimeout(timer);
      }
      endAll();
      await stopped;
    },
  };
}
