// `blastguard decide` and `pull` with bad input: a decision input that is not JSON is a located,
// one-line, coded error (`file:line:col: BG652`), and `--timeout` that is not a positive number is
// a usage error (exit 2) like every other bad flag value.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { enforceFixtures } from '../enforce/fixtures.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  const f = await enforceFixtures();
  dir = await tempDir('cli-enforcer-input');
  await writeFile(path.join(dir, 'bundle.tar.gz'), await f.bundle('r1', 1));
  await writeFile(path.join(dir, 'key.pem'), f.verificationPem);
  await writeFile(path.join(dir, 'bad.json'), '{"api":\n  "x",\n  "operation": }\n');
  await writeFile(path.join(dir, 'bad2.json'), '{"a":\n  1,,\n}');
});
afterAll(async () => removeDir(dir));

const key = ['--verification-key', 'key.pem', '--signing-alg', 'ES256'];

describe('decide --input that is not json', () => {
  for (const [file, line, column] of [
    ['bad.json', 3, 16],
    ['bad2.json', 2, 5],
  ] as const) {
    it(`locates the error in ${file}`, async () => {
      const r = await runCli(['decide', '--bundle', 'bundle.tar.gz', ...key, '--input', file], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:${line}:${column}`);
      expect(r.stderr).toContain('BG652');
      // The error is one line (then its help), and quotes none of the input.
      const first = r.stderr.split('\n').find((l) => l.includes('BG652'))!;
      expect(first).toContain(`${file}:${line}:${column}`);
      expect(r.stderr).not.toMatch(/at position|\n\s+at /);
    });
  }
});

describe('--timeout', () => {
  for (const value of ['abc', '0', '-1', 'Infinity']) {
    it(`\`${value}\` is a usage error (exit 2)`, async () => {
      const r = await runCli(['pull', 'bundle.tar.gz', ...key, '--timeout', value], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--timeout');
    });
  }
});
