// Access to the runtime modules built by test/setup/global.ts.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** Bytes of a built root (`echo`, `policy-runtime`); throws with asc's diagnostics if it failed to build. */
export function runtimeWasm(name: string): Uint8Array {
  const path = inject('runtimeWasm')[name];
  if (path === undefined) {
    const error = inject('runtimeBuildErrors')[name];
    throw new Error(error ?? `runtime root ${name} was not built`);
  }
  return new Uint8Array(readFileSync(path));
}
