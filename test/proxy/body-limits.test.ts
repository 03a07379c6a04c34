// Body limits (review of 3bb7baa, legitimate traffic item 3): `--max-body-bytes` had no effect above
// 1 MiB (extraction re-read the canonical request with the default), an upload past the limit was
// answered 403 with the input error BG405 instead of 413 with the proxy's limit code BG700, and S3
// object data, which the proxy never parses, counted against the bound on what it parses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

const GITHUB_TOKEN = 'fake-github-developer-gh-token';
const SIG = 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-content-sha256;x-amz-date, Signature=' + 'a'.repeat(64);
// Path-style: the loopback upstream reads the bucket from the path (a virtual-hosted Host would be BG733).
const S3 = { host: 's3.us-east-1.amazonaws.com', 'x-amz-date': '20261130T190000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: SIG, 'content-type': 'application/octet-stream' };

/** A GitHub contents PUT with `size` bytes of base64 content, as Octokit sends it. */
function contents(size: number): string {
  return JSON.stringify({ message: 'upload', content: Buffer.alloc(Math.ceil((size * 3) / 4), 7).toString('base64').slice(0, size) });
}

describe('request body limits', () => {
  let upstream: Server;
  const seen: { url: string; size: number }[] = [];
  const harnesses: Harness[] = [];
  let url = '';
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.byteLength));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', size });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const h of harnesses) await h.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });
  const proxy = async (limits?: { maxBodyBytes?: number; maxDataBytes?: number }): Promise<Harness> => {
    const h = await startProxy([{ api: 'github-rest', url }, { api: 'aws-s3', url }], limits === undefined ? {} : { limits });
    harnesses.push(h);
    return h;
  };
  const put = (h: Harness, body: string): ReturnType<typeof send> =>
    send(h.proxy.url, { method: 'PUT', path: '/repos/acme/web/contents/big.txt', headers: { host: 'api.github.com', authorization: `Bearer ${GITHUB_TOKEN}`, 'content-type': 'application/json' }, body });

  it('a 1.2 MB contents PUT passes once `maxBodyBytes` allows it', async () => {
    const h = await proxy({ maxBodyBytes: 4_000_000 });
    seen.length = 0;
    const body = contents(1_200_000);
    const res = await put(h, body);
    expect(res.status, res.text).toBe(200);
    expect(seen).toEqual([{ url: '/repos/acme/web/contents/big.txt', size: Buffer.byteLength(body) }]);
  }, 60_000);

  it('past the default limit the PUT is answered 413 with BG700, and nothing is forwarded', async () => {
    const h = await proxy();
    seen.length = 0;
    const res = await put(h, contents(1_200_000));
    expect(res.status, res.text).toBe(413);
    expect((res.json() as { error_code?: string }).error_code).toBe(EXTRACT_CODES.limitExceeded);
    expect(seen).toEqual([]);
    // The refusal was still decided (and logged) with the caller's token.
    expect(h.decided.at(-1)?.input['operation']).toBeUndefined();
    expect(h.decided.at(-1)?.input['token']).toBeDefined();
  }, 60_000);

  it('S3 object data of 3 MB is not bounded by the 1 MiB parsing limit', async () => {
    const h = await proxy();
    seen.length = 0;
    const res = await send(h.proxy.url, { method: 'PUT', path: '/acme-staging-assets/big.bin', headers: S3, body: Buffer.alloc(3_000_000, 1) });
    expect(res.status, res.text).toBe(200);
    expect(seen).toEqual([{ url: '/acme-staging-assets/big.bin', size: 3_000_000 }]);
  }, 60_000);

  it('S3 object data past `maxDataBytes` is answered 413 with BG700', async () => {
    const h = await proxy({ maxDataBytes: 2_000_000 });
    seen.length = 0;
    const res = await send(h.proxy.url, { method: 'PUT', path: '/acme-staging-assets/big.bin', headers: S3, body: Buffer.alloc(3_000_000, 1) });
    expect(res.status, res.text).toBe(413);
    expect((res.json() as { error_code?: string }).error_code).toBe(EXTRACT_CODES.limitExceeded);
    expect(seen).toEqual([]);
  }, 60_000);
});
