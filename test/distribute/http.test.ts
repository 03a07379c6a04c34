import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_MEDIA_TYPE, HttpSource, HTTPError, openPersisted, pull, sourceForLocation, type Update } from '../../src/distribute/index.js';
import { codeOf } from '../bundle/fixtures.js';
import { removeDir, signedBundles, tempDir, type SignedBundles } from './fixtures.js';
import { serveBundle, startServer, type TestServer } from './server.js';

let bundles: SignedBundles;
let server: TestServer;
let other: TestServer;
let persistDir: string;

beforeAll(async () => {
  bundles = await signedBundles();
  server = await startServer();
  other = await startServer();
  persistDir = await tempDir('persist');
});

afterAll(async () => {
  await server.close();
  await other.close();
  await removeDir(persistDir);
});

afterEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
});

const fast = { polling: { minDelaySeconds: 0.05, maxDelaySeconds: 0.1 }, timeoutSeconds: 5 };

describe('http source against a node bundle server', () => {
  it('downloads, then sends If-None-Match and takes 304 as unchanged', async () => {
    server.handle(serveBundle(() => bundles.raw));
    const source = new HttpSource({ url: server.url, ...fast });
    const first = await source.check();
    expect(first.error).toBeUndefined();
    expect(Buffer.from(first.raw!)).toEqual(Buffer.from(bundles.raw));
    expect(first.size).toBe(bundles.raw.byteLength);
    expect(first.bundle).toBeUndefined();
    const second = await source.check();
    expect(second).toEqual({ etag: first.etag, size: 0 });
    expect(server.requests[1]!.headers['if-none-match']).toBe(first.etag);
    expect(server.requests[0]!.headers['accept']).toContain(BUNDLE_MEDIA_TYPE);
  });

  it('pulls: verifies with the configured key and persists the exact bytes', async () => {
    server.handle(serveBundle(() => bundles.raw));
    const result = await pull(new HttpSource({ url: server.url, ...fast }), { verification: bundles.verification, persistDir });
    expect(result.revision).toBe('r1');
    expect(result.verification?.keyId).toBe('default');
    expect(result.persisted).toBe(path.join(persistDir, 'bundles', 'blastguard', 'bundle.tar.gz'));
    expect((await readdir(path.dirname(result.persisted!))).sort()).toEqual(['bundle.json', 'bundle.tar.gz']);
    const again = await openPersisted(persistDir, { verification: bundles.verification });
    expect(again?.revision).toBe('r1');
    expect(again?.etag).toBe(result.etag);
    expect(again?.digest).toBe(result.digest);
  });

  it('retries 500s and succeeds', async () => {
    let calls = 0;
    const ok = serveBundle(() => bundles.raw);
    server.handle((req, res) => {
      if (++calls <= 2) {
        res.writeHead(500);
        res.end('boom');
        return;
      }
      ok(req, res);
    });
    const update = await new HttpSource({ url: server.url, ...fast }).check();
    expect(update.error).toBeUndefined();
    expect(calls).toBe(3);
  });

  it('gives up on a server that keeps failing, with the status', async () => {
    server.handle((_req, res) => {
      res.writeHead(503, { 'retry-after': '0' });
      res.end();
    });
    const update = await new HttpSource({ url: server.url, ...fast, retries: 1 }).check();
    expect(update.error).toBeInstanceOf(HTTPError);
    expect((update.error as HTTPError).status).toBe(503);
    expect(update.error?.code).toBe('BG512');
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 404', async () => {
    server.handle((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    expect((await new HttpSource({ url: server.url, ...fast }).check()).error?.code).toBe('BG512');
    expect(server.requests).toHaveLength(1);
  });

  it('times out on a slow body', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': bundles.raw.byteLength });
      res.write(bundles.raw.subarray(0, 100));
    });
    const update = await new HttpSource({ url: server.url, ...fast, timeoutSeconds: 0.3, retries: 0 }).check();
    expect(update.error?.code).toBe('BG511');
  });

  it('reports a truncated body', async () => {
    server.handle((req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': bundles.raw.byteLength });
      res.write(bundles.raw.subarray(0, 100), () => req.socket.destroy());
    });
    const update = await new HttpSource({ url: server.url, ...fast, retries: 1 }).check();
    expect(update.error?.code).toBe('BG516');
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a wrong content type and an empty body', async () => {
    server.handle(serveBundle(() => bundles.raw, { contentType: 'text/html; charset=utf-8' }));
    expect((await new HttpSource({ url: server.url, ...fast }).check()).error?.code).toBe('BG517');
    server.handle(serveBundle(() => new Uint8Array(0)));
    expect((await new HttpSource({ url: server.url, ...fast }).check()).error?.code).toBe('BG518');
  });

  it('refuses a bundle over the size limit', async () => {
    server.handle(serveBundle(() => bundles.raw));
    expect((await new HttpSource({ url: server.url, ...fast, maxBundleBytes: 1000 }).check()).error?.code).toBe('BG515');
  });

  it('never persists a bundle signed by another key, or with a swapped signature', async () => {
    const dir = await tempDir('persist-bad');
    try {
      for (const [bytes, code] of [
        [bundles.otherKey, 'BG309'],
        [bundles.swapped, 'BG313'],
      ] as const) {
        server.handle(serveBundle(() => bytes));
        expect(await codeOf(() => pull(new HttpSource({ url: server.url, ...fast }), { verification: bundles.verification, persistDir: dir }))).toBe(code);
      }
      expect(await readdir(dir)).toEqual([]);
      expect(await openPersisted(dir, { verification: bundles.verification })).toBeNull();
    } finally {
      await removeDir(dir);
    }
  });

  it('refuses to pull without verification unless told to skip it', async () => {
    server.handle(serveBundle(() => bundles.otherKey));
    const source = new HttpSource({ url: server.url, ...fast });
    expect(await codeOf(() => pull(source, {} as never))).toBe('BG300');
    const unverified = await pull(source, { skipVerification: true });
    expect(unverified.verification).toBeNull();
    expect(await codeOf(() => pull(source, { verification: bundles.verification, skipVerification: true } as never))).toBe('BG500');
  });

  it('sends bearer and basic credentials; without them the server says 401', async () => {
    const expected = { bearer: 'Bearer s3cret', basic: `Basic ${Buffer.from('ci:pa:ss').toString('base64')}` };
    for (const [kind, header] of Object.entries(expected)) {
      server.handle((req, res) => {
        if (req.headers.authorization !== header) {
          res.writeHead(401, { 'www-authenticate': kind === 'basic' ? 'Basic realm="bundles"' : 'Bearer' });
          res.end();
          return;
        }
        serveBundle(() => bundles.raw)(req, res);
      });
      const anonymous = await new HttpSource({ url: server.url, ...fast }).check();
      expect(anonymous.error?.code).toBe('BG519');
      expect((anonymous.error as HTTPError).status).toBe(401);
      const credentials = kind === 'bearer' ? { bearer: { token: 's3cret' } } : { basic: { username: 'ci', password: 'pa:ss' } };
      expect((await new HttpSource({ url: server.url, ...fast, credentials }).check()).error).toBeUndefined();
    }
  });

  it('strips credentials on a redirect to another origin, keeps them on the same origin', async () => {
    other.handle(serveBundle(() => bundles.raw));
    server.handle((req, res) => {
      if (req.url === '/bundles/blastguard') {
        res.writeHead(302, { location: '/moved' });
      } else {
        res.writeHead(307, { location: `${other.origin}/cdn/bundle.tar.gz` });
      }
      res.end();
    });
    const update = await new HttpSource({ url: server.url, ...fast, credentials: { bearer: { token: 's3cret' } } }).check();
    expect(update.error).toBeUndefined();
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/bundles/blastguard', 'Bearer s3cret'],
      ['/moved', 'Bearer s3cret'],
    ]);
    expect(other.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/cdn/bundle.tar.gz', undefined]]);
  });

  it('stops a redirect loop', async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { location: '/bundles/blastguard' });
      res.end();
    });
    expect((await new HttpSource({ url: server.url, ...fast }).check()).error?.code).toBe('BG513');
    expect(server.requests).toHaveLength(11);
  });

  it('long-polls: the held request delivers the next revision without waiting for the poll delay', async () => {
    let current = bundles.raw;
    const waiting: (() => void)[] = [];
    const serve = serveBundle(() => current, { contentType: BUNDLE_MEDIA_TYPE });
    server.handle((req, res) => {
      const unchanged = req.headers['if-none-match'] !== undefined;
      if (!unchanged) {
        serve(req, res);
        return;
      }
      const wait = Number(/wait=(\d+)/.exec(String(req.headers['prefer']))?.[1] ?? 0) * 1000;
      const timer = setTimeout(() => serve(req, res), wait);
      waiting.push(() => {
        clearTimeout(timer);
        serve(req, res);
      });
    });
    const source = new HttpSource({ url: server.url, timeoutSeconds: 5, polling: { minDelaySeconds: 60, maxDelaySeconds: 120, longPollingTimeoutSeconds: 30 } });
    const updates: Update[] = [];
    const second = new Promise<void>((resolve) => {
      source.start((u) => {
        updates.push(u);
        if (updates.length === 1) {
          setTimeout(() => {
            current = bundles.raw2;
            waiting.shift()?.();
          }, 200);
        }
        if (updates.length === 2) resolve();
      });
    });
    const started = Date.now();
    await second;
    await source.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(updates.map((u) => u.error?.code)).toEqual([undefined, undefined]);
    expect(Buffer.from(updates[1]!.raw!)).toEqual(Buffer.from(bundles.raw2));
    expect(server.requests[1]!.headers['prefer']).toBe('modes=snapshot;wait=30');
  });

  it('polls periodically and backs off after errors', async () => {
    let calls = 0;
    server.handle((req, res) => {
      calls++;
      if (calls === 2) {
        res.writeHead(404);
        res.end();
        return;
      }
      serveBundle(() => (calls < 3 ? bundles.raw : bundles.raw2))(req, res);
    });
    const source = new HttpSource({ url: server.url, ...fast, retries: 0 });
    const updates: Update[] = [];
    await new Promise<void>((resolve) => {
      source.start((u) => {
        updates.push(u);
        if (updates.length === 3) resolve();
      });
    });
    await source.stop();
    expect(updates.map((u) => (u.error !== undefined ? u.error.code : u.raw === undefined ? 'unchanged' : 'bundle'))).toEqual(['bundle', 'BG512', 'bundle']);
    expect(Buffer.from(updates[2]!.raw!)).toEqual(Buffer.from(bundles.raw2));
  });
});

describe('http source configuration', () => {
  it('names the field at fault', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{}, 'BG500', /`source\.url` is required/],
      [{ url: 'https://b.example/x', polling: { minDelaySeconds: 10, maxDelaySeconds: 5 } }, 'BG500', /`source\.polling\.minDelaySeconds`/],
      [{ url: 'https://b.example/x', polling: { maxDelaySecond: 5 } }, 'BG500', /`source\.polling\.maxDelaySecond` is not a known option/],
      [{ url: 'https://b.example/x', polling: { longPollingTimeoutSeconds: 0 } }, 'BG500', /`source\.polling\.longPollingTimeoutSeconds` must be at least 1/],
      [{ url: 'https://b.example/x', credentials: { bearer: {} } }, 'BG500', /`source\.credentials\.bearer\.token` is required/],
      [{ url: 'https://b.example/x', credentials: { bearer: { token: 't' }, basic: { username: 'u', password: 'p' } } }, 'BG500', /both/],
      [{ url: 'https://b.example/x', headers: { Authorization: 'x' } }, 'BG500', /`source\.headers\.Authorization`/],
      [{ url: 'https://b.example/x', headers: null }, 'BG500', /`source\.headers` must be an object/],
      [{ url: 'https://b.example/x', headers: { 'x-team': 3 } }, 'BG500', /`source\.headers\.x-team` must be a string/],
      [{ url: 'https://b.example/x', caCert: 'not pem' }, 'BG500', /`source\.caCert`/],
      [{ url: 'https://b.example/x', timeoutSeconds: 'soon' }, 'BG500', /`source\.timeoutSeconds` must be a number/],
      [{ url: 'http://b.example/x' }, 'BG503', /not loopback/],
      [{ url: 'https://u:p@b.example/x' }, 'BG501', /embeds credentials/],
      [{ url: 'ftp://b.example/x' }, 'BG501', /scheme/],
    ];
    for (const [config, code, message] of cases) {
      let caught: unknown;
      try {
        new HttpSource(config as never);
      } catch (e) {
        caught = e;
      }
      expect((caught as { code?: string }).code, JSON.stringify(config)).toBe(code);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it('picks the source kind from the location', () => {
    expect(sourceForLocation('https://b.example/bundles/x').kind).toBe('http');
    expect(sourceForLocation('oci://r.example/org/policy:v1').kind).toBe('oci');
    expect(sourceForLocation('./bundle.tar.gz').kind).toBe('file');
    expect(sourceForLocation('file:///tmp/bundle.tar.gz').location).toBe('/tmp/bundle.tar.gz');
    expect(() => sourceForLocation('s3://bucket/x')).toThrow(expect.objectContaining({ code: 'BG501' }));
    expect(() => sourceForLocation('./b.tar.gz', { credentials: { bearer: { token: 't' } } })).toThrow(expect.objectContaining({ code: 'BG500' }));
  });
});
