// The proxy bench's probe (test/bench/proxy-probe.mjs) reports the whole process: the main thread
// asks the worker threads for their isolates' figures. A worker that does not answer in time must
// show in the report (`unanswered`), so that the bench never passes main-thread figures off as
// the process's (test/bench/proxy.ts says so in its output).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const PROBE = pathToFileURL(path.join(REPO, 'test', 'bench', 'proxy-probe.mjs')).href;

// A process with one worker thread (from a file: Node runs preloads in those); with BLOCK set, the
// worker then keeps its thread busy for 6 s.
const WORKER = `
require('node:worker_threads').parentPort.postMessage('up');
if (process.env.BLOCK) { const end = Date.now() + 6000; while (Date.now() < end); }
setInterval(() => {}, 1000);
`;
const MAIN = `
const w = new (require('node:worker_threads').Worker)(require('node:path').join(__dirname, 'worker.cjs'));
w.once('message', () => setTimeout(() => process.stdout.write('ready\\n'), 300));
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bg-bench-probe-'));
  writeFileSync(path.join(dir, 'worker.cjs'), WORKER);
  writeFileSync(path.join(dir, 'main.cjs'), MAIN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function probeReport(block: boolean): Promise<{ isolates: number; unanswered: number }> {
  const child = spawn(process.execPath, ['--import', PROBE, path.join(dir, 'main.cjs')], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', ...(block ? { BLOCK: '1' } : {}) } });
  let stderr = '';
  return new Promise<{ isolates: number; unanswered: number }>((resolve, reject) => {
    child.stdout.once('data', () => child.kill('SIGUSR2'));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const line = /^blastguard-bench-probe (.*)$/m.exec(stderr);
      if (line) resolve(JSON.parse(line[1]!) as { isolates: number; unanswered: number });
    });
    child.once('exit', (code, signal) => reject(new Error(`exited ${code ?? signal}: ${stderr}`)));
  }).finally(() => child.kill('SIGKILL'));
}

describe('proxy bench probe', () => {
  it('counts the worker threads that did not answer, and none when all did', async () => {
    expect(await probeReport(false)).toMatchObject({ isolates: 2, unanswered: 0 });
    expect(await probeReport(true)).toMatchObject({ isolates: 1, unanswered: 1 });
  }, 30_000);
});
