// `railway up` through the proxy (legit2 #8): the Railway CLI uploads the project as a gzip
// tarball with `POST https://backboard.railway.com/project/{projectId}/environment/{environmentId}/up?serviceId={serviceId}`
// (railwayapp/cli src/controllers/upload.rs: `Content-Type: application/gzip`, the CLI's token
// header), then follows the build over a `graphql-transport-ws` WebSocket on `/graphql/v2`. The
// upload is decided as `backboard.up` on the environment and forwarded byte for byte; the
// WebSocket upgrade is refused with its own code (BG781), in both proxy modes.
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS, RAILWAY_INVENTORY, startProxy, type Harness } from './support.js';
import { send } from './send.js';
import { startForwardRig, tunnel, type ForwardRig } from './forward/mode-rig.js';

const STAGING_TOKEN = 'fake-railway-staging-deploy-project-token';
const PRODUCTION_TOKEN = 'fake-railway-production-deploy-project-token';
const HOST = 'backboard.railway.com';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback backboard: records every request whole and answers the CLI's `UpResponse`. */
async function startBackboard(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ deploymentId: 'dep-1', url: 'https://x.up.railway.app', logsUrl: 'https://railway.com/logs', deploymentDomain: 'x.up.railway.app' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A tarball-like gzip body past the 1 MiB parsing bound: data is bounded by `--max-data-bytes` alone. */
const TARBALL = gzipSync(Buffer.concat([Buffer.from('./package.json\0'), randomBytes(1536 * 1024)]));

/** The request `upload_deploy_tarball` sends (headers the CLI's reqwest client sets, then the upload's own). */
function upRequest(environment: string, token: string): { path: string; headers: Record<string, string> } {
  return {
    path: `/project/${IDS.project}/environment/${environment}/up?serviceId=${IDS.service}`,
    headers: {
      host: HOST,
      'project-access-token': token,
      'x-source': 'railway-cli/4.11.0',
      'user-agent': 'railwayapp/4.11.0',
      accept: '*/*',
      'content-type': 'application/gzip',
      'content-length': String(TARBALL.byteLength),
    },
  };
}

const WEBSOCKET = {
  host: HOST,
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-protocol': 'graphql-transport-ws',
  'project-access-token': STAGING_TOKEN,
};

describe('railway up through the reverse proxy', () => {
  let backboard: Awaited<ReturnType<typeof startBackboard>>;
  let harness: Harness;
  beforeAll(async () => {
    backboard = await startBackboard();
    harness = await startProxy([{ api: 'railway', url: backboard.url }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await backboard?.close();
  });

  it('the staging deploy token uploads to staging: decided as `backboard.up` of the service in staging, forwarded byte for byte', async () => {
    backboard.seen.length = 0;
    harness.decided.length = 0;
    const up = upRequest(IDS.staging, STAGING_TOKEN);
    const res = await send(harness.proxy.url, { path: up.path, headers: up.headers, body: TARBALL });
    expect(res.status, res.text).toBe(200);
    expect((res.json() as { deploymentId: string }).deploymentId).toBe('dep-1');
    expect(harness.decided).toHaveLength(1);
    const [{ input, decision }] = harness.decided as [(typeof harness.decided)[number]];
    expect(input['operation']).toEqual({ name: 'backboard.up', type: 'mutation' });
    expect(input['resource']).toEqual({ kind: 'service', id: IDS.service, environment: 'staging', project: 'pocketos' });
    expect(decision.allow).toBe(true);
    expect(backboard.seen).toHaveLength(1);
    const [seen] = backboard.seen as [Seen];
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe(up.path);
    expect(seen.headers['content-type']).toBe('application/gzip');
    expect(seen.headers['content-encoding']).toBeUndefined();
    expect(seen.headers['project-access-token']).toBe(STAGING_TOKEN);
    expect(seen.body.equals(TARBALL)).toBe(true);
  });

  it('the staging deploy token may not upload to production: denied, nothing forwarded', async () => {
    backboard.seen.length = 0;
    harness.decided.length = 0;
    const up = upRequest(IDS.production, STAGING_TOKEN);
    const res = await send(harness.proxy.url, { path: up.path, headers: up.headers, body: TARBALL });
    expect(res.status, res.text).toBe(403);
    expect(harness.decided.map((d) => d.decision.allow)).toEqual([false]);
    expect(backboard.seen).toEqual([]);
  });

  it('a production upload follows the production deploy rules: without a verified originator it is denied by `production-deploys-need-verified-originator`', async () => {
    backboard.seen.length = 0;
    harness.decided.length = 0;
    const up = upRequest(IDS.production, PRODUCTION_TOKEN);
    const res = await send(harness.proxy.url, { path: up.path, headers: up.headers, body: TARBALL });
    expect(res.status, res.text).toBe(403);
    expect(res.text).toContain('production-deploys-need-verified-originator');
    expect(harness.decided.map((d) => d.decision.rule)).toEqual(['railway-identity/production-deploys-need-verified-originator']);
    expect(backboard.seen).toEqual([]);
  });

  it('an upload route with a JSON body is still data: never read for parameters', async () => {
    backboard.seen.length = 0;
    const up = upRequest(IDS.staging, STAGING_TOKEN);
    const body = '{"serviceId":"svc-other"}';
    const res = await send(harness.proxy.url, { path: up.path, headers: { ...up.headers, 'content-type': 'application/json', 'content-length': String(body.length) }, body });
    expect(res.status, res.text).toBe(200);
    expect(backboard.seen.map((s) => s.body.toString('utf8'))).toEqual([body]);
  });

  it('the build-log WebSocket upgrade is refused with its own code (501, BG781): nothing decided or forwarded', async () => {
    backboard.seen.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/graphql/v2', headers: WEBSOCKET });
    expect(res.status, res.text).toBe(501);
    expect((res.json() as { code: string }).code).toBe('BG781');
    expect(res.text).toContain('graphql-transport-ws');
    expect(harness.decided).toEqual([]);
    expect(backboard.seen).toEqual([]);
  });
});

/** One binary request over a fresh intercepted tunnel to `host`. */
async function throughTunnel(rig: ForwardRig, options: { method: string; path: string; headers: Record<string, string>; body?: Buffer }): Promise<{ status: number; body: string }> {
  const stream = await tunnel(rig, HOST);
  return new Promise((resolve, reject) => {
    const req = request({ createConnection: () => stream, path: options.path, method: options.method, headers: { connection: 'close', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        stream.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('railway up through the forward proxy (HTTPS_PROXY)', () => {
  let backboard: Awaited<ReturnType<typeof startBackboard>>;
  let rig: ForwardRig;
  beforeAll(async () => {
    backboard = await startBackboard();
    rig = await startForwardRig([{ api: 'railway', url: backboard.url }], new Map([['railway', RAILWAY_INVENTORY]]));
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    await backboard?.close();
  });

  it('the staging upload is allowed and forwarded byte for byte; production is denied', async () => {
    const staging = upRequest(IDS.staging, STAGING_TOKEN);
    const ok = await throughTunnel(rig, { method: 'POST', ...staging, body: TARBALL });
    expect(ok.status, ok.body).toBe(200);
    expect(backboard.seen).toHaveLength(1);
    expect(backboard.seen[0]!.url).toBe(staging.path);
    expect(backboard.seen[0]!.body.equals(TARBALL)).toBe(true);
    const production = upRequest(IDS.production, STAGING_TOKEN);
    const denied = await throughTunnel(rig, { method: 'POST', ...production, body: TARBALL });
    expect(denied.status, denied.body).toBe(403);
    expect(backboard.seen).toHaveLength(1);
    expect(rig.decided.map((d) => [(d.input['operation'] as { name: string }).name, d.decision.allow])).toEqual([
      ['backboard.up', true],
      ['backboard.up', false],
    ]);
  });

  it('the build-log WebSocket upgrade is refused with its own code (501, BG781)', async () => {
    const before = backboard.seen.length;
    const res = await throughTunnel(rig, { method: 'GET', path: '/graphql/v2', headers: WEBSOCKET });
    expect(res.status, res.body).toBe(501);
    expect((JSON.parse(res.body) as { code: string }).code).toBe('BG781');
    expect(backboard.seen.length).toBe(before);
  });
});
