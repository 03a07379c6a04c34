import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { run, type ActionIo } from '../../action/src/main.js';
import { readBundle } from '../../src/bundle/index.js';
import { sha256Hex } from '../../src/toolchain/index.js';
import { loadVerificationKey, singleKeyConfig, verifyBundle } from '../../src/verify/index.js';
// @ts-expect-error -- a plain ESM build script without type declarations
import { checkAction } from '../../action/build.mjs';
import * as core from './__fixtures__/core.js';
import { REPO } from '../helpers/cli.js';

vi.mock('@actions/core', () => import('./__fixtures__/core.js'));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-action-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the action's `run()` with these inputs in the repository, capturing what it prints. */
async function runAction(inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<{ stdout: string; stderr: string }> {
  core.reset(inputs);
  let stdout = '';
  let stderr = '';
  const io: ActionIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: REPO,
    env,
  };
  await run(io);
  return { stdout, stderr };
}

describe('github action', () => {
  it('action/dist is the bundle of action/src and the current runtime (run `npm run build:action`)', async () => {
    expect(await (checkAction as () => Promise<string[]>)()).toEqual([]);
  });

  it('declares node24 and every input action/src reads', () => {
    const action = parse(readFileSync('action/action.yml', 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.mjs' });
    const source = readdirSync('action/src').map((f) => readFileSync(path.join('action/src', f), 'utf8')).join('\n');
    const read = new Set([...source.matchAll(/input\('([a-z-]+)'\)/g)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(5);
    for (const name of read) expect(Object.keys(action.inputs)).toContain(name);
  });

  it('validate: exit code 0 on the example policies, nothing failed', async () => {
    await runAction({ command: 'validate' });
    expect(core.outputs['exit-code']).toBe('0');
    expect(core.setFailed).not.toHaveBeenCalled();
  });

  it('validate: broken policies become annotations and exit code 1', async () => {
    const dir = path.join(work, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'api.yaml'), 'apiVersion: blastguard.dev/v1\nkind: Api\nmetadata: { name: x }\nspec: { protocol: nope }\n');
    const { stdout } = await runAction({ command: 'validate', dir });
    expect(stdout).toMatch(/^::error file=[^,]*api\.yaml,line=\d+,/m);
    expect(core.outputs['exit-code']).toBe('1');
    expect(core.setFailed).toHaveBeenCalledWith('blastguard validate failed (exit code 1)');
  });

  it('test: runs every replay and suite of the repository and reports on stdout', async () => {
    const { stdout } = await runAction({ command: 'test', 'min-coverage': '100' });
    expect(stdout).toMatch(/^PASS \d+ passed, 0 failed; rule coverage 100%$/m);
    expect(core.outputs['exit-code']).toBe('0');
  });

  it('test: a min-coverage that is no percentage is a bad input (exit code 2)', async () => {
    await runAction({ command: 'test', 'min-coverage': 'most' });
    expect(core.outputs['exit-code']).toBe('2');
  });

  it('build: signs with the secret passed as a value, masks it, and reports the bundle and its sha256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const out = path.join(work, 'bundle.tar.gz');
    const before = { ...process.env };
    await runAction({ command: 'build', out, 'signing-key': privateKey, 'signing-alg': 'ES256', 'key-id': 'ci' }, { GITHUB_SHA: 'abc123' });
    expect(core.outputs['exit-code']).toBe('0');
    expect(core.outputs['bundle']).toBe(out);
    const bytes = await readFile(out);
    expect(core.outputs['bundle-sha256']).toBe(sha256Hex(bytes));
    // Every line of the PEM is masked, and the key went nowhere near the environment.
    expect(core.setSecret).toHaveBeenCalledWith(privateKey.split('\n')[1]);
    expect(Object.values(process.env).some((v) => v?.includes('PRIVATE KEY'))).toBe(false);
    expect(Object.keys(process.env).filter((k) => !(k in before))).toEqual([]);
    const bundle = await readBundle(bytes);
    const verified = await verifyBundle(bundle, singleKeyConfig(loadVerificationKey(Buffer.from(publicKey), 'ES256', { source: 'test key' }), { keyId: 'ci' }));
    expect(verified.revision).toBe('abc123');
  });

  it('build: a signing-alg without a signing-key is a bad input (BG255, exit code 2)', async () => {
    const { stderr } = await runAction({ command: 'build', out: path.join(work, 'unsigned.tar.gz'), 'signing-alg': 'ES256', revision: 'r' });
    expect(stderr).toMatch(/^error BG255 /);
    expect(core.outputs['exit-code']).toBe('2');
  });

  it('an unknown command fails the step', async () => {
    await runAction({ command: 'deploy' });
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('unknown command `deploy`'));
  });
});
