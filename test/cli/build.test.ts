import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle, readBundleDirectory } from '../../src/bundle/index.js';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function withKeys(dir: string, alg: 'RS256' | 'ES256' | 'HS256' = 'RS256'): Promise<{ signing: string; verification: string }> {
  const keys = testKeys(alg);
  await writeFile(path.join(dir, 'signing.pem'), keys.signing, { mode: 0o600 });
  await writeFile(path.join(dir, 'verification.pem'), keys.verification);
  return { signing: path.join(dir, 'signing.pem'), verification: path.join(dir, 'verification.pem') };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

describe('blastguard build', () => {
  it('builds a signed OPA bundle that verify accepts', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir);
    const build = await runCli(['build', '--dir', 'policies', '--out', 'out/bundle.tar.gz', '--revision', 'r1', '--signing-key', keys.signing], { cwd: dir });
    expect(build.stderr).not.toMatch(/error/);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^built out\/bundle\.tar\.gz: revision r1, signed RS256 key `default`, sha256 [0-9a-f]{64}\n$/);
    const bytes = await readFile(path.join(dir, 'out/bundle.tar.gz'));
    expect(build.stdout).toContain(sha256(bytes));
    const bundle = await readBundle(bytes);
    expect(bundle.manifest.roots).toEqual(['blastguard']);
    expect(bundle.manifest.rego_version).toBe(1);
    expect(bundle.manifest.wasm).toEqual([
      { entrypoint: 'blastguard/decision', module: '/policy.wasm' },
      { entrypoint: 'blastguard/allow', module: '/policy.wasm' },
    ]);
    expect(bundle.manifest.metadata).toMatchObject({ compiler: 'blastguard 0.1.0', ir_digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });

    const verify = await runCli(['verify', 'out/bundle.tar.gz', '--verification-key', keys.verification], { cwd: dir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toBe('verified out/bundle.tar.gz: revision r1, key `default` (RS256), 4 files covered: data.json, catalog.json, policy.wasm, .manifest\n');
  });

  it('is reproducible: two builds of the same commit with the same key are byte-identical', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir);
    git(dir, 'init', '-q');
    git(dir, 'add', 'policies');
    git(dir, 'commit', '-q', '-m', 'policies');
    const head = git(dir, 'rev-parse', 'HEAD');
    for (const out of ['a.tar.gz', 'b.tar.gz']) {
      const r = await runCli(['build', '--out', out, '--signing-key', keys.signing], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`revision ${head}`);
    }
    const [a, b] = await Promise.all([readFile(path.join(dir, 'a.tar.gz')), readFile(path.join(dir, 'b.tar.gz'))]);
    expect(sha256(a)).toBe(sha256(b));
    expect((await readBundle(a)).revision).toBe(head);
  });

  it('warns when the policy directory has uncommitted changes', async () => {
    const dir = await workspace();
    git(dir, 'init', '-q');
    git(dir, 'add', 'policies');
    git(dir, 'commit', '-q', '-m', 'policies');
    await writeFile(path.join(dir, 'policies/overrides.yaml'), (await readFile(path.join(dir, 'policies/overrides.yaml'), 'utf8')) + '\n');
    const r = await runCli(['build', '--out', 'b.tar.gz'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: .* has uncommitted changes/);
  });

  it('a token-only change leaves policy.wasm byte-identical', async () => {
    const dir = await workspace();
    expect((await runCli(['build', '--out', 'a.tar.gz', '--revision', 'x'], { cwd: dir })).code).toBe(0);
    const tokens = path.join(dir, 'policies/tokens/railway.yaml');
    await writeFile(tokens, (await readFile(tokens, 'utf8')).replace('expires: 2027-10-31T00:00:00Z', 'expires: 2027-11-30T00:00:00Z'));
    expect((await runCli(['build', '--out', 'b.tar.gz', '--revision', 'x'], { cwd: dir })).code).toBe(0);
    const a = await readBundle(await readFile(path.join(dir, 'a.tar.gz')));
    const b = await readBundle(await readFile(path.join(dir, 'b.tar.gz')));
    expect(sha256(a.files.get('policy.wasm')!)).toBe(sha256(b.files.get('policy.wasm')!));
    expect(sha256(a.files.get('data.json')!)).not.toBe(sha256(b.files.get('data.json')!));
  });

  it('writes a bundle directory for any other --out, and removes a stale signature', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir, 'ES256');
    const signed = await runCli(['build', '--out', 'out', '--revision', 'r', '--signing-key', keys.signing, '--signing-alg', 'ES256'], { cwd: dir });
    expect(signed.code).toBe(0);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['.manifest', '.signatures.json', 'catalog.json', 'data.json', 'policy.wasm']);
    const verify = await runCli(['verify', 'out', '--verification-key', keys.verification, '--signing-alg', 'ES256'], { cwd: dir });
    expect(verify.code).toBe(0);
    expect((await runCli(['build', '--out', 'out', '--revision', 'r'], { cwd: dir })).code).toBe(0);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['.manifest', 'catalog.json', 'data.json', 'policy.wasm']);
    expect((await readBundleDirectory(path.join(dir, 'out'))).signatures).toBeNull();
  });

  it('writes nothing when validation fails', async () => {
    const dir = await workspace();
    const api = path.join(dir, 'policies/apis/railway.yaml');
    await writeFile(api, (await readFile(api, 'utf8')).replace('kind: Api', 'kind: Apii'));
    const r = await runCli(['build', '--out', 'bundle.tar.gz', '--revision', 'r'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing was written/);
    await expect(stat(path.join(dir, 'bundle.tar.gz'))).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('needs a revision outside a git checkout', async () => {
    const dir = await workspace();
    const r = await runCli(['build', '--out', 'bundle.tar.gz'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG260');
    expect(r.stderr).toContain('--revision');
    expect((await runCli(['build', '--out', 'bundle.tar.gz', '--revision', ''], { cwd: dir })).code).toBe(0);
  });

  it('signs from an environment variable without printing it', async () => {
    const dir = await workspace();
    const secret = Buffer.from(testKeys('HS256').signing).toString();
    const r = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key-env', 'BG_KEY', '--signing-alg', 'HS256'], {
      cwd: dir,
      env: { BG_KEY: secret },
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const missing = await runCli(['build', '--out', 'c.tar.gz', '--revision', 'r', '--signing-key-env', 'NOPE', '--signing-alg', 'HS256'], { cwd: dir });
    expect(errorCode(missing)).toBe('BG254');
  });

  it('refuses signing flags that would be ignored or contradict', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir);
    // Contradictory or invalid flag values are usage errors (exit 2); problems in files exit 1.
    const cases: [string[], string, number][] = [
      [['--key-id', 'k'], 'BG255', 2],
      [['--scope', 's'], 'BG255', 2],
      [['--signing-alg', 'ES256'], 'BG255', 2],
      [['--signing-alg', 'XX'], 'BG255', 2],
      [['--signing-key', keys.signing, '--signing-key-env', 'X'], 'BG255', 2],
      [['--signing-key', keys.signing, '--signing-alg', 'none'], 'BG250', 2],
      [['--signing-key', keys.signing, '--signing-alg', 'XX'], 'BG250', 2],
      [['--signing-key', keys.signing, '--signing-alg', 'ES256'], 'BG251', 1],
      [['--signing-key', keys.verification], 'BG251', 1],
      [['--signing-key', keys.signing, '--signing-alg', 'HS256'], 'BG252', 1],
      [['--signing-key', 'missing.pem'], 'BG254', 1],
      [['--signing-key', keys.signing, '--claims-file', 'missing.json'], 'BG253', 1],
    ];
    for (const [flags, code, exit] of cases) {
      const r = await runCli(['build', '--out', 'x.tar.gz', '--revision', 'r', ...flags], { cwd: dir });
      expect([flags.join(' '), errorCode(r), r.code]).toEqual([flags.join(' '), code, exit]);
      expect(r.stderr).toMatch(/\n {2}help: \S/);
    }
    await expect(stat(path.join(dir, 'x.tar.gz'))).rejects.toThrow();
  });

  it('takes claims from a claims file', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir);
    await writeFile(path.join(dir, 'claims.json'), JSON.stringify({ iss: 'ci', scope: 'prod' }));
    const r = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', keys.signing, '--claims-file', 'claims.json'], { cwd: dir });
    expect(r.code).toBe(0);
    const ok = await runCli(['verify', 'b.tar.gz', '--verification-key', keys.verification, '--scope', 'prod'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('scope `prod`');
    const bad = await runCli(['verify', 'b.tar.gz', '--verification-key', keys.verification], { cwd: dir });
    expect(errorCode(bad)).toBe('BG310');
  });
});

describe('blastguard build --claims-file with a json syntax error', () => {
  it('is located at line:column and quotes nothing of the file (a credential, terminal escapes)', async () => {
    const dir = await workspace();
    const keys = await withKeys(dir);
    await writeFile(path.join(dir, 'claims.json'), '{\n  "iss": ghp_abcdefghijklmnop\u001b[2J\n}\n');
    const r = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', keys.signing, '--claims-file', 'claims.json'], { cwd: dir });
    expect(errorCode(r)).toBe('BG253');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^claims\.json:2:10: /m);
    expect(r.stderr).not.toContain('ghp_');
    expect(r.stderr).not.toContain('\u001b');
  });
});

describe('blastguard build --format json', () => {
  it('keeps stdout parseable: diagnostics json there, the summary on stderr', async () => {
    const dir = await workspace();
    const ok = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--format', 'json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { errorCount: number }).errorCount).toBe(0);
    expect(ok.stderr).toMatch(/^built b\.tar\.gz/);
    const api = path.join(dir, 'policies/apis/railway.yaml');
    await writeFile(api, (await readFile(api, 'utf8')).replace('kind: Api', 'kind: Apii'));
    const bad = await runCli(['build', '--out', 'c.tar.gz', '--revision', 'r', '--format', 'json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { errorCount: number }).errorCount).toBeGreaterThan(0);
  });
});
