// `blastguard pull` and `blastguard decide` in-process, on a signed bundle file: verified,
// persisted, one decision through the enforcer path with its decision-log event; located, coded
// errors for a wrong key, a bad input and an override that would soften policy.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { testKeys } from '../bundle/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let dir: string;

beforeAll(async () => {
  f = await enforceFixtures();
  dir = await tempDir('enforce-cli');
  await writeFile(path.join(dir, 'bundle.tar.gz'), await f.bundle('r7', 7));
  await writeFile(path.join(dir, 'key.pem'), f.verificationPem);
  await writeFile(path.join(dir, 'other.pem'), testKeys('ES256', 'enforce-cli-other').verification);
  await writeFile(path.join(dir, 'deny.json'), JSON.stringify(f.inputs.deny));
  await writeFile(path.join(dir, 'bad.json'), '{"api":');
});
afterAll(async () => {
  await removeDir(dir);
});

const key = ['--verification-key', 'key.pem', '--signing-alg', 'ES256'];

describe('blastguard pull', () => {
  it('fetches, verifies, persists and prints revision and digest', async () => {
    const r = await runCli(['pull', 'bundle.tar.gz', ...key, '--persist-dir', 'state'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/revision r7, digest sha256:[0-9a-f]{64}, \d+ bytes, verified with key `default` \(ES256\), persisted to .*state\/bundles\/blastguard\/bundle\.tar\.gz/);
  });

  it('refuses to replace a newer persisted bundle with an older one unless --allow-rollback', async () => {
    await writeFile(path.join(dir, 'older.tar.gz'), await f.bundle('r6', 6));
    expect((await runCli(['pull', 'bundle.tar.gz', ...key, '--persist-dir', 'rollback'], { cwd: dir })).code).toBe(0);
    const refused = await runCli(['pull', 'older.tar.gz', ...key, '--persist-dir', 'rollback'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/BG612/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const persisted = path.join(dir, 'rollback', 'bundles', 'blastguard', 'bundle.tar.gz');
    expect(Buffer.from(await readFile(persisted))).toEqual(Buffer.from(await readFile(path.join(dir, 'bundle.tar.gz'))));
    const deliberate = await runCli(['pull', 'older.tar.gz', ...key, '--persist-dir', 'rollback', '--allow-rollback'], { cwd: dir });
    expect(deliberate.code).toBe(0);
    expect(deliberate.stdout).toMatch(/revision r6/);
    // r7 was replaced: the bundle.json beside the tarball says so, and an enforcer refuses it later.
    const meta = JSON.parse(await readFile(path.join(dir, 'rollback', 'bundles', 'blastguard', 'bundle.json'), 'utf8')) as { replaced: string[] };
    expect(meta.replaced).toEqual(['r7']);
  });

  it('refuses a bundle the key does not verify, with its code and no stack', async () => {
    const r = await runCli(['pull', 'bundle.tar.gz', '--verification-key', 'other.pem', '--signing-alg', 'ES256'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BG309/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('blastguard decide', () => {
  it('prints the decision and its OPA decision-log event', async () => {
    const r = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', 'deny.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { decision: unknown; event: Record<string, unknown> };
    expect(out.decision).toEqual(await f.expected(f.inputs.deny));
    expect(out.event).toMatchObject({ bundles: { blastguard: { revision: 'r7' } }, path: 'blastguard/decision', type: 'openpolicyagent.org/decision_logs', result: out.decision });
  });

  it('reads the input from standard input and applies a local lockdown from the environment', async () => {
    const r = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', '-'], { cwd: dir, stdin: JSON.stringify(f.inputs.lockable), env: { BLASTGUARD_OVERRIDE: 'lockdown', BLASTGUARD_OVERRIDE_REASON: 'incident 7' } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { decision: { mode: string; reasons: string[] } };
    expect(out.decision.mode).toBe('deny');
    expect(out.decision.reasons.join(' ')).toMatch(/incident 7/);
  });

  it('refuses an override that would soften policy, and input that is not json', async () => {
    const soft = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', 'deny.json'], { cwd: dir, env: { BLASTGUARD_OVERRIDE: 'shadow-all', BLASTGUARD_OVERRIDE_REASON: 'x' } });
    expect(soft.code).toBe(1);
    expect(soft.stderr).toMatch(/BG600/);
    const bad = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BG652/);
    const unsigned = await runCli(['decide', '--bundle', 'bundle.tar.gz', '--verification-key', 'other.pem', '--signing-alg', 'ES256', '--input', 'deny.json'], { cwd: dir });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/BG611/);
  });
});

describe('blastguard decide --request', () => {
  it('reads an http request with the bundle\'s api catalog and decides each operation', async () => {
    const request = {
      method: 'POST',
      url: 'https://backboard.railway.com/graphql/v2',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { a: serviceDelete(id: "s1") b: environmentRename(id: "e1", input: { name: "x" }) }' }),
    };
    const r = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--request', '-'], { cwd: dir, stdin: JSON.stringify(request) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { allow: boolean; decisions: { operation: string | null; decision: { mode: string } }[]; events: { result: unknown }[] };
    expect(out.allow).toBe(false);
    expect(out.decisions.map((d) => d.operation)).toEqual(['serviceDelete', 'environmentRename']);
    expect(out.events.map((e) => e.result)).toEqual(out.decisions.map((d) => d.decision));
  });

  it('needs exactly one of --input and --request, and a request document', async () => {
    const both = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', 'deny.json', '--request', 'deny.json'], { cwd: dir });
    expect([both.code, both.stderr]).toEqual([1, expect.stringMatching(/BG654/)]);
    const neither = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key], { cwd: dir });
    expect(neither.stderr).toMatch(/BG654/);
    const notRequest = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--request', '-'], { cwd: dir, stdin: JSON.stringify({ method: 'GET' }) });
    expect([notRequest.code, notRequest.stderr]).toEqual([1, expect.stringMatching(/BG654.*`url`/)]);
  });
});
