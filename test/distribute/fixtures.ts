import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipDeterministic, readTarGz, writeTar } from '../../src/bundle/index.js';
import { loadVerificationKey, singleKeyConfig, type VerificationConfig } from '../../src/verify/index.js';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

/** CI must run every real-server test; elsewhere a missing binary skips with a visible notice. */
export const IN_CI = process.env['CI'] === 'true';

export interface Binary {
  path: string;
  /** True when the tests using it must be skipped (absent, and not in CI). */
  skip: boolean;
}

export function binary(file: string, pkg: string): Binary {
  const present = existsSync(file);
  if (!present && !IN_CI) {
    // assemblyscript's global `console` declaration hides Node's `warn` from tsc; it is there at run time.
    (console as unknown as Console).warn(`[blastguard tests] SKIPPING tests that need \`${file}\`: not installed (apt-get install ${pkg}); in CI (CI=true) they run and fail instead`);
  }
  return { path: file, skip: !present && !IN_CI };
}

export function requirePresent(b: Binary, pkg: string): void {
  if (!existsSync(b.path)) throw new Error(`\`${b.path}\` is missing; CI=true requires it (apt-get install ${pkg}, see .ci/run)`);
}

/** A port nobody listens on right now, on loopback. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `blastguard-${label}-`));
  // nginx workers drop root privileges: they must be able to read what the test serves.
  await chmod(dir, 0o755);
  return dir;
}

/** A child process the test started, stopped (and awaited) by `stop()`. */
export interface Daemon {
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startDaemon(file: string, args: string[], ready: () => Promise<boolean>, label: string): Promise<Daemon> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}: ${output}`);
    if (await ready().catch(() => false)) return { process: child, output: () => output, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${label} did not become ready: ${output}`);
}

export interface SignedBundles {
  /** The example policies, built and signed by `blastguard build` (revision `r1`). */
  raw: Uint8Array;
  /** The same policies at revision `r2`. */
  raw2: Uint8Array;
  /** Signed by a key the verifier does not trust. */
  otherKey: Uint8Array;
  /** The files of `raw` with the `.signatures.json` of `raw2`. */
  swapped: Uint8Array;
  verification: VerificationConfig;
  dir: string;
}

let built: Promise<SignedBundles> | undefined;

/** Real signed bundles from `policies/`, built once per test file with the CLI. */
export function signedBundles(): Promise<SignedBundles> {
  built ??= (async () => {
    const dir = await workspace();
    const keys = testKeys('RS256');
    const other = testKeys('RS256', 'other');
    await writeFile(path.join(dir, 'signing.pem'), keys.signing);
    await writeFile(path.join(dir, 'other.pem'), other.signing);
    for (const [out, revision, key] of [
      ['r1.tar.gz', 'r1', 'signing.pem'],
      ['r2.tar.gz', 'r2', 'signing.pem'],
      ['other.tar.gz', 'r1', 'other.pem'],
    ] as const) {
      const result = await runCli(['build', '--dir', 'policies', '--out', out, '--revision', revision, '--signing-key', key], { cwd: dir });
      if (result.code !== 0) throw new Error(`build failed (${errorCode(result)}): ${result.stderr}`);
    }
    const raw = await readFile(path.join(dir, 'r1.tar.gz'));
    const raw2 = await readFile(path.join(dir, 'r2.tar.gz'));
    const entries1 = await readTarGz(raw);
    const signatures2 = (await readTarGz(raw2)).find((e) => e.path === '.signatures.json')!;
    const swapped = gzipDeterministic(writeTar(entries1.map((e) => (e.path === '.signatures.json' ? signatures2 : e))));
    return {
      raw,
      raw2,
      otherKey: await readFile(path.join(dir, 'other.tar.gz')),
      swapped,
      verification: singleKeyConfig(loadVerificationKey(keys.verification, 'RS256')),
      dir,
    };
  })();
  return built;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/**
 * Debian's nginx serving `dir/www` on a free loopback port, in the foreground with everything it
 * writes kept in `dir`; resolves once `path` answers 200 (so the file must exist first).
 * `bundleType` serves `.gz` as OPA's bundle media type; otherwise as `application/gzip`. `gzip`
 * compresses responses for clients that accept it.
 */
export async function startNginx(nginxPath: string, dir: string, urlPath: string, options: { bundleType: boolean; gzip?: boolean }): Promise<{ daemon: Daemon; url: string }> {
  const port = await freePort();
  const temp = (name: string): string => `${name}_temp_path ${path.join(dir, name)};`;
  const types = options.bundleType ? ['  types { application/vnd.openpolicyagent.bundles gz; }', '  default_type application/octet-stream;'] : ['  default_type application/gzip;'];
  await writeFile(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${path.join(dir, 'access.log')};`,
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
      ...types,
      // A CDN-like setup that compresses whatever a client accepts, bundles included.
      ...(options.gzip === true ? ['  gzip on; gzip_min_length 1; gzip_types application/octet-stream application/gzip application/vnd.openpolicyagent.bundles;'] : []),
      `  server { listen 127.0.0.1:${port}; root ${path.join(dir, 'www')}; etag on; }`,
      '}',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}${urlPath}`;
  const daemon = await startDaemon(nginxPath, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], async () => (await fetch(url)).status === 200, 'nginx');
  return { daemon, url };
}
