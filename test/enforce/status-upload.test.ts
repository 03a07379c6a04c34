// Status upload (OPA's status plugin) to a status service on loopback: the document after every
// check of the source (activation, a refused bundle, a failed download), OPA's field names, the
// service's errors counted and never in the way of a check or a decision.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer, type EnforcerOptions, type StatusDocument } from '../../src/enforce/index.js';
import { codeOf } from '../bundle/fixtures.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

interface StatusService {
  url: string;
  posts: { path: string | undefined; type: string | undefined; authorization: string | undefined; body: StatusDocument }[];
  failing: boolean;
  close(): Promise<void>;
}

async function startStatusService(): Promise<StatusService> {
  const s = { posts: [], failing: false } as unknown as StatusService;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (s.failing) {
        res.writeHead(503);
        res.end();
        return;
      }
      s.posts.push({ path: req.url, type: req.headers['content-type'], authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusDocument });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return s;
}

let f: EnforceFixtures;
let service: StatusService;
let dir: string;
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  service = await startStatusService();
  dir = await tempDir('status-upload');
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
  service.posts.length = 0;
  service.failing = false;
});
afterAll(async () => {
  await service?.close();
  await removeDir(dir);
});

async function serveFile(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(`${file}.next`, bytes);
  await rename(`${file}.next`, file);
  return file;
}

function enforcer(file: string, options: Partial<EnforcerOptions> = {}): Enforcer {
  const e = createEnforcer({ source: new FileSource({ path: file }), verification: f.verification, poll: false, labels: { id: 'proxy-1', version: 'test' }, ...options });
  open.push(e);
  return e;
}

describe('status upload', () => {
  it('POSTs OPA\'s status document after every check: activation, a refused bundle, a missing source', async () => {
    const file = await serveFile('a.tar.gz', await f.bundle('s1', 1));
    const e = enforcer(file, { statusUpload: { url: service.url, credentials: { bearer: { token: 'status-token' } } } });
    expect(await e.refresh()).toBe('activated');
    await e.flushStatus();
    const activated = service.posts.at(-1)!;
    expect(activated).toMatchObject({ path: '/status', type: 'application/json', authorization: 'Bearer status-token' });
    expect(activated.body.labels).toEqual({ id: 'proxy-1', version: 'test' });
    expect(activated.body.bundles['blastguard']).toMatchObject({ name: 'blastguard', active_revision: 's1', last_successful_activation: expect.stringMatching(/^20/) });
    expect(activated.body.bundles['blastguard']).not.toHaveProperty('code');
    expect(activated.body.plugins['bundle']).toEqual({ state: 'OK' });
    expect(activated.body.blastguard).toMatchObject({ active_revision: 's1', ready: true, verification: { enabled: true } });

    await serveFile('a.tar.gz', await f.bundle('s0', 0));
    expect(await e.refresh()).toBe('failed');
    await e.flushStatus();
    const refused = service.posts.at(-1)!.body.bundles['blastguard']!;
    expect(refused).toMatchObject({ active_revision: 's1', code: 'BG612' });
    expect(refused.errors).toEqual([refused.message]);

    await serveFile('a.tar.gz', await f.bundle('s2', 2));
    expect(await e.refresh()).toBe('activated');
    await e.flushStatus();
    expect(service.posts.at(-1)!.body.bundles['blastguard']).toMatchObject({ active_revision: 's2' });
    expect(service.posts.at(-1)!.body.bundles['blastguard']).not.toHaveProperty('code');
    expect(e.status().status_upload).toMatchObject({ failures: 0, last_error: null });
    expect(e.status().status_upload!.uploaded).toBe(service.posts.length);
  });

  it('reports NOT_READY before a bundle is active, to `/status/<partition>` when given', async () => {
    const e = enforcer(path.join(dir, 'absent.tar.gz'), { statusUpload: { url: service.url, resource: '/status/edge' } });
    expect(await e.refresh()).toBe('failed');
    await e.flushStatus();
    const last = service.posts.at(-1)!;
    expect(last.path).toBe('/status/edge');
    expect(last.body.plugins['bundle']).toEqual({ state: 'NOT_READY' });
    expect(last.body.bundles['blastguard']).toMatchObject({ active_revision: '', last_successful_activation: '0001-01-01T00:00:00Z', code: 'BG615' });
  });

  it('counts a failing status service and keeps checking and deciding', async () => {
    service.failing = true;
    const file = await serveFile('b.tar.gz', await f.bundle('s1', 1));
    const e = enforcer(file, { statusUpload: { url: service.url, retries: 0 } });
    expect(await e.refresh()).toBe('activated');
    expect(e.decide(f.inputs.allow).allow).toBe(true);
    await e.flushStatus();
    expect(e.status().status_upload).toMatchObject({ uploaded: 0, failures: expect.any(Number), last_error: { code: 'BG653' } });
    expect(e.status().ready).toBe(true);
    service.failing = false;
    expect(await e.refresh()).toBe('unchanged');
    await e.flushStatus();
    expect(service.posts.length).toBeGreaterThan(0);
  });

  it('refuses a status url that is not http(s), or plain http off loopback', async () => {
    const file = path.join(dir, 'x.tar.gz');
    expect(await codeOf(() => enforcer(file, { statusUpload: { url: 'ftp://127.0.0.1/' } }))).toBe('BG600');
    expect(await codeOf(() => enforcer(file, { statusUpload: { url: 'http://status.example.com' } }))).toMatch(/^BG5/);
  });
});
