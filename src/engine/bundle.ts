import { wasmForEntrypoint, type Bundle } from '../bundle/index.js';
import { DECISION_ENTRYPOINT, loadDecisionEngine, type DecisionEngine } from './sdk.js';

/**
 * The engine of a bundle that was read (and, by whoever read it, verified): its decision module
 * with its `data.json`, or with `data` when the caller patched the data (a replay's Overrides).
 */
export async function loadBundleEngine(bundle: Bundle, data: unknown = bundle.data): Promise<DecisionEngine> {
  return loadDecisionEngine(wasmForEntrypoint(bundle, DECISION_ENTRYPOINT), data);
}
