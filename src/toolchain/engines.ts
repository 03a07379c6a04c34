import { BLASTGUARD_ROOT, type Bundle } from '../bundle/index.js';
import { normalizeTimestamp } from '../core/time.js';
import { loadBundleEngine } from '../engine/index.js';
import type { IrOverrides } from '../ir/types.js';
import type { EngineFor, OverridesSpec } from '../replay/index.js';

/**
 * The engine factory replays run against: the bundle's own module with its data, or with its data
 * under a replay's Overrides. Overrides only live in data, so one module serves every replay; each
 * distinct Overrides gets its own engine instance, loaded once.
 */
export function bundleEngines(bundle: Bundle): EngineFor {
  const engines = new Map<string, ReturnType<EngineFor>>();
  return (overrides) => {
    const data = overrides === null ? bundle.data : withOverrides(bundle.data, overrides);
    const key = overrides === null ? '' : JSON.stringify(data);
    let engine = engines.get(key);
    if (!engine) {
      engine = loadBundleEngine(bundle, data);
      engines.set(key, engine);
    }
    return engine;
  };
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
