// The decision-log file when it cannot grow (a full disk; here a file size limit, `ulimit -f`, in a
// child process): writes come back short, then fail. The file must end with a whole line, events
// that did not make it whole are counted as dropped (not as written), and a later write still
// appends whole lines.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeDir, tempDir } from '../distribute/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let script: string;
beforeAll(async () => {
  dir = await tempDir('decision-log-full');
  // Under dist/ so the bundled script resolves its packages from the repository's node_modules.
  const out = path.join(root, 'dist', 'test-probes');
  await mkdir(out, { recursive: true });
  script = path.join(out, `decision-log-full-${process.pid}.mjs`);
  await build({
    stdin: { contents: CHILD, resolveDir: path.join(root, 'test', 'enforce'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: script,
    logLevel: 'warning',
  });
});
afterAll(async () => {
  await removeDir(dir);
  await removeDir(script);
});

/** Records 40 events of ~400 bytes each (16 KiB does not take them all), flushes, then 3 more. */
const CHILD = `
import { DecisionLog } from '../../src/enforce/decision-log.js';
const file = process.argv[2];
const log = new DecisionLog({ file: { path: file, maxBytes: 1 << 30 }, flushIntervalMs: 3_600_000 }, { id: 'x' }, Date.now);
const result = { allow: false, mode: 'deny', enforced: true, would_deny: true, rule: 'r', reasons: [], violations: [], environment: null, environment_assumed: false, class: null, enforcement: null };
const record = (i, pad) => log.record({ input: { i, pad: 'p'.repeat(pad) }, result, bundle: { name: 'b', revision: 'r' }, timeMs: Date.now(), durationNs: 1 });
for (let i = 0; i < 40; i++) record(i, 300);
await log.flush();
const first = log.stats();
for (let i = 0; i < 3; i++) record(i, 0);
await log.flush();
const second = log.stats();
await log.close();
process.stdout.write(JSON.stringify({ first, second }));
`;

interface Stats {
  written: number;
  failures: { file: number };
  lastError: { code: string } | null;
  dropped: { decision_logs_dropped_file_write_failed: { allow: number; shadow_or_deny: number } };
}

it('cuts a short write back to the last whole line and counts the rest as dropped', async () => {
  const file = path.join(dir, 'decisions.jsonl');
  // 16 blocks of 1 KiB: the 41st line of ~400 bytes no longer fits.
  const child = spawnSync('bash', ['-c', 'ulimit -f 16; exec "$0" "$1" "$2"', process.execPath, script, file], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  const { first, second } = JSON.parse(child.stdout) as { first: Stats; second: Stats };
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.split('\n').slice(0, -1);
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024);
  expect(lines.length).toBeGreaterThan(0);
  expect(first.written).toBe(lines.length);
  expect(first.written).toBeLessThan(40);
  expect(first.dropped.decision_logs_dropped_file_write_failed.shadow_or_deny).toBe(40 - first.written);
  expect(first.failures.file).toBe(1);
  expect(first.lastError?.code).toBe('BG641');
  // The second batch: whatever fits is appended as whole lines; the rest is counted, nothing lost silently.
  const added = second.written - first.written;
  expect(added + second.dropped.decision_logs_dropped_file_write_failed.shadow_or_deny - first.dropped.decision_logs_dropped_file_write_failed.shadow_or_deny).toBe(3);
  const after = (await readFile(file, 'utf8')).split('\n');
  expect(after.length - 1).toBe(second.written);
});
