// The bundle carries the api catalog: an enforcer started from a published bundle alone reads HTTP
// requests (`decideRequest`) exactly as one given the IR does; the catalog is signed content, so a
// tampered, added or swapped catalog never activates; a catalog this version cannot read is
// refused at activation; `buildBundle --sequence` makes rollback refusal work end to end.
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_PATH, gzipDeterministic, readBundle, readTarGz, writeTar } from '../../src/bundle/index.js';
import { FileSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import { loadDecisionEngine } from '../../src/engine/index.js';
import { extractDecisionInputs, fingerprintOf, type HttpRequest } from '../../src/extract/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { buildBundle, packBuiltBundle } from '../../src/toolchain/index.js';
import { loadSigningKey } from '../../src/sign/index.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { testKeys } from '../bundle/fixtures.js';
import { DEPLOY_TOKEN, DOMAINS_TOKEN, TIME, TRACEPARENT, URL_COM } from '../extract/fixture.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let dir: string;
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  dir = await tempDir('catalog');
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
afterAll(async () => {
  await removeDir(dir);
});

let files = 0;
/** An enforcer reading `bytes` from a file (the file source re-reads it on every refresh). */
async function enforcerOn(bytes: Uint8Array, options: Partial<EnforcerOptions> = {}): Promise<{ e: Enforcer; file: string }> {
  const file = path.join(dir, `bundle-${files++}.tar.gz`);
  await writeFile(file, bytes);
  const e = createEnforcer({ source: new FileSource({ path: file }), verification: f.verification, poll: false, ...options });
  open.push(e);
  await e.refresh();
  return { e, file };
}

/** Replaces the served file by a new one (a new inode: the file source sees the change whatever the clock). */
async function replace(file: string, bytes: Uint8Array): Promise<void> {
  await writeFile(file + '.next', bytes);
  await rename(file + '.next', file);
}

/** `bundle` with `catalog.json` replaced (or added) by `catalog`, its signature kept as it was. */
async function withCatalogFile(bundle: Uint8Array, catalog: Uint8Array): Promise<Uint8Array> {
  const entries = (await readTarGz(bundle)).filter((e) => e.path !== CATALOG_PATH);
  return gzipDeterministic(writeTar([{ path: CATALOG_PATH, bytes: catalog }, ...entries]));
}

function requests(): HttpRequest[] {
  const gql = (query: string, token: string | null, extra: Record<string, string> = {}): HttpRequest => ({
    method: 'POST',
    url: URL_COM,
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...extra },
    body: JSON.stringify({ query }),
  });
  return [
    gql('mutation { volumeDelete(volumeId: "vol-prod") }', DOMAINS_TOKEN),
    gql('mutation { volumeDelete(volumeId: "vol-prod") }', DEPLOY_TOKEN, { traceparent: TRACEPARENT }),
    gql('query { me { id } }', DEPLOY_TOKEN),
    gql('mutation { a: serviceDelete(id: "s1") b: environmentRename(id: "e1", input: { name: "x" }) }', null),
    { method: 'DELETE', url: 'https://api.github.com/repos/acme/web', headers: { authorization: 'token ghp_example' } },
    { method: 'GET', url: 'https://unknown.example/anything' },
    { method: 'POST', url: URL_COM, headers: { 'content-type': 'application/json' }, body: '{' },
  ];
}

describe('the bundle carries the api catalog', () => {
  it('buildBundle writes catalog.json: the IR without its policies, signed with the rest', async () => {
    const built = await buildBundle(f.ir, { revision: 'c1', signing: { key: loadSigningKey(f.signingPem, 'ES256') } });
    expect(built.files.map((x) => x.path)).toEqual(['data.json', CATALOG_PATH, 'policy.wasm', '.manifest']);
    const bundle = await readBundle(packBuiltBundle(built));
    const catalog = JSON.parse(new TextDecoder().decode(bundle.files.get(CATALOG_PATH))) as Record<string, unknown>;
    expect(catalog).toEqual(JSON.parse(JSON.stringify(catalogOfIr(f.ir))));
    expect(catalog).not.toHaveProperty('policies');
    // Every IR field but `policies` travels: a field added to the IR is carried without a list to update.
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(f.ir).filter((k) => k !== 'policies').sort());
    const signed = JSON.parse(Buffer.from(JSON.parse(new TextDecoder().decode(built.signatures)).signatures[0].split('.')[1], 'base64url').toString()) as { files: { name: string }[] };
    expect(signed.files.map((x) => x.name)).toContain(CATALOG_PATH);
  });

  it('an enforcer started from the published bundle alone decides requests as one given the IR does', async () => {
    const built = await buildBundle(f.ir, { revision: 'c2', signing: { key: loadSigningKey(f.signingPem, 'ES256') } });
    const { e } = await enforcerOn(packBuiltBundle(built));
    const { e: given } = await enforcerOn(packBuiltBundle(built), { catalog: f.ir });
    expect(e.status().ready).toBe(true);
    expect(e.catalog()).toEqual(JSON.parse(JSON.stringify(catalogOfIr(f.ir))));
    const sdk = await loadDecisionEngine(built.files.find((x) => x.path === 'policy.wasm')!.bytes, JSON.parse(new TextDecoder().decode(built.files[0]!.bytes)));
    let operations = 0;
    for (const request of requests()) {
      const fromBundle = e.decideRequest(request, { time: TIME });
      // Decision ids are fresh per decision; everything else matches.
      const withoutIds = (r: ReturnType<typeof e.decideRequest>) => ({ ...r, decisions: r.decisions.map(({ decision_id: _id, ...d }) => d) });
      expect(withoutIds(fromBundle)).toEqual(withoutIds(given.decideRequest(request, { time: TIME })));
      // The reference: extraction with the IR itself, each input through the official SDK.
      const expected = extractDecisionInputs(request, f.ir, { time: TIME }).map((op) => sdk.decide(op.input));
      expect(fromBundle.decisions.map((d) => d.decision)).toEqual(expected);
      operations += fromBundle.decisions.length;
    }
    expect(operations).toBeGreaterThan(requests().length);
    // Credentials reach the decision only as fingerprints.
    expect(JSON.stringify(e.decideRequest(requests()[0]!, { time: TIME }))).not.toContain(DOMAINS_TOKEN);
    expect(fingerprintOf(DOMAINS_TOKEN)).toMatch(/^sha256:/);
  });

  it('the `catalog` option overrides the bundle\'s', async () => {
    const bytes = await f.bundle('c3', 1);
    const none = { ...catalogOfIr(f.ir), apis: [] };
    const { e } = await enforcerOn(bytes, { catalog: none });
    expect(e.catalog()).toBe(none);
    const result = e.decideRequest(requests()[0]!, { time: TIME });
    expect(result.allow).toBe(false);
    expect(result.decisions[0]!.decision.rule).toBe('input:invalid');
  });

  it('denies `enforcer:not-ready` before any bundle is active (it does not throw)', async () => {
    const e = createEnforcer({ source: new FileSource({ path: path.join(dir, 'absent.tar.gz') }), verification: f.verification, poll: false });
    open.push(e);
    await e.refresh();
    expect(e.catalog()).toBeNull();
    const result = e.decideRequest(requests()[0]!, { time: TIME });
    expect(result).toEqual({ allow: false, decisions: [{ operation: null, decision: expect.objectContaining({ allow: false, rule: 'enforcer:not-ready' }), decision_id: expect.any(String) }] });
  });
});

describe('the catalog is verified with the bundle', () => {
  it('a tampered catalog never activates; the last good bundle (and its catalog) stays', async () => {
    const good = await f.bundle('t1', 1);
    const { e, file } = await enforcerOn(good);
    expect(e.status().active_revision).toBe('t1');
    const next = await f.bundle('t2', 2);
    const tampered = { ...catalogOfIr(f.ir), apis: [] };
    await replace(file, await withCatalogFile(next, Buffer.from(JSON.stringify(tampered) + '\n')));
    expect(await e.refresh()).toBe('failed');
    expect(e.status().last_error?.code).toBe('BG611');
    expect(e.status().last_error?.message).toMatch(/catalog\.json/);
    expect(e.status().active_revision).toBe('t1');
    expect(e.catalog()!.apis.length).toBe(f.ir.apis.length);
  });

  it('a catalog added to a signed bundle built without one is not covered by its signature', async () => {
    const old = await f.bundle('t3', 3, { catalog: false });
    const { e } = await enforcerOn(await withCatalogFile(old, Buffer.from(JSON.stringify(catalogOfIr(f.ir)))));
    expect(e.status().ready).toBe(false);
    expect(e.status().last_error?.code).toBe('BG611');
  });

  it('a catalog removed from a signed bundle fails verification (the signature lists it)', async () => {
    const bundle = await f.bundle('t4', 4);
    const stripped = gzipDeterministic(writeTar((await readTarGz(bundle)).filter((x) => x.path !== CATALOG_PATH)));
    const { e } = await enforcerOn(stripped);
    expect(e.status().ready).toBe(false);
    expect(e.status().last_error?.code).toBe('BG611');
  });

  it('a signed catalog this version cannot read is refused at activation (BG610, cause BG123)', async () => {
    for (const catalog of [{ ...catalogOfIr(f.ir), irVersion: 99 }, { irVersion: 1, apis: 'x', tokens: [], inventories: [], overrides: {} }]) {
      const { e } = await enforcerOn(await f.bundle('t5', 5, { catalog }));
      expect(e.status().ready).toBe(false);
      expect(e.status().last_error).toMatchObject({ code: 'BG610', cause_code: 'BG123' });
    }
  });
});

describe('metadata.sequence from buildBundle', () => {
  it('is written when given and signed; an older sequence is refused as a rollback', async () => {
    const key = loadSigningKey(testKeys('ES256', 'enforce').signing, 'ES256');
    const newer = await buildBundle(f.ir, { revision: 'commit-b', sequence: 1_700_000_200, signing: { key } });
    const older = await buildBundle(f.ir, { revision: 'commit-a', sequence: 1_700_000_100, signing: { key } });
    const unsequenced = await buildBundle(f.ir, { revision: 'commit-c', signing: { key } });
    expect((await readBundle(packBuiltBundle(newer))).manifest.metadata?.['sequence']).toBe(1_700_000_200);
    expect((await readBundle(packBuiltBundle(unsequenced))).manifest.metadata).not.toHaveProperty('sequence');
    const { e, file } = await enforcerOn(packBuiltBundle(newer));
    expect(e.status().active_sequence).toBe(1_700_000_200);
    for (const stale of [older, unsequenced]) {
      await replace(file, packBuiltBundle(stale));
      expect(await e.refresh()).toBe('failed');
      expect(e.status().last_error?.code).toBe('BG612');
      expect(e.status().active_revision).toBe('commit-b');
    }
    const next = await buildBundle(f.ir, { revision: 'commit-d', sequence: 1_700_000_300, signing: { key } });
    await replace(file, packBuiltBundle(next));
    expect(await e.refresh()).toBe('activated');
    expect(e.status().active_sequence).toBe(1_700_000_300);
  });
});
