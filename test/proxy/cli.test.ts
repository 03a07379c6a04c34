// `blastguard proxy` as a user runs it: the built CLI in its own process, a signed bundle file, a
// runtime inventory, a real upstream; stopped with SIGTERM. Usage mistakes are coded errors.
import { execFile, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { DOMAINS_TOKEN, IDS, signedBundleDir } from './support.js';
import { startUpstream, type Upstream } from './railway-upstream.js';
import { send } from './send.js';
import { startCli, stopCli } from './cli-process.js';

const INVENTORY = `apiVersion: blastguard.dev/v1
kind: Inventory
metadata: { name: live }
spec:
  api: railway
  resources:
    - { id: ${IDS.volume}, kind: volume, environment: production, project: pocketos }
    - { id: ${IDS.project}, kind: project, project: pocketos }
    - { id: ${IDS.staging}, kind: environment, environment: staging }
    - { id: ${IDS.service}, kind: service, project: pocketos }
`;

/** curl through the proxy as HTTPS_PROXY, trusting only the local CA; resolves with status and body. */
function curlThrough(proxy: string, caFile: string, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const args = ['-sS', '--max-time', '15', '--cacert', caFile, '-w', '\n%{http_code}', '--data-binary', body, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  return new Promise((resolve, reject) => {
    execFile('curl', args, { env: { PATH: process.env['PATH'] ?? '', HTTPS_PROXY: proxy } }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${stderr}`));
      const at = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) });
    });
  });
}

const hasCurl = await new Promise<boolean>((resolve) => execFile('curl', ['--version'], (e) => resolve(e === null)));
const inCi = process.env['CI'] === 'true';
if (!hasCurl && !inCi) console.log('notice: skipping the forward-mode test in test/proxy/cli.test.ts: `curl` is not installed (CI runs it)');

describe('blastguard proxy', () => {
  let dir: string;
  let upstream: Upstream;
  beforeAll(async () => {
    dir = await signedBundleDir('bg-proxy-cli-');
    writeFileSync(path.join(dir, 'inventory.yaml'), INVENTORY);
    upstream = await startUpstream('graphql-http');
  }, 60_000);
  afterAll(async () => {
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the PocketOS volumeDelete with the rule named and forwards the domains call, until SIGTERM', async () => {
    const args = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--inventory', 'inventory.yaml', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0', '--decision-log', 'decisions.jsonl'];
    const child = spawn(process.execPath, [path.join(REPO, 'dist', 'cli', 'bin.js'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/[^,\s]+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const headers = { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' };
    const denied = await send(url, { path: '/graphql/v2', headers, body: JSON.stringify({ query: `mutation { volumeDelete(volumeId: "${IDS.volume}") }` }) });
    expect(denied.status).toBe(403);
    const error = (denied.json() as { errors: { extensions: { code: string; rule: string } }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BLASTGUARD_DENIED', rule: 'railway-production/no-destructive-in-production' });
    const forwarded = await send(url, {
      path: '/graphql/v2',
      headers,
      body: JSON.stringify({ query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }', variables: { input: { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service } } }),
    });
    expect(forwarded.status, forwarded.text).toBe(200);
    expect(upstream.executed.map((e) => e.name)).toEqual(['customDomainCreate']);
    expect((await send(url, { method: 'GET', path: '/readyz' })).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('refuses an --upstream that is not API=URL, or names no api, with a code', async () => {
    const base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0'];
    const bad = await runCli([...base, '--upstream', 'railway'], { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('BG720');
    const unknown = await runCli([...base, '--upstream', 'nope=http://127.0.0.1:9'], { cwd: dir });
    expect(unknown.stderr).toContain('BG720');
    const listen = await runCli([...base.slice(0, -2), '--listen', 'nowhere', '--upstream', 'railway=http://127.0.0.1:9'], { cwd: dir });
    expect(listen.stderr).toContain('BG720');
  });

  it.skipIf(!hasCurl && !inCi)('--forward: curl through HTTPS_PROXY gets the same decisions on the intercepted api host', async () => {
    const ca = await runCli(['proxy', 'ca', 'init', '--out', 'ca'], { cwd: dir });
    expect(ca.code, ca.stderr).toBe(0);
    const args = ['proxy', '--forward', '--ca', 'ca', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--inventory', 'inventory.yaml', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0'];
    const { child, url } = await startCli(args, dir);
    try {
      const caFile = path.join(dir, 'ca', 'ca-cert.pem');
      const headers = { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' };
      const before = upstream.executed.length;
      const denied = await curlThrough(url, caFile, 'https://backboard.railway.com/graphql/v2', headers, JSON.stringify({ query: `mutation { volumeDelete(volumeId: "${IDS.volume}") }` }));
      expect(denied.status).toBe(403);
      expect(JSON.parse(denied.body).errors[0].extensions).toMatchObject({ code: 'BLASTGUARD_DENIED', rule: 'railway-production/no-destructive-in-production' });
      const body = JSON.stringify({ query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }', variables: { input: { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service } } });
      const forwarded = await curlThrough(url, caFile, 'https://backboard.railway.com/graphql/v2', headers, body);
      expect(forwarded.status, forwarded.body).toBe(200);
      expect(upstream.executed.slice(before).map((e) => e.name)).toEqual(['customDomainCreate']);
    } finally {
      expect(await stopCli(child)).toBe(0);
    }
  });

  it('refuses --forward without a CA, and forward-only flags without --forward', async () => {
    const base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0'];
    const noCa = await runCli([...base, '--forward'], { cwd: dir });
    expect(noCa.code).not.toBe(0);
    expect(noCa.stderr).toContain('BG720');
    const stray = await runCli([...base, '--upstream', 'railway=http://127.0.0.1:9', '--allow-tunnel', 'example.com'], { cwd: dir });
    expect(stray.stderr).toContain('BG720');
    expect(stray.stderr).not.toMatch(/\n\s+at /);
  });
});
