import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://host:port`, brackets around an IPv6 host. */
  origin: string;
  /** Ends every open connection, then stops listening. */
  close(): Promise<void>;
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
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
