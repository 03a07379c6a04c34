import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource, pull } from '../../src/distribute/index.js';
import { binary, removeDir, requirePresent, signedBundles, tempDir, IN_CI, type SignedBundles } from './fixtures.js';

/** TLS stays verified: a private CA is trusted only when configured, and the host name must match. */
const openssl = binary('/usr/bin/openssl', 'openssl');
const run = promisify(execFile);

describe.skipIf(openssl.skip)('http source over https with a private ca', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let ca: string;
  let bundles: SignedBundles;
  const seen: { path: string | undefined; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    if (IN_CI) requirePresent(openssl, 'openssl');
    bundles = await signedBundles();
    dir = await tempDir('tls');
    const at = (f: string): string => path.join(dir, f);
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await run(openssl.path, ['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '1', '-subj', '/CN=blastguard test ca']);
    await run(openssl.path, ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1']);
    await writeFile(at('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    await run(openssl.path, ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '1', '-extfile', at('san.cnf')]);
    ca = await readFile(at('ca.pem'), 'utf8');
    server = createServer({ key: await readFile(at('server.key')), cert: await readFile(at('server.pem')) }, (req, res) => {
      seen.push({ path: req.url, authorization: req.headers.authorization });
      if (req.url === '/downgrade') {
        res.writeHead(302, { location: 'http://127.0.0.1:1/bundle' });
        res.end();
        return;
      }
      if (req.headers.authorization !== 'Bearer tls-token') {
        res.writeHead(401);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', etag: '"v1"' });
      res.end(bundles.raw);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/blastguard`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    await removeDir(dir);
  });

  it('refuses a certificate from an untrusted ca', async () => {
    const update = await new HttpSource({ url, retries: 0, timeoutSeconds: 5, credentials: { bearer: { token: 'tls-token' } } }).check();
    expect(update.error?.code).toBe('BG510');
    expect(update.error?.help).toMatch(/ca certificate/);
  });

  it('trusts the configured ca, sends the credentials and verifies the bundle', async () => {
    const result = await pull(new HttpSource({ url, caCert: ca, timeoutSeconds: 5, credentials: { bearer: { token: 'tls-token' } } }), { verification: bundles.verification });
    expect(result.revision).toBe('r1');
    expect(result.etag).toBe('"v1"');
    expect(seen.at(-1)?.authorization).toBe('Bearer tls-token');
  });

  it('refuses a redirect from https to http', async () => {
    const update = await new HttpSource({ url: url.replace('/bundles/blastguard', '/downgrade'), caCert: ca, timeoutSeconds: 5 }).check();
    expect(update.error?.code).toBe('BG514');
  });
});
