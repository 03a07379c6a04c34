import type { Inventory, InventoryEntry } from '../extract/index.js';
import type { ReplayDocument } from '../schemas/types.generated.js';

/**
 * A replay's inventory as extraction reads it. Entries of kind `environment` also map their id to
 * the environment they name, and entries of kind `project` their id to the project name, because
 * calls pass Railway's UUIDs where policies speak of `production` and `pocketos`.
 */
export function replayInventory(spec: ReplayDocument['spec']['inventory']): Inventory {
  const resources = new Map<string, InventoryEntry>();
  const environments = new Map<string, string>();
  const projects = new Map<string, string>();
  for (const r of spec?.resources ?? []) {
    const entry: InventoryEntry = { kind: r.kind };
    if (r.environment !== undefined) entry.environment = r.environment;
    if (r.project !== undefined) entry.project = r.project;
    resources.set(r.id, entry);
    if (r.kind === 'environment' && r.environment !== undefined) environments.set(r.id, r.environment);
    if (r.kind === 'project' && r.project !== undefined) projects.set(r.id, r.project);
  }
  return { resources, environments, projects };
}
