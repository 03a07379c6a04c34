// The Action's `publish`: build and sign, a GitHub release through Octokit against the loopback
// REST emulator, the reviewed-IR check against the merged pull request's marker, and the OCI push
// against Debian's docker-registry on loopback (pulled back and verified).
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readBundle } from '../../src/bundle/index.js';
import { OCI_BUNDLE_LAYER, OCI_MANIFEST, OciSource, pull } from '../../src/distribute/index.js';
import { markerLine } from '../../src/report/index.js';
import { loadVerificationKey, singleKeyConfig, verifyBundle } from '../../src/verify/index.js';
import { IN_CI, binary, freePort, requirePresent, startDaemon, type Daemon } from '../distribute/fixtures.js';
import { startGithubEmulator, type GithubEmulator } from './github-emulator.js';
import { LOOSEN, PRODUCTION, TOKEN, commitEdit, runAction, scratchRepo } from './support.js';

vi.mock('@actions/core', () => import('./__fixtures__/core.js'));

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const verification = singleKeyConfig(loadVerificationKey(Buffer.from(keys.publicKey), 'ES256', { source: 'test key' }), { keyId: 'ci' });

let gh: GithubEmulator;
let work: string;
let root: string;
let sha: string;

beforeAll(async () => {
  gh = await startGithubEmulator({ owner: 'acme', repo: 'policies', token: TOKEN });
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-publish-'));
  ({ root } = await scratchRepo(work));
  sha = await commitEdit(root, PRODUCTION, LOOSEN[0], LOOSEN[1], 'merge #7');
});
afterAll(async () => {
  await gh.close();
  await rm(work, { recursive: true, force: true });
});

function pushEnv(): Record<string, string> {
  return { GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'acme/policies', GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com', GITHUB_SHA: sha, GITHUB_RUN_ID: '300' };
}
const publishInputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  command: 'publish',
  'github-token': TOKEN,
  out: path.join(work, 'bundle.tar.gz'),
  'signing-key': keys.privateKey,
  'signing-alg': 'ES256',
  'key-id': 'ci',
  ...extra,
});

describe('action publish: signed bundle, GitHub release, reviewed IR digest', () => {
  it('creates the release with the bundle, its sha256 and verification instructions, then updates it in place', async () => {
    const r = await runAction(root, publishInputs(), pushEnv());
    expect(r.stderr).toBe('');
    expect(r.outputs['exit-code']).toBe('0');
    expect(gh.releases).toHaveLength(1);
    const release = gh.releases[0]!;
    expect(release).toMatchObject({ tag_name: `blastguard-${sha.slice(0, 12)}`, target_commitish: sha });
    expect(release.assets.map((a) => a.name).sort()).toEqual(['VERIFY.md', 'bundle.tar.gz', 'bundle.tar.gz.sha256']);
    const bundle = release.assets.find((a) => a.name === 'bundle.tar.gz')!;
    const hex = createHash('sha256').update(bundle.data).digest('hex');
    expect(r.outputs['bundle-sha256']).toBe(hex);
    expect(release.assets.find((a) => a.name === 'bundle.tar.gz.sha256')!.data.toString()).toBe(`${hex}  bundle.tar.gz\n`);
    expect(release.assets.find((a) => a.name === 'VERIFY.md')!.data.toString()).toContain('blastguard verify bundle.tar.gz');
    expect(bundle.content_type).toBe('application/gzip');
    // The uploaded bytes are the signed bundle of this commit.
    expect((await verifyBundle(await readBundle(new Uint8Array(bundle.data)), verification)).revision).toBe(sha);
    // Signed `metadata.sequence` = the commit's committer time, so enforcers refuse an older commit's bundle.
    const committed = Number(execFileSync('git', ['log', '-1', '--format=%ct', sha], { cwd: root }).toString().trim());
    expect((await readBundle(new Uint8Array(bundle.data))).manifest.metadata?.['sequence']).toBe(committed);
    expect(r.outputs['release-url']).toContain(`/releases/tag/blastguard-${sha.slice(0, 12)}`);
    // The token was masked, and it went only to the API as a header.
    expect(gh.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);
    expect(r.stdout).not.toContain(TOKEN);

    const again = await runAction(root, publishInputs(), pushEnv());
    expect(again.outputs['exit-code']).toBe('0');
    expect(again.stdout).toContain('updated');
    expect(gh.releases).toHaveLength(1);
    expect(gh.releases[0]!.assets).toHaveLength(3);
    expect(gh.requests.filter((q) => q.method === 'DELETE')).toHaveLength(3);
    expect(gh.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/releases/'))).toHaveLength(1);
  });

  it('says nothing loud when the merged pull request showed this IR digest, and warns when it did not', async () => {
    const first = await runAction(root, publishInputs({ release: 'false' }), pushEnv());
    const ir = first.outputs['ir-digest']!;
    expect(ir).toMatch(/^sha256:[0-9a-f]{64}$/);
    gh.pulls.push({ number: 7, head: sha, commits: [sha], merged: true });
    gh.comments.push({ id: 1, issue: 7, body: `${markerLine({ head: sha, ir, run: 200, changes: true })}\nreviewed` });
    const same = await runAction(root, publishInputs({ release: 'false' }), pushEnv());
    expect(same.stdout).toContain(`IR ${ir} is the one reviewed in pull request #7`);
    expect(same.stdout).not.toContain('::warning');

    gh.comments[0]!.body = `${markerLine({ head: sha, ir: `sha256:${'e'.repeat(64)}`, run: 201, changes: true })}\nreviewed before a later push`;
    const differs = await runAction(root, publishInputs({ release: 'false' }), pushEnv());
    expect(differs.stdout).toMatch(/^::warning title=blastguard%3A published policies differ from the reviewed ones::pull request #7's comment showed IR sha256:e{64}/m);
    expect(differs.outputs['exit-code']).toBe('0');
  });
});

/** Debian's docker-registry (CNCF distribution): the registry API every hosted registry implements. */
const registry = binary('/usr/bin/docker-registry', 'docker-registry');

describe.skipIf(registry.skip)('action publish: OCI push to docker-registry on loopback', () => {
  let daemon: Daemon | undefined;
  let host: string;

  beforeAll(async () => {
    if (IN_CI) requirePresent(registry, 'docker-registry');
    const dir = path.join(work, 'registry');
    await mkdir(path.join(dir, 'data'), { recursive: true });
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    await writeFile(
      path.join(dir, 'config.yml'),
      ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, 'http:', `  addr: ${host}`, `  secret: ${randomBytes(16).toString('hex')}`].join('\n'),
    );
    daemon = await startDaemon(registry.path, ['serve', path.join(dir, 'config.yml')], async () => (await fetch(`http://${host}/v2/`)).status === 200, 'docker-registry');
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('pushes with OPA media types, tagged by commit and latest; both pull back and verify', async () => {
    const r = await runAction(root, publishInputs({ release: 'false', 'github-token': '', 'oci-ref': `${host}/acme/policies`, 'oci-plain-http': 'true' }), pushEnv());
    expect(r.outputs['exit-code']).toBe('0');
    const digest = r.outputs['manifest-digest']!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.outputs['oci-reference']).toBe(`oci://${host}/acme/policies@${digest}`);
    for (const tag of [sha, 'latest']) {
      const res = await fetch(`http://${host}/v2/acme/policies/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } });
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      const manifest = (await res.json()) as { mediaType: string; layers: { mediaType: string }[]; annotations: Record<string, string> };
      expect(manifest.mediaType).toBe(OCI_MANIFEST);
      expect(manifest.layers.map((l) => l.mediaType)).toEqual([OCI_BUNDLE_LAYER]);
      expect(manifest.annotations['org.opencontainers.image.revision']).toBe(sha);
      expect(manifest.annotations['dev.blastguard.ir-digest']).toBe(r.outputs['ir-digest']);
      const pulled = await pull(new OciSource({ reference: `oci://${host}/acme/policies:${tag}`, plainHttp: true }), { verification });
      expect(pulled.revision).toBe(sha);
    }
    const local = await readFile(path.join(work, 'bundle.tar.gz'));
    const layerDigest = `sha256:${createHash('sha256').update(local).digest('hex')}`;
    const blob = await fetch(`http://${host}/v2/acme/policies/blobs/${layerDigest}`);
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(local);
  });
});
