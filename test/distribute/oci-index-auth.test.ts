// A fake OCI registry on loopback: an index whose first entry is an attestation (`docker buildx
// --provenance`) or another artifact resolves to the bundle's manifest; a 401 carrying two
// challenges (fetch joins repeated WWW-Authenticate headers with ", ") is answered with Bearer.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciSource } from '../../src/distribute/index.js';
import { parseChallenges } from '../../src/distribute/oci-registry.js';
import { createEnforcer } from '../../src/enforce/index.js';
import { enforceFixtures, type EnforceFixtures } from '../enforce/fixtures.js';

const sha = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MAN = 'application/vnd.oci.image.manifest.v1+json';
const IDX = 'application/vnd.oci.image.index.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

let f: EnforceFixtures;
let server: Server;
let host: string;
const blobs = new Map<string, Buffer>();
const manifests = new Map<string, { type: string; body: Buffer }>();
let auth: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;

function putBlob(b: Uint8Array): { digest: string; size: number } {
  const digest = sha(b);
  blobs.set(digest, Buffer.from(b));
  return { digest, size: b.byteLength };
}
function putManifest(ref: string, type: string, doc: object): { digest: string; size: number } {
  const body = Buffer.from(JSON.stringify(doc));
  manifests.set(ref, { type, body });
  manifests.set(sha(body), { type, body });
  return { digest: sha(body), size: body.byteLength };
}
function imageManifest(tag: string, layers: { mediaType: string; bytes: Uint8Array }[]): { digest: string; size: number } {
  return putManifest(tag, MAN, { schemaVersion: 2, mediaType: MAN, config: { mediaType: CONFIG, ...putBlob(Buffer.from('{}')) }, layers: layers.map((l) => ({ mediaType: l.mediaType, ...putBlob(l.bytes) })) });
}

beforeAll(async () => {
  f = await enforceFixtures();
  server = createServer((req, res) => {
    if (auth !== undefined && !auth(req, res)) return;
    const m = /^\/v2\/([a-z0-9/]+)\/(manifests|blobs)\/(.+)$/.exec(req.url ?? '');
    const found = m === null ? undefined : m[2] === 'manifests' ? manifests.get(m[3]!) : undefined;
    const blob = m === null || m[2] !== 'blobs' ? undefined : blobs.get(m[3]!);
    if (found !== undefined) return void res.writeHead(200, { 'content-type': found.type, 'docker-content-digest': sha(found.body) }).end(found.body);
    if (blob !== undefined) return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.byteLength }).end(blob);
    res.writeHead(req.url === '/v2/' ? 200 : 404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const refresh = async (tag: string): Promise<{ outcome: string; code: string | undefined; revision: string | null }> => {
  const e = createEnforcer({ source: new OciSource({ reference: `oci://${host}/p/b:${tag}`, plainHttp: true, retries: 0 }), verification: f.verification, poll: false });
  const outcome = await e.refresh();
  const s = e.status();
  await e.close();
  return { outcome, code: s.last_error?.code ?? undefined, revision: s.active_revision };
};

describe('an image index', () => {
  it('skips an attestation listed first and resolves to the bundle', async () => {
    const bundle = imageManifest('bundle-only', [{ mediaType: LAYER, bytes: await f.bundle('idx1', 1) }]);
    const att = imageManifest('att', [{ mediaType: 'application/vnd.in-toto+json', bytes: Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}') }]);
    putManifest('multi', IDX, {
      schemaVersion: 2,
      mediaType: IDX,
      manifests: [
        { mediaType: MAN, ...att, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': bundle.digest } },
        { mediaType: MAN, ...bundle, platform: { architecture: 'amd64', os: 'linux' } },
      ],
    });
    expect(await refresh('multi')).toEqual({ outcome: 'activated', code: undefined, revision: 'idx1' });
  });

  it('tries the next manifest when the first has no bundle layer (an SBOM listed first)', async () => {
    const bundle = imageManifest('bundle-two', [{ mediaType: LAYER, bytes: await f.bundle('idx2', 2) }]);
    const sbom = imageManifest('sbom', [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{}') }]);
    putManifest('sbom-first', IDX, { schemaVersion: 2, mediaType: IDX, manifests: [{ mediaType: MAN, ...sbom }, { mediaType: MAN, ...bundle }] });
    expect(await refresh('sbom-first')).toEqual({ outcome: 'activated', code: undefined, revision: 'idx2' });
  });

  it('with no bundle in any manifest still fails with the bundle-layer code', async () => {
    const sbom = imageManifest('sbom-only', [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{"x":1}') }]);
    putManifest('no-bundle', IDX, { schemaVersion: 2, mediaType: IDX, manifests: [{ mediaType: MAN, ...sbom }] });
    const r = await refresh('no-bundle');
    expect(r.outcome).toBe('failed');
    expect(r.code).toBe('BG615');
  });
});

describe('a 401 with two challenges', () => {
  for (const order of ['bearer-first', 'basic-first'] as const) {
    it(`is answered with Bearer (${order})`, async () => {
      imageManifest('authed', [{ mediaType: LAYER, bytes: await f.bundle('auth1', 1) }]);
      let tokenRequests = 0;
      const bearer = `Bearer realm="http://${host}/token",service="reg"`;
      const basic = 'Basic realm="Registry Realm"';
      auth = (req, res) => {
        if (req.url?.startsWith('/token')) {
          tokenRequests++;
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t0k3n"}');
          return false;
        }
        if (req.headers.authorization === 'Bearer t0k3n') return true;
        res.writeHead(401, [['www-authenticate', order === 'bearer-first' ? bearer : basic], ['www-authenticate', order === 'bearer-first' ? basic : bearer]]).end();
        return false;
      };
      try {
        expect(await refresh('authed')).toEqual({ outcome: 'activated', code: undefined, revision: 'auth1' });
        expect(tokenRequests).toBeGreaterThan(0);
      } finally {
        auth = undefined;
      }
    });
  }

  it('parseChallenges splits at scheme boundaries and keeps each challenge its own parameters', () => {
    expect(parseChallenges('Bearer realm="https://r/token",service="reg", Basic realm="Registry Realm"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg' } },
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    expect(parseChallenges('Basic realm="x", Bearer realm="https://r/t,k",scope="repository:p/b:pull"')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://r/t,k', scope: 'repository:p/b:pull' } },
    ]);
    expect(parseChallenges('Basic')).toEqual([{ scheme: 'basic', params: {} }]);
    expect(parseChallenges('')).toEqual([]);
  });
});
