// The README's main job, end to end, on loopback: validate → a policy change and its exact diff →
// a signed bundle served over HTTP → the egress proxy in front of a Railway-like GraphQL server →
// the PocketOS `volumeDelete` refused with the rule named while the domains call goes through →
// the panic flag flipped and published, reaching the running proxy without a restart.
// `npm run demo` bundles this file with esbuild (like the benchmarks) and runs it; it starts real
// processes (the built CLI) and stops every one of them, also when a step fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUpstream, type Upstream } from '../proxy/railway-upstream.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'dist', 'cli', 'bin.js');
/** The credential of the Railway custom-domains CLI token the example policies declare (a fake). */
const DOMAINS_TOKEN = 'fake-railway-custom-domains-cli-token';
const IDS = {
  volume: '3d2c42fb-0000-4000-8000-000000000000',
  project: '1c0ffee0-0000-4000-8000-000000000001',
  staging: '5e7a9e00-0000-4000-8000-000000000002',
  service: '5e7a9e00-0000-4000-8000-0000000000a1',
  stagingDomain: '9a9a0000-0000-4000-8000-0000000000d1',
};
const INVENTORY = `apiVersion: blastguard.dev/v1
kind: Inventory
metadata: { name: pocketos }
spec:
  api: railway
  resources:
    - { id: ${IDS.volume}, kind: volume, environment: production, project: pocketos }
    - { id: ${IDS.project}, kind: project, project: pocketos }
    - { id: ${IDS.staging}, kind: environment, environment: staging }
    - { id: ${IDS.service}, kind: service, project: pocketos }
    - { id: ${IDS.stagingDomain}, kind: customDomain, environment: staging, project: pocketos }
`;

const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
const bold = (s: string): string => (color ? `\u001b[1m${s}\u001b[22m` : s);
const dim = (s: string): string => (color ? `\u001b[2m${s}\u001b[22m` : s);
let stepNo = 0;
function step(title: string): void {
  stepNo += 1;
  console.log(`\n${bold(`▸ ${stepNo}. ${title}`)}`);
}

function git(cwd: string, ...args: string[]): Promise<string> {
  return run('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', '-c', 'commit.gpgsign=false', ...args], cwd);
}

function cli(cwd: string, ...args: string[]): Promise<string> {
  return run(process.execPath, [BIN, ...args], cwd);
}

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, okCodes: readonly number[] = [0]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (okCodes.includes(code ?? -1) ? resolve(out) : reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/** Serves one bundle file as OPA's HTTP bundle service does: ETag, 304 when unchanged. */
async function serveBundle(file: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const bytes = readFileSync(file);
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/gzip', etag }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/railway.tar.gz`, server };
}

interface Reply {
  status: number;
  body: string;
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    })
      .once('error', reject)
      .end();
  });
}

/** One line about a proxy answer: forwarded, or refused with the rule the policy named. */
function describe(reply: Reply): string {
  if (reply.status === 200) return `HTTP 200 — forwarded; the upstream answered ${reply.body.slice(0, 80)}`;
  try {
    const ext = (JSON.parse(reply.body) as { errors: { extensions: { code: string; rule: string; reasons: string[] } }[] }).errors[0]!.extensions;
    return `HTTP ${reply.status} — ${ext.code} by rule \`${ext.rule}\`\n     ${dim(ext.reasons[0] ?? '')}`;
  } catch {
    return `HTTP ${reply.status} — ${reply.body.slice(0, 200)}`;
  }
}

function startProxy(cwd: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'proxy', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[^,\s]+)/.exec(stderr);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`the proxy exited ${code}:\n${stderr}`)));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'blastguard-demo-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    step('validate the example policy repository');
    cpSync(path.join(REPO, 'policies'), path.join(dir, 'policies'), { recursive: true });
    cpSync(path.join(REPO, 'test', 'incidents'), path.join(dir, 'test', 'incidents'), { recursive: true });
    cpSync(path.join(REPO, 'test', 'policies'), path.join(dir, 'test', 'policies'), { recursive: true });
    console.log((await cli(dir, 'validate', '--dir', 'policies')).trim());

    step('a policy change and what it does to decisions (`blastguard diff`, the pull-request comment)');
    await git(dir, 'init', '-q', '-b', 'main');
    await git(dir, 'add', '.');
    await git(dir, 'commit', '-q', '-m', 'policies as merged');
    const production = path.join(dir, 'policies', 'platform', 'railway-production.yaml');
    const before = readFileSync(production, 'utf8');
    const after = before.replace('mode: shadow\n      reason: A production change', 'mode: deny\n      reason: A production change');
    if (after === before) throw new Error('the demo\'s sample change no longer applies to policies/platform/railway-production.yaml');
    writeFileSync(production, after);
    console.log(dim('  change: railway-production/production-writes-need-originator  shadow → deny'));
    const diff = await run(process.execPath, [BIN, 'diff', '--base', 'HEAD', '--dir', 'policies', '--tests', 'test'], dir, [0, 1]);
    // The headline and the tightened rows; the full report (rows decided by another rule, replay
    // flips) is what `blastguard diff` prints and the pull-request comment shows.
    const lines = diff.trimEnd().split('\n');
    const shown = lines.slice(0, Math.max(1, lines.findIndex((l, i) => i > 2 && l.trim() === '')));
    console.log(shown.map((l) => `  ${l.length > 160 ? `${l.slice(0, 157)}…` : l}`).join('\n'));
    console.log(`  ${dim(`… ${lines.length - shown.length} more lines in the full report`)}`);
    writeFileSync(production, before);

    step('build and sign the bundle (with the api catalog), serve it over HTTP as a bundle service');
    await cli(dir, 'keygen', '--out', 'keys');
    await cli(dir, 'build', '--dir', 'policies', '--out', 'bundle.tar.gz', '--signing-key', 'keys/signing-key.pem', '--revision', 'v1', '--sequence', '1');
    const served = await serveBundle(path.join(dir, 'bundle.tar.gz'));
    cleanups.push(() => new Promise<void>((resolve) => served.server.close(() => resolve())));
    console.log(`  ${served.url}  (revision v1, signed with keys/signing-key.pem)`);

    step('the egress proxy in front of a Railway-like GraphQL server');
    const upstream: Upstream = await startUpstream('graphql-http');
    cleanups.push(() => upstream.close());
    writeFileSync(path.join(dir, 'inventory.yaml'), INVENTORY);
    const proxy = await startProxy(dir, ['--bundle', served.url, '--verification-key', 'keys/verification-key.pem', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0', '--inventory', 'inventory.yaml', '--poll-interval', '0.5']);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (proxy.child.exitCode !== null) return resolve();
          proxy.child.once('exit', () => resolve());
          proxy.child.kill('SIGTERM');
        }),
    );
    console.log(`  blastguard proxy --bundle ${served.url} --upstream railway=${upstream.url}  → ${proxy.url}`);
    const graphql = `${proxy.url}/graphql/v2`;

    step('the PocketOS call: `volumeDelete` on the production volume with the custom-domains token');
    console.log(`  ${describe(await post(graphql, JSON.stringify({ query: `mutation { volumeDelete(volumeId: "${IDS.volume}") }` })))}`);
    console.log(`  the upstream executed: ${JSON.stringify(upstream.executed.map((e) => e.name))}`);

    step('what the token is for: a custom domain in staging');
    const domain = { query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }', variables: { input: { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service } } };
    console.log(`  ${describe(await post(graphql, JSON.stringify(domain)))}`);
    const remove = { query: `mutation { customDomainDelete(id: "${IDS.stagingDomain}") }` };
    // Destructive calls name the person who asked (W3C baggage; a signed Txn-Token makes it verified).
    const asked = { baggage: 'originator=user%3Aalice%40pocketos.example' };
    console.log(`  customDomainDelete in staging, asked by alice: ${describe(await post(graphql, JSON.stringify(remove), asked))}`);

    step('incident under way: flip the panic flag to lockdown, publish, and watch the running proxy');
    const overrides = path.join(dir, 'policies', 'overrides.yaml');
    const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    writeFileSync(overrides, readFileSync(overrides, 'utf8').replace('enforcement: normal', `enforcement: lockdown\n  reason: Demo incident, volumes deleted by an agent\n  expires: ${expires}`));
    await cli(dir, 'build', '--dir', 'policies', '--out', 'bundle.next.tar.gz', '--signing-key', 'keys/signing-key.pem', '--revision', 'v2', '--sequence', '2');
    renameSync(path.join(dir, 'bundle.next.tar.gz'), path.join(dir, 'bundle.tar.gz'));
    const flipped = Date.now();
    for (;;) {
      const status = JSON.parse((await get(`${proxy.url}/status`).catch(() => ({ status: 0, body: '{}' }))).body || '{}') as { active_revision?: string };
      const ready = JSON.parse((await get(`${proxy.url}/readyz`)).body || '{}') as { revision?: string; active_revision?: string };
      if ((status.active_revision ?? ready.revision ?? ready.active_revision) === 'v2') break;
      if (Date.now() - flipped > 20_000) throw new Error('the running proxy did not pick up revision v2 within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`  revision v2 active in the running proxy ${((Date.now() - flipped) / 1000).toFixed(1)} s after publishing (no restart)`);
    console.log(`  customDomainDelete in staging, asked by alice: ${describe(await post(graphql, JSON.stringify(remove), asked))}`);
    console.log(`  customDomainCreate (not destructive): ${describe(await post(graphql, JSON.stringify(domain)))}`);

    console.log(`\n${bold('done')} in ${((Date.now() - started) / 1000).toFixed(1)} s; every server stopped, ${dir} removed.`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
