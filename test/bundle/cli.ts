import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { CliResult } from '../helpers/cli.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

export { runCli, type CliResult } from '../helpers/cli.js';

/** The error code main() printed (`error BGnnn …`), or null. */
export function errorCode(result: CliResult): string | null {
  return /error (BG\d{3})/.exec(result.stderr)?.[1] ?? null;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A fresh temporary directory holding a copy of the example `policies/`. */
export async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bundle-cli-'));
  dirs.push(dir);
  await cp(path.join(REPO, 'policies'), path.join(dir, 'policies'), { recursive: true });
  return dir;
}
