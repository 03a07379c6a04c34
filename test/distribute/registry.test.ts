import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_BUNDLE_LAYER,
  OCI_MANIFEST,
  OciSource,
  RegistryClient,
  Transport,
  openPersisted,
  parseOciReference,
  pull,
  pushOciBundle,
  pushOciIndex,
  sha256Digest,
} from '../../src/distribute/index.js';
import { codeOf } from '../bundle/fixtures.js';
import { startGateway } from './gateway.js';
import { binary, freePort, removeDir, requirePresent, signedBundles, startDaemon, tempDir, IN_CI, type Daemon, type SignedBundles } from './fixtures.js';

/** Debian's docker-registry (CNCF distribution 2.8): the registry API every hosted registry implements. */
const registry = binary('/usr/bin/docker-registry', 'docker-registry');

describe.skipIf(registry.skip)('oci push and pull against docker-registry', () => {
  let dir: string;
  let daemon: Daemon | undefined;
  let host: string;
  let bundles: SignedBundles;
  const at = (repoRef: string): string => `oci://${host}/${repoRef}`;
  const options = { plainHttp: true, timeoutSeconds: 10 };

  beforeAll(async () => {
    if (IN_CI) requirePresent(registry, 'docker-registry');
    bundles = await signedBundles();
    dir = await tempDir('registry');
    await mkdir(path.join(dir, 'data'));
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    await writeFile(
      path.join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${path.join(dir, 'data')}`,
        'http:',
        `  addr: 127.0.0.1:${port}`,
        `  secret: ${randomBytes(16).toString('hex')}`,
      ].join('\n'),
    );
    daemon = await startDaemon(registry.path, ['serve', path.join(dir, 'config.yml')], async () => (await fetch(`http://${host}/v2/`)).status === 200, 'docker-registry');
  });

  afterAll(async () => {
    await daemon?.stop();
    await removeDir(dir);
  });

  it('pushes a signed bundle with OPA media types, and pulls it back by tag and by digest', async () => {
    const pushed = await pushOciBundle(bundles.raw, { reference: at('policies/blastguard:v1'), ...options, annotations: { 'org.opencontainers.image.revision': 'r1' } });
    expect(pushed.layer).toMatchObject({ mediaType: OCI_BUNDLE_LAYER, digest: sha256Digest(bundles.raw), size: bundles.raw.byteLength });
    const manifest = (await (await fetch(`http://${host}/v2/policies/blastguard/manifests/v1`, { headers: { accept: OCI_MANIFEST } })).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2 }, layers: [{ mediaType: OCI_BUNDLE_LAYER }] });

    const byTag = await pull(new OciSource({ reference: at('policies/blastguard:v1'), ...options }), { verification: bundles.verification });
    expect(byTag.revision).toBe('r1');
    expect(byTag.etag).toBe(pushed.layer.digest.slice('sha256:'.length));
    const byDigest = await pull(new OciSource({ reference: pushed.reference, ...options }), { verification: bundles.verification });
    expect(byDigest.digest).toBe(pushed.layer.digest);
    expect(pushed.reference).toBe(at(`policies/blastguard@${pushed.digest}`));
  });

  it('uses the layer digest as the etag: an unchanged tag downloads nothing, a re-pushed tag is an update', async () => {
    await pushOciBundle(bundles.raw, { reference: at('policies/moving:stable'), ...options });
    const source = new OciSource({ reference: at('policies/moving:stable'), ...options });
    const first = await source.check();
    expect(first.error).toBeUndefined();
    expect(await source.check()).toEqual({ etag: first.etag, size: 0 });
    await pushOciBundle(bundles.raw2, { reference: at('policies/moving:stable'), ...options });
    const third = await source.check();
    expect(Buffer.from(third.raw!)).toEqual(Buffer.from(bundles.raw2));
    expect(third.etag).toBe(sha256Digest(bundles.raw2).slice(7));
  });

  it('descends into an image index that points at the bundle manifest', async () => {
    const pushed = await pushOciBundle(bundles.raw, { reference: at('policies/indexed:manifest'), ...options });
    const index = await pushOciIndex([pushed], { reference: at('policies/indexed:v1'), ...options });
    const persistDir = await tempDir('oci-persist');
    try {
      const result = await pull(new OciSource({ reference: at('policies/indexed:v1'), ...options }), { verification: bundles.verification, persistDir });
      expect(result.revision).toBe('r1');
      expect((await openPersisted(persistDir, { verification: bundles.verification }))?.digest).toBe(result.digest);
      const byIndexDigest = await new OciSource({ reference: index.reference, ...options }).check();
      expect(byIndexDigest.error).toBeUndefined();
    } finally {
      await removeDir(persistDir);
    }
  });

  it('refuses a tampered bundle, a manifest without a bundle layer, and unknown references', async () => {
    await pushOciBundle(bundles.otherKey, { reference: at('policies/evil:v1'), ...options });
    expect(await codeOf(() => pull(new OciSource({ reference: at('policies/evil:v1'), ...options }), { verification: bundles.verification }))).toBe('BG309');

    const client = new RegistryClient(parseOciReference(at('policies/odd:v1')), { plainHttp: true, transport: new Transport() });
    const config = await client.pushBlob(Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
    const layer = await client.pushBlob(bundles.raw, 'application/vnd.oci.image.layer.v1.tar');
    await client.putManifest('v1', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] })), OCI_MANIFEST);
    expect((await new OciSource({ reference: at('policies/odd:v1'), ...options }).check()).error?.code).toBe('BG531');

    const missing = await new OciSource({ reference: at(`policies/blastguard@sha256:${'0'.repeat(64)}`), ...options }).check();
    expect(missing.error?.code).toBe('BG512');
    expect((await new OciSource({ reference: at('nobody/here:v1'), ...options }).check()).error?.code).toBe('BG512');
  });
  it('answers bearer token challenges (basic credentials for push, anonymous pull) and never sends the token to blob storage', async () => {
    const gateway = await startGateway(`http://${host}`, { basic: { username: 'ci', password: 'hunter2' }, anonymousPull: true });
    try {
      const ref = `oci://${gateway.host}/secure/policy:v1`;
      expect(await codeOf(() => pushOciBundle(bundles.raw, { reference: ref, ...options }))).toBe('BG519');
      const pushed = await pushOciBundle(bundles.raw, { reference: ref, ...options, credentials: { basic: { username: 'ci', password: 'hunter2' } } });
      expect(gateway.tokenRequests.at(-1)).toEqual({ scope: 'repository:secure/policy:pull,push', authorization: `Basic ${Buffer.from('ci:hunter2').toString('base64')}` });
      const pulled = await pull(new OciSource({ reference: ref, ...options }), { verification: bundles.verification });
      expect(pulled.digest).toBe(pushed.layer.digest);
      expect(gateway.tokenRequests.at(-1)).toEqual({ scope: 'repository:secure/policy:pull', authorization: undefined });
      expect(gateway.storageAuthorizations).toEqual([undefined]);
      const withCredentials = await new OciSource({ reference: ref, ...options, credentials: { basic: { username: 'ci', password: 'wrong' } } }).check();
      expect(withCredentials.error?.code).toBe('BG519');
    } finally {
      await gateway.close();
    }
  });
  it('answers a basic challenge with basic credentials', async () => {
    const basic = { username: 'ci', password: 'hunter2' };
    const gateway = await startGateway(`http://${host}`, { basic, scheme: 'basic' });
    try {
      const ref = `oci://${gateway.host}/basic/policy:v1`;
      expect(await codeOf(() => pushOciBundle(bundles.raw, { reference: ref, ...options }))).toBe('BG519');
      await pushOciBundle(bundles.raw, { reference: ref, ...options, credentials: { basic } });
      expect((await new OciSource({ reference: ref, ...options }).check()).error?.code).toBe('BG519');
      const pulled = await pull(new OciSource({ reference: ref, ...options, credentials: { basic } }), { verification: bundles.verification });
      expect(pulled.revision).toBe('r1');
    } finally {
      await gateway.close();
    }
  });
});

describe('oci references', () => {
  it('parses tags and digests and refuses the rest', () => {
    expect(parseOciReference('oci://127.0.0.1:5000/org/policy:v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'org/policy', tag: 'v1', digest: undefined });
    expect(parseOciReference('oci://ghcr.io/org/policy')).toMatchObject({ tag: 'latest' });
    expect(parseOciReference(`oci://ghcr.io/org/policy@sha256:${'a'.repeat(64)}`)).toMatchObject({ tag: undefined, digest: `sha256:${'a'.repeat(64)}` });
    for (const bad of ['ghcr.io/org/p:v1', 'oci://ghcr.io', 'oci://ghcr.io/Org/p', 'oci://ghcr.io/org/p:-v', 'oci://ghcr.io/org/p@sha256:abc', 'oci://gh cr.io/p']) {
      expect(() => parseOciReference(bad), bad).toThrow(expect.objectContaining({ code: 'BG502' }));
    }
  });

  it('refuses plain http to a registry that is not loopback', () => {
    expect(() => new OciSource({ reference: 'oci://registry.example/org/p:v1', plainHttp: true })).toThrow(expect.objectContaining({ code: 'BG503' }));
  });
});
