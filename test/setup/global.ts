// vitest globalSetup: builds what the suites need from source before any test runs.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ASSEMBLY_DIR, REPO_ROOT, ROOTS, buildRuntime } from '../../src/compile/runtime/build.js';

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
  // src/compile/link.ts reads the runtime from here, so suites never depend on a stale dist/.
  const production = built['policy-runtime'];
  if (production !== undefined) process.env['BLASTGUARD_RUNTIME_WASM'] = production;
  project.provide('runtimeBuildErrors', errors);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
