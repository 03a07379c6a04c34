// Regressions for transport faults an adversarial review confirmed: redirects that broke the
// transport rules (plain http beyond loopback, configured headers sent to another origin) and a
// compressed response always reported as truncated. Real servers on loopback; the one redirect
// to a host beyond loopback goes to an injected fetch that answers itself (nothing leaves loopback).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { binary, removeDir, requirePresent, signedBundles, startNginx, tempDir, IN_CI, type Daemon, type SignedBundles } from './fixtures.js';

let bundles: SignedBundles;
beforeAll(async () => {
  bundles = await signedBundles();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('redirects keep the transport rules', () => {
  it('refuses a redirect to plain http beyond loopback (BG503), as configuring it would be', async () => {
    const hops: string[] = [];
    const fetch = async (input: string): Promise<Response> => {
      hops.push(input);
      if (input.startsWith('http://127.0.0.1')) return new Response(null, { status: 302, headers: { location: 'http://bundles.example.net/b.tar.gz' } });
      return new Response(bundles.raw, { status: 200, headers: { 'content-type': 'application/gzip' } });
    };
    const update = await new HttpSource({ url: 'http://127.0.0.1:9/b', retries: 0, fetch }).check();
    expect(update.error?.code).toBe('BG503');
    expect(hops).toEqual(['http://127.0.0.1:9/b']);
    expect(() => new HttpSource({ url: 'http://bundles.example.net/b.tar.gz' })).toThrow(expect.objectContaining({ code: 'BG503' }));
  });

  it('sends configured headers and credentials only to the configured origin', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(bundles.raw);
    });
    const otherPort = await listen(other);
    // `localhost` and `127.0.0.1` are different origins.
    const origin = createServer((_req, res) => {
      res.writeHead(302, { location: `http://localhost:${otherPort}/cdn/bundle.tar.gz` });
      res.end();
    });
    const port = await listen(origin);
    try {
      const source = new HttpSource({ url: `http://127.0.0.1:${port}/bundles/b`, retries: 0, headers: { 'X-Api-Key': 'SECRET-API-KEY', Cookie: 'session=SECRET-COOKIE' }, credentials: { bearer: { token: 'SECRET-BEARER' } } });
      const update = await source.check();
      expect(update.error).toBeUndefined();
      expect(Buffer.from(update.raw!)).toEqual(Buffer.from(bundles.raw));
      expect(seen).toHaveLength(1);
      expect(seen[0]!['x-api-key']).toBeUndefined();
      expect(seen[0]!['cookie']).toBeUndefined();
      expect(seen[0]!['authorization']).toBeUndefined();
      // Protocol headers go on: the target still sees what is asked for.
      expect(seen[0]!['accept']).toContain('application/gzip');
    } finally {
      await stop(origin);
      await stop(other);
    }
  });
});

describe('compressed responses', () => {
  it('asks for identity, and reads a body the server gzip-encodes anyway, with or without Content-Length', async () => {
    let withLength = true;
    const acceptEncodings: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      acceptEncodings.push(req.headers['accept-encoding']);
      const body = gzipSync(bundles.raw);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', ...(withLength ? { 'content-length': body.length } : {}) });
      res.end(body);
    });
    const port = await listen(server);
    try {
      for (const length of [true, false]) {
        withLength = length;
        const update = await new HttpSource({ url: `http://127.0.0.1:${port}/b`, retries: 0 }).check();
        expect(update.error).toBeUndefined();
        expect(Buffer.from(update.raw!)).toEqual(Buffer.from(bundles.raw));
      }
      expect(acceptEncodings).toEqual(['identity', 'identity']);
    } finally {
      await stop(server);
    }
  });

  it('still reports a body shorter than its Content-Length as truncated (BG516)', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bundles.raw.byteLength });
      res.write(bundles.raw.slice(0, 100));
      setTimeout(() => res.destroy(), 20);
    });
    const port = await listen(server);
    try {
      const update = await new HttpSource({ url: `http://127.0.0.1:${port}/b`, retries: 0 }).check();
      expect(update.error?.code).toBe('BG516');
    } finally {
      await stop(server);
    }
  });
});

const nginx = binary('/usr/sbin/nginx', 'nginx-light');

describe.skipIf(nginx.skip)('nginx with gzip on for bundle types', () => {
  let dir: string;
  let daemon: Daemon | undefined;
  let url: string;

  beforeAll(async () => {
    if (IN_CI) requirePresent(nginx, 'nginx-light');
    dir = await tempDir('nginx-gzip');
    await mkdir(path.join(dir, 'www', 'bundles'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(dir, 'www', 'bundles', 'blastguard.tar.gz'), bundles.raw, { mode: 0o644 });
    ({ daemon, url } = await startNginx(nginx.path, dir, '/bundles/blastguard.tar.gz', { bundleType: false, gzip: true }));
  });
  afterAll(async () => {
    await daemon?.stop();
    await removeDir(dir);
  });

  it('downloads the exact bytes (nginx would gzip them for a client that accepts gzip)', async () => {
    const compressed = await globalThis.fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    await compressed.body?.cancel();
    const update = await new HttpSource({ url, retries: 0, timeoutSeconds: 5 }).check();
    expect(update.error).toBeUndefined();
    expect(Buffer.from(update.raw!)).toEqual(Buffer.from(bundles.raw));
  });
});
