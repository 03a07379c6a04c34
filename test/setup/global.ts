// vitest globalSetup: builds what the suites need from source before any test runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ASSEMBLY_DIR, REPO_ROOT, ROOTS, buildRuntime } from '../../src/compile/runtime/build.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

declare module 'vitest' {
  interface ProvidedContext {
    /** Built runtime roots: root name (see ROOTS in src/compile/runtime/build.ts) → .wasm path. */
    runtimeWasm: Record<string, string>;
    /** Roots whose build failed: root name → asc's diagnostics (the suites using them report it). */
    runtimeBuildErrors: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'blastguard-runtime-'));
  const built: Record<string, string> = {};
  const errors: Record<string, string> = {};
  await Promise.all(
    Object.entries(ROOTS).map(async ([name, entry]) => {
      if (!existsSync(join(REPO_ROOT, ASSEMBLY_DIR, entry))) return;
      try {
        const { wasm } = await buildRuntime({ entry });
        const path = join(outDir, `${name}.wasm`);
        await writeFile(path, wasm);
        built[name] = path;
      } catch (err: unknown) {
        errors[name] = err instanceof Error ? err.message : String(err);
      }
    }),
  );
  project.provide('runtimeWasm', built);
  project.provide('runtimeBuildErrors', errors);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
