// One loopback S3-shaped upstream reached under AWS endpoint host names (resolved to 127.0.0.1),
// each behind its own proxy handler, for the suites that check how a host's shape is read.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import type { Inventory } from '../../src/extract/index.js';
import { catalogOfIr, type IrCatalog } from '../../src/ir/catalog.js';
import type { Decision } from '../../src/ir/types.js';
import { createProxyHandler, type DecidingEnforcer, type Upstream } from '../../src/proxy/handler.js';
import { signedPolicies, startProxy, type Harness } from './support.js';

const lookup = ((_h: string, o: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) => (o.all === true ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))) as unknown as LookupFunction;

export interface S3EndpointRig {
  /** A proxy handler forwarding to `host` (resolved to the loopback upstream), and its url. */
  through(host: string): Promise<string>;
  /** What the upstream received, in order. */
  received: { method: string; url: string }[];
  decided: { input: Record<string, unknown>; decision: Decision }[];
  /** The decided operations as `[name, resource id]`. */
  summary(): unknown[];
}

/** Registers the rig's set-up and tear-down in the calling suite; `hosts` are added to the aws-s3 api. */
export function s3EndpointRig(hosts: readonly string[], inventories: ReadonlyMap<string, Inventory>): S3EndpointRig {
  let server: Server;
  let port = 0;
  let harness: Harness;
  let catalog: IrCatalog;
  const fronts: Server[] = [];
  const pools: Pool[] = [];
  const rig: S3EndpointRig = {
    received: [],
    decided: [],
    summary: () => rig.decided.map((d) => [(d.input['operation'] as { name: string } | undefined)?.name, (d.input['resource'] as { id?: string } | undefined)?.id]),
    async through(host) {
      const enforcer: DecidingEnforcer = {
        catalog: () => catalog,
        decide: (input, ctx) => {
          const d = harness.enforcer.decide(input, ctx);
          rig.decided.push({ input: input as Record<string, unknown>, decision: d });
          return d;
        },
      };
      const handle = createProxyHandler({ enforcer, inventories });
      const pool = new Pool(`http://${host}:${port}`, { connect: { lookup } });
      pools.push(pool);
      const upstream: Upstream = { api: 'aws-s3', origin: new URL(`http://${host}:${port}`), pool };
      const front = createServer((req, res) => void handle(req, res, upstream));
      fronts.push(front);
      await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    },
  };
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      req.resume();
      req.on('end', () => {
        rig.received.push({ method: req.method ?? '', url: req.url ?? '' });
        res.writeHead(200).end('<ok/>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${port}` }], { inventories });
    const base = catalogOfIr((await signedPolicies()).ir);
    catalog = { ...base, apis: base.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts: [...a.hosts, ...hosts] } : a)) };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    for (const f of fronts) {
      f.closeAllConnections();
      f.close();
    }
    await harness?.close();
    server?.closeAllConnections();
    server?.close();
  });
  return rig;
}
