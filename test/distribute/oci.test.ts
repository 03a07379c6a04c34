import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OCI_BUNDLE_LAYER, OCI_INDEX, OCI_MANIFEST, OciSource, type FetchLike } from '../../src/distribute/index.js';

/** Registry answers the real registry never gives (tampering, hostile nesting), through an injected fetch. */
const digest = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function fakeRegistry(objects: Map<string, { body: Uint8Array | string; type?: string; digestHeader?: string }>): FetchLike {
  return async (url) => {
    const ref = url.slice(url.lastIndexOf('/') + 1);
    const found = objects.get(ref);
    if (found === undefined) return new Response(null, { status: 404 });
    const headers: Record<string, string> = { 'content-type': found.type ?? 'application/octet-stream' };
    if (found.digestHeader !== undefined) headers['docker-content-digest'] = found.digestHeader;
    return new Response(typeof found.body === 'string' ? found.body : Buffer.from(found.body), { status: 200, headers });
  };
}

const blob = Buffer.from('not really a bundle');
const manifestFor = (layers: object[]): string => JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('{}'), size: 2 }, layers });
const layer = { mediaType: OCI_BUNDLE_LAYER, digest: digest(blob), size: blob.byteLength };

async function check(objects: Map<string, { body: Uint8Array | string; type?: string; digestHeader?: string }>, reference = 'oci://127.0.0.1:5000/org/p:v1'): Promise<string | undefined> {
  const update = await new OciSource({ reference, plainHttp: true, retries: 0, fetch: fakeRegistry(objects) }).check();
  return update.error?.code ?? (update.raw === undefined ? 'unchanged' : 'ok');
}

describe('oci pull integrity', () => {
  it('accepts content that matches its digests', async () => {
    expect(await check(new Map([['v1', { body: manifestFor([layer]), type: OCI_MANIFEST }], [layer.digest, { body: blob }]]))).toBe('ok');
  });

  it('refuses a blob that does not match its digest or size', async () => {
    const tampered = Buffer.from('not really a bundlE');
    expect(await check(new Map([['v1', { body: manifestFor([layer]), type: OCI_MANIFEST }], [layer.digest, { body: tampered }]]))).toBe('BG532');
    const longer = Buffer.concat([blob, Buffer.from('!')]);
    expect(await check(new Map([['v1', { body: manifestFor([layer]), type: OCI_MANIFEST }], [layer.digest, { body: longer }]]))).toBe('BG515');
  });

  it('refuses a manifest whose bytes differ from the digest the registry or the reference names', async () => {
    const manifest = manifestFor([layer]);
    expect(await check(new Map([['v1', { body: manifest, type: OCI_MANIFEST, digestHeader: digest('other') }], [layer.digest, { body: blob }]]))).toBe('BG532');
    const pinned = `oci://127.0.0.1:5000/org/p@${digest('other')}`;
    expect(await check(new Map([[digest('other'), { body: manifest, type: OCI_MANIFEST }]]), pinned)).toBe('BG532');
  });

  it('refuses manifests without a bundle layer, malformed ones, and indexes nested too deep', async () => {
    const tarOnly = { ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' };
    expect(await check(new Map([['v1', { body: manifestFor([tarOnly]), type: OCI_MANIFEST }]]))).toBe('BG531');
    expect(await check(new Map([['v1', { body: manifestFor([]), type: OCI_MANIFEST }]]))).toBe('BG531');
    expect(await check(new Map([['v1', { body: '{"schemaVersion": 2', type: OCI_MANIFEST }]]))).toBe('BG530');
    expect(await check(new Map([['v1', { body: manifestFor([{ ...layer, digest: 'md5:abc' }]), type: OCI_MANIFEST }]]))).toBe('BG530');
    const index = (target: string): string => JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_INDEX, digest: target, size: 1 }] });
    const i3 = index(digest('nowhere'));
    const i2 = index(digest(i3));
    const i1 = index(digest(i2));
    const nested = new Map([
      ['v1', { body: i1, type: OCI_INDEX }],
      [digest(i2), { body: i2, type: OCI_INDEX }],
      [digest(i3), { body: i3, type: OCI_INDEX }],
    ]);
    expect(await check(nested)).toBe('BG533');
    expect(await check(new Map([['v1', { body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }), type: OCI_INDEX }]]))).toBe('BG533');
  });

  it('does not download the blob again while the layer digest is unchanged', async () => {
    const objects = new Map([['v1', { body: manifestFor([layer]), type: OCI_MANIFEST }], [layer.digest, { body: blob }]]);
    const requested: string[] = [];
    const registry = fakeRegistry(objects);
    const source = new OciSource({ reference: 'oci://127.0.0.1:5000/org/p:v1', plainHttp: true, fetch: (url, init) => (requested.push(url), registry(url, init)) });
    const first = await source.check();
    expect(first.etag).toBe(layer.digest.slice(7));
    expect(await source.check()).toEqual({ etag: first.etag, size: 0 });
    expect(requested.filter((u) => u.includes('/blobs/'))).toHaveLength(1);
  });
});
