// The guard's tests run the real pieces: policies built and signed by the CLI into a bundle, the
// catalog `blastguard ir` prints, the CLI binary (`dist/cli/bin.js mcp-guard`) as a child process,
// and an MCP server built with the official SDK (fixtures/supabase-server.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { useBuiltRuntime } from '../compile/support.js';
import { REPO, runCli } from '../helpers/cli.js';

export const BIN = path.join(REPO, 'dist', 'cli', 'bin.js');
export const SERVER = path.join(REPO, 'test', 'guard', 'fixtures', 'supabase-server.mjs');
/** The credential the guarded server uses; the test token declares its fingerprint. */
export const CREDENTIAL = 'sbp_guard_test_0123456789abcdef';

const TOKEN = (fingerprint: string): string => `apiVersion: blastguard.dev/v1
kind: Token
metadata:
  name: guard-test-agent
  owners: ["@acme/data"]
  description: The coding agent of the MCP guard tests.
spec:
  api: supabase-mcp
  fingerprint: ${fingerprint}
  purpose: Read and (with a person named) write the support database.
  expires: 2099-01-01T00:00:00Z
  grants:
    - operations: [list_tables, execute_sql.read, execute_sql.write]
      environments: [production, development]
`;

/** A rule in shadow, so the guard's would-deny path runs on real decisions. */
const SHADOW_RULE = `apiVersion: blastguard.dev/v1
kind: Policy
metadata:
  name: guard-test-shadow
  owners: ["@acme/data"]
  description: Table listings are watched before anyone decides to refuse them.
spec:
  api: supabase-mcp
  rules:
    - id: table-listings-are-logged
      match: { operations: [list_tables] }
      mode: shadow
      reason: Schema discovery by agents is watched.
`;

/** A later policy change: reads are refused too (the bundle-update test). */
export const FREEZE_RULE = `apiVersion: blastguard.dev/v1
kind: Policy
metadata:
  name: guard-test-freeze
  owners: ["@acme/data"]
  description: A freeze added while the guard runs.
spec:
  api: supabase-mcp
  rules:
    - id: no-reads-during-freeze
      match: { operations: [execute_sql.read] }
      mode: deny
      reason: The database is frozen while the migration runs.
`;

export interface GuardRepo {
  dir: string;
  policies: string;
  bundle: string;
  verificationKey: string;
  catalog: string;
  /** Rebuilds the bundle at `revision` with an extra policy file, and swaps it in atomically. */
  publish(revision: string, extra?: { file: string; text: string }): Promise<void>;
}

export function fingerprint(credential: string): string {
  return `sha256:${createHash('sha256').update(credential, 'utf8').digest('hex')}`;
}

async function must(args: string[], cwd: string): Promise<string> {
  const r = await runCli(args, { cwd });
  if (r.code !== 0) throw new Error(`blastguard ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export async function guardRepo(): Promise<GuardRepo> {
  useBuiltRuntime();
  const dir = await mkdtemp(path.join(tmpdir(), 'bg-mcp-guard-'));
  const policies = path.join(dir, 'policies');
  await cp(path.join(REPO, 'policies'), policies, { recursive: true });
  await writeFile(path.join(policies, 'tokens', 'guard-test.yaml'), TOKEN(fingerprint(CREDENTIAL)));
  await writeFile(path.join(policies, 'mcp', 'guard-test-shadow.yaml'), SHADOW_RULE);
  await must(['keygen', '--out', path.join(dir, 'keys')], dir);
  const bundle = path.join(dir, 'bundle.tar.gz');
  const build = async (revision: string, out: string): Promise<void> => {
    await must(['build', '--dir', policies, '--out', out, '--revision', revision, '--signing-key', path.join(dir, 'keys', 'signing-key.pem')], dir);
  };
  await build('r1', bundle);
  const catalog = path.join(dir, 'catalog.json');
  await writeFile(catalog, await must(['ir', '--dir', policies], dir));
  return {
    dir,
    policies,
    bundle,
    verificationKey: path.join(dir, 'keys', 'verification-key.pem'),
    catalog,
    async publish(revision, extra) {
      if (extra !== undefined) await writeFile(path.join(policies, extra.file), extra.text);
      const next = path.join(dir, `bundle-${revision}.tar.gz`);
      await build(revision, next);
      await rename(next, bundle);
    },
  };
}

/** The built CLI must exist: `npm test` builds it first; a focused run needs `npm run build`. */
export function requireBuiltCli(): void {
  expect(existsSync(BIN), `missing ${BIN}: run npm run build`).toBe(true);
}

export function guardArgs(repo: GuardRepo, extra: string[] = []): string[] {
  return [BIN, 'mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey, '--api', 'supabase-mcp', '--poll-interval', '0.2', ...extra];
}

/** Starts a child and resolves with the first stdout line matching `pattern` (the url it prints). */
export async function startChild(command: string, args: string[], pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(args[0] ?? command)} did not start: ${out}${err}`)), 20_000);
    const check = (): void => {
      const m = (stream === 'stdout' ? out : err).match(pattern);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(args[0] ?? command)} exited with ${code}: ${out}${err}`));
    });
  });
  return { child, match, output: () => out + err };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The tool calls the server executed (its record file). */
export async function executed(file: string): Promise<{ tool: string; query?: string }[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { tool: string; query?: string });
}

/** Retries `probe` until it returns true or `ms` pass (a poll, not a timing assertion). */
export async function eventually(probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error('the condition did not hold in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}
