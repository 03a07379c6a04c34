// Shared setup for the compile, differential and fuzz suites.
import path from 'node:path';
import { inject } from 'vitest';
import { loadPolicySet } from '../../src/load/index.js';
import { buildIr } from '../../src/ir/build.js';
import type { Ir } from '../../src/ir/types.js';

/** Points compileIr at the runtime test/setup/global.ts built from source for this run. */
export function useBuiltRuntime(): void {
  const built = inject('runtimeWasm')['policy-runtime'];
  if (built === undefined) {
    throw new Error(inject('runtimeBuildErrors')['policy-runtime'] ?? 'the policy runtime was not built');
  }
  process.env['BLASTGUARD_RUNTIME_WASM'] = built;
}

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/** The example repository's IR (`policies/`). */
export async function exampleIr(): Promise<Ir> {
  const { set } = await loadPolicySet(path.join(REPO, 'policies'), { cwd: REPO });
  return buildIr(set);
}
