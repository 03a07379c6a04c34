// `blastguard proxy` as a user runs it: the built CLI in its own process, a signed bundle file, a
// runtime inventory, a real upstream; stopped with SIGTERM. Usage mistakes are coded errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { DOMAINS_TOKEN, IDS, signedPolicies } from './support.js';
import { startUpstream, type Upstream } from './railway-upstream.js';
import { send } from './send.js';

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

describe('blastguard proxy', () => {
  let dir: string;
  let upstream: Upstream;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bg-proxy-cli-'));
    const signed = await signedPolicies();
    writeFileSync(path.join(dir, 'bundle.tar.gz'), await signed.bundle('r1', 1));
    writeFileSync(path.join(dir, 'key.pem'), signed.verificationPem);
    writeFileSync(path.join(dir, 'inventory.yaml'), INVENTORY);
    upstream = await startUpstream('graphql-http');
  }, 60_000);
  afterAll(async () => {
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the PocketOS volumeDelete with the rule named and forwards the domains call, until SIGTERM', async () => {
    const args = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--policies', path.join(REPO, 'policies'), '--inventory', 'inventory.yaml', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0', '--decision-log', 'decisions.jsonl'];
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
    const base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--policies', path.join(REPO, 'policies'), '--listen', '127.0.0.1:0'];
    const bad = await runCli([...base, '--upstream', 'railway'], { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('BG720');
    const unknown = await runCli([...base, '--upstream', 'nope=http://127.0.0.1:9'], { cwd: dir });
    expect(unknown.stderr).toContain('BG720');
    const listen = await runCli([...base.slice(0, -2), '--listen', 'nowhere', '--upstream', 'railway=http://127.0.0.1:9'], { cwd: dir });
    expect(listen.stderr).toContain('BG720');
  });
});
