// The distribution section of `npm run bench`: what an enforcer pays to take a new bundle — fetch
// (loopback HTTP, file), verify (RS256 over the example policies' bundle) and persist (temp file +
// fsync + rename) — next to each step alone, in the same run.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSource, HttpSource, openPersisted, persistBundle, pull } from '../../src/distribute/index.js';
import { loadVerificationKey, openBundle, singleKeyConfig } from '../../src/verify/index.js';
import { runCli } from '../helpers/cli.js';

const ROUNDS = 50;

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

/** Markdown lines for the bench output. */
export async function benchDistribute(root: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bench-distribute-'));
  try {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(path.join(dir, 'signing.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const built = await runCli(['build', '--dir', path.join(root, 'policies'), '--out', 'bundle.tar.gz', '--revision', 'bench', '--signing-key', 'signing.pem'], { cwd: dir });
    if (built.code !== 0) throw new Error(`bench bundle build failed: ${built.stderr}`);
    const raw = await readFile(path.join(dir, 'bundle.tar.gz'));
    const verification = singleKeyConfig(loadVerificationKey(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'RS256'));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip', etag: '"bench"' });
      res.end(raw);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/blastguard`;
    const persistDir = path.join(dir, 'persist');
    const http = new HttpSource({ url });
    const file = new FileSource({ path: path.join(dir, 'bundle.tar.gz') });
    const rows: [string, { p50: number; p99: number }][] = [];
    try {
      rows.push(['fetch only (http, loopback)', await time(() => ((http.etag = ''), http.check()))]);
      rows.push(['verify only (read + RS256 + file digests)', await time(() => openBundle(raw, { verification }))]);
      rows.push(['persist only (temp + fsync + rename)', await time(() => persistBundle(persistDir, 'blastguard', raw))]);
      rows.push(['pull: http fetch + verify + persist', await time(() => pull(http, { verification, persistDir }))]);
      rows.push(['pull: file + verify + persist', await time(() => pull(file, { verification, persistDir }))]);
      rows.push(['offline start: read persisted + re-verify', await time(() => openPersisted(persistDir, { verification }))]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    return [
      `Bundle distribution: the example policies' signed bundle (${(raw.byteLength / 1024).toFixed(1)} KiB), ${ROUNDS} rounds, ms.`,
      '',
      '| step | p50 ms | p99 ms |',
      '| --- | ---: | ---: |',
      ...rows.map(([name, s]) => `| ${name} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} |`),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
