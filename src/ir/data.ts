import type { BundleData, Ir } from './types.js';

/**
 * What goes into the bundle's data.json rather than the module: the token registry, the panic
 * flag and the inventories change far more often than rules, and OPA operators can patch data
 * without recompiling. Inventories are for the enforcer's extraction; the policy never reads them.
 */
export function bundleDataFromIr(ir: Ir): BundleData {
  const tokens: BundleData['blastguard']['tokens'] = {};
  for (const t of ir.tokens) {
    tokens[t.fingerprint] = { name: t.name, api: t.api, expires: t.expires, grants: t.grants };
  }
  const data: BundleData = { blastguard: { tokens, overrides: { ...ir.overrides } } };
  if (ir.inventories.length > 0) {
    const inventories: NonNullable<BundleData['blastguard']['inventories']> = {};
    for (const inv of ir.inventories) {
      const resources: Record<string, { kind: string; environment: string | null; project: string | null }> = {};
      for (const r of inv.resources) resources[r.id] = { kind: r.kind, environment: r.environment, project: r.project };
      inventories[inv.api] = resources;
    }
    data.blastguard.inventories = inventories;
  }
  return data;
}
