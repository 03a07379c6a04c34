import { BLASTGUARD_ROOT, bundleFiles, packBundle, readBundle, wasmForEntrypoint } from '../bundle/index.js';
import { compileIr } from '../compile/index.js';
import { loadDecisionEngine } from '../compile/sdk.js';
import type { DecisionEngine } from '../compile/sdk.js';
import { normalizeTimestamp } from '../core/time.js';
import { irDigest } from '../ir/build.js';
import type { Ir, IrOverrides } from '../ir/types.js';

export const DECISION_ENTRYPOINT = `${BLASTGUARD_ROOT}/decision`;

/** What a replay or a suite may put in place of the repository's Overrides. */
export interface OverridesSpec {
  enforcement: IrOverrides['enforcement'];
  reason?: string;
  expires?: string;
}

/** Decides with the bundle's data, or with its data under other Overrides. */
export type EngineFor = (overrides: OverridesSpec | null) => Promise<Pick<DecisionEngine, 'decide'>>;

export interface TestBundle {
  /** The bundle as `blastguard build` would write it, unsigned (`.tar.gz` bytes). */
  bytes: Uint8Array;
  revision: string;
  engineFor: EngineFor;
}

/**
 * Compiles the IR and packs it into an OPA bundle in memory, then reads that bundle back and runs
 * its `policy.wasm` with its `data.json` through the official OPA Wasm SDK: replays exercise the
 * artifact that ships, not the TypeScript reference. Overrides only live in data, so one module
 * serves every replay; each distinct Overrides gets its own engine instance.
 */
export async function buildTestBundle(ir: Ir): Promise<TestBundle> {
  const compiled = compileIr(ir);
  const revision = irDigest(ir);
  const bytes = packBundle(
    bundleFiles({ wasm: compiled.wasm, data: compiled.data, revision, entrypoints: compiled.entrypoints, metadata: { purpose: 'blastguard test' } }),
  );
  const bundle = await readBundle(bytes);
  const wasm = wasmForEntrypoint(bundle, DECISION_ENTRYPOINT);
  const engines = new Map<string, Promise<Pick<DecisionEngine, 'decide'>>>();
  const engineFor: EngineFor = (overrides) => {
    const data = overrides === null ? bundle.data : withOverrides(bundle.data, overrides);
    const key = overrides === null ? '' : JSON.stringify(data);
    let engine = engines.get(key);
    if (!engine) {
      engine = loadDecisionEngine(wasm, data);
      engines.set(key, engine);
    }
    return engine;
  };
  return { bytes, revision, engineFor };
}

/** The bundle data with `blastguard.overrides` replaced, normalized as the IR builder would. */
export function withOverrides(data: unknown, overrides: OverridesSpec): unknown {
  const normalized: IrOverrides = {
    enforcement: overrides.enforcement,
    reason: overrides.reason ?? null,
    expires: overrides.expires === undefined ? null : (normalizeTimestamp(overrides.expires) ?? overrides.expires),
  };
  const root = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const blastguard = (typeof root[BLASTGUARD_ROOT] === 'object' && root[BLASTGUARD_ROOT] !== null ? root[BLASTGUARD_ROOT] : {}) as Record<string, unknown>;
  return { ...root, [BLASTGUARD_ROOT]: { ...blastguard, overrides: normalized } };
}
