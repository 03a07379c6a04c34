import type { BundleData, Ir } from './types.js';

/**
 * What goes into the bundle's data.json rather than the module: the token registry and the panic
 * flag change far more often than rules, and OPA operators can patch data without recompiling.
 */
export function bundleDataFromIr(ir: Ir): BundleData {
  const tokens: BundleData['blastguard']['tokens'] = {};
  for (const t of ir.tokens) {
    tokens[t.fingerprint] = { name: t.name, api: t.api, expires: t.expires, grants: t.grants };
  }
  return { blastguard: { tokens, overrides: { ...ir.overrides } } };
}
