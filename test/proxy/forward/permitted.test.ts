// A CA made with `proxy ca init --permit` may sign only for the permitted names: clients reject a
// certificate for any other host ("permitted subtree violation"), so forward mode must not start
// intercepting hosts its CA cannot sign for (review of legitimate traffic, item 10c).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_CERT_FILE, FORWARD_CODES, type ForwardEvent, ForwardProxyError, createLocalCa, dnsConstraints, hostsOutsideCa, loadLocalCa, readLocalCa, requireCaCoversHosts } from '../../../src/proxy/forward/index.js';
import { startForwardMode } from '../../../src/proxy/forward-mode.js';
import type { IrCatalog } from '../../../src/ir/catalog.js';
import { runCli } from '../../bundle/cli.js';
import { exampleIr } from '../../extract/fixture.js';
import { has, run } from './fixtures.js';

const curlPresent = await has('curl');
const inCi = process.env['CI'] === 'true';
if (!curlPresent && !inCi) console.log('notice: skipping the BG777 handshake test in test/proxy/forward/permitted.test.ts: `curl` is not installed (CI runs it)');

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const constrained = async (permittedHosts: string[]) => loadLocalCa(await createLocalCa({ days: 1, permittedHosts }));

describe('the local CA name constraints', () => {
  it('reads the permitted dNSName subtrees back; an unconstrained CA permits every DNS name', async () => {
    expect(dnsConstraints(await constrained(['api.github.com', 'railway.app']))).toEqual({ permitted: ['api.github.com', 'railway.app'], excluded: [] });
    const open = await constrained([]);
    expect(dnsConstraints(open)).toEqual({ permitted: [], excluded: [] });
    expect(hostsOutsideCa(open, ['api.github.com', 's3.amazonaws.com'])).toEqual([]);
  });

  it('a permitted name covers itself and names with labels added on the left, nothing else', async () => {
    const ca = await constrained(['api.github.com', 'railway.app']);
    expect(hostsOutsideCa(ca, ['api.github.com', 'backboard.railway.app', 'railway.app', 'evilrailway.app', 'github.com', 'uploads.github.com', 's3.amazonaws.com'])).toEqual([
      'evilrailway.app',
      'github.com',
      'uploads.github.com',
      's3.amazonaws.com',
    ]);
  });

  it('refuses (BG777, located at the certificate) a CA that cannot sign for a declared host', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bg-ca-permit-'));
    dirs.push(dir);
    expect((await runCli(['proxy', 'ca', 'init', '--out', 'ca', '--permit', 'api.github.com'], { cwd: dir })).code).toBe(0);
    const ca = await readLocalCa(path.join(dir, 'ca'));
    let error: unknown;
    try {
      requireCaCoversHosts(ca, ['api.github.com', 'acme-prod-assets.s3.amazonaws.com', '127.0.0.1:8080']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForwardProxyError);
    expect((error as ForwardProxyError).code).toBe(FORWARD_CODES.caNameConstraints);
    expect((error as ForwardProxyError).file).toBe(path.join(dir, 'ca', CA_CERT_FILE));
    expect((error as ForwardProxyError).help).toContain('acme-prod-assets.s3.amazonaws.com');
    expect(() => requireCaCoversHosts(ca, ['api.github.com'])).not.toThrow();
  });

  it('forward mode does not start with the example catalog and a CA permitted only api.github.com', async () => {
    const ir = (await exampleIr()) as unknown as IrCatalog;
    const enforcer = { catalog: () => ir, decide: (): never => {
      throw new Error('nothing is decided before the proxy starts');
    } };
    await expect(startForwardMode({ enforcer, ca: await constrained(['api.github.com']), port: 0 })).rejects.toMatchObject({ code: FORWARD_CODES.caNameConstraints });
    const parents = [...new Set(ir.apis.flatMap((a) => a.hosts).map((h) => h.split(':')[0]!.split('.').slice(-2).join('.')))];
    const covered = await startForwardMode({ enforcer, ca: await constrained(parents), port: 0 });
    await covered.close();
  });
});

describe('a bundle activated later that declares a host the CA may not sign for', () => {
  it.skipIf(!curlPresent && !inCi)('reports the handshake curl refuses as the CA constraint (BG777), not as a client that does not trust the CA', async () => {
    const full = await exampleIr();
    const github = { ...full, apis: full.apis.filter((a) => a.name === 'github-rest') } as unknown as IrCatalog;
    let catalog: IrCatalog = github;
    const material = await createLocalCa({ days: 1, permittedHosts: ['api.github.com'] });
    const dir = await mkdtemp(path.join(tmpdir(), 'bg-ca-permit-'));
    dirs.push(dir);
    const caFile = path.join(dir, 'ca-cert.pem');
    await writeFile(caFile, material.certPem);
    const events: ForwardEvent[] = [];
    const enforcer = {
      catalog: () => catalog,
      decide: (): never => {
        throw new Error('no request gets this far');
      },
    };
    const proxy = await startForwardMode({ enforcer, ca: await loadLocalCa(material), port: 0, onEvent: (e) => events.push(e) });
    try {
      // The new bundle's catalog: every example api, the S3 hosts among them.
      catalog = full as unknown as IrCatalog;
      const host = 'acme-prod-assets.s3.us-east-1.amazonaws.com';
      const r = await run('curl', ['-sS', '--max-time', '15', '--cacert', caFile, `https://${host}/`], { HTTPS_PROXY: proxy.url });
      expect(r.code).not.toBe(0);
      await expect.poll(() => events.map((e) => [e.code, e.host])).toEqual([[FORWARD_CODES.caNameConstraints, host]]);
    } finally {
      await proxy.close();
    }
  });
});
