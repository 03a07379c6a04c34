import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainable } from './drain.js';

export interface Listening {
  /** `http://host:port`, brackets around an IPv6 host. */
  origin: string;
  /**
   * Stops listening. With a grace (ms), drains first: idle keep-alive connections are closed,
   * requests still arriving are answered with `Connection: close` (`/readyz` with 503), and
   * in-flight ones may finish until the grace is over. Then every open connection is ended.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts `server` on `host:port` for the enforcer's servers (status, proxy, MCP guard): one place
 * for the listen error (the caller's coded error, from the message given) and a close that does not
 * wait for idle keep-alive clients.
 */
export async function listenOn(server: Server, host: string, port: number, failed: (message: string, cause: Error) => Error): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(failed(`cannot listen on \`${host}:${port}\`: ${e.message.toLowerCase()}`, e)));
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const drain = drainable([server], { listening: [server], readyPath: '/readyz' });
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: (graceMs = 0) => drain.close(graceMs),
  };
}
