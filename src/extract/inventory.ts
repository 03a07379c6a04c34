import { parseAllDocuments } from 'yaml';
import { BlastguardError } from '../core/errors.js';
import { isRecord } from '../core/record.js';
import type { IrCatalog } from '../ir/catalog.js';
import type { IrInventory } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import type { ExtractCode } from './codes.js';
import type { Inventory, InventoryEntry } from './types.js';

/*
 * Inventories: what the enforcer knows about resource ids. The policy repository declares them
 * (`kind: Inventory`, compiled into the IR and the bundle's data); an enforcer may also read a
 * runtime file of the same documents, refreshed as resources come and go.
 */

/** One inventory's resources as extraction reads them: resource id → entry, and the environment and project ids it names. */
export function inventoryOf(resources: Iterable<{ id: string; kind: string; environment?: string | null; project?: string | null }>): Inventory {
  const byId = new Map<string, InventoryEntry>();
  const environments = new Map<string, string>();
  const projects = new Map<string, string>();
  for (const r of resources) {
    const entry: InventoryEntry = { kind: r.kind };
    if (r.environment !== undefined && r.environment !== null) entry.environment = r.environment;
    if (r.project !== undefined && r.project !== null) entry.project = r.project;
    byId.set(r.id, entry);
    // Calls pass ids (Railway's environment UUIDs) where policies speak of names.
    if (r.kind === 'environment' && entry.environment !== undefined) environments.set(r.id, entry.environment);
    if (r.kind === 'project' && entry.project !== undefined) projects.set(r.id, entry.project);
  }
  return { resources: byId, environments, projects };
}

const compiled = new WeakMap<IrInventory, Inventory>();

/** The inventory the policy repository declares for an API, if any (converted once per IR). */
export function declaredInventory(ir: IrCatalog, api: string): Inventory | undefined {
  const declared = ir.inventories.find((i) => i.api === api);
  if (!declared) return undefined;
  let inventory = compiled.get(declared);
  if (!inventory) compiled.set(declared, (inventory = inventoryOf(declared.resources)));
  return inventory;
}

export class InventoryFileError extends BlastguardError<ExtractCode> {
  constructor(message: string, options: { file: string; help?: string }) {
    super(EXTRACT_CODES.invalidInventory, message, options);
    this.name = 'InventoryFileError';
  }
}

const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME = ENVIRONMENT_NAME;

/**
 * Reads a runtime inventory file: one or more `Inventory` documents (YAML or JSON), in the shape
 * `schemas/inventory.schema.json` describes, for APIs the IR declares. Pure: it reads no file and
 * no clock. Everything is checked before anything is returned, so a bad refresh never half-applies:
 * it throws `InventoryFileError` (BG400) and the caller keeps its previous inventory. Ids repeat
 * neither within nor across documents of one API (without case, when the API says so).
 */
export function parseInventoryFile(text: string, ir: IrCatalog, file = 'inventory'): Map<string, Inventory> {
  const bad = (message: string, help?: string): never => {
    throw new InventoryFileError(message, help === undefined ? { file } : { file, help });
  };
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(docs)) return bad(`\`${file}\` holds no documents`, 'write one or more `kind: Inventory` documents');
  const byApi = new Map<string, { resources: { id: string; kind: string; environment?: string; project?: string }[]; seen: Map<string, string> }>();
  docs.forEach((doc, d) => {
    const at = (path: string): string => `\`${file}\` document ${d + 1}${path === '' ? '' : ` \`${path}\``}`;
    if (doc.errors.length > 0) bad(`${at('')} cannot be parsed: ${doc.errors[0]?.message.split('\n')[0] ?? 'syntax error'}`);
    let value: unknown;
    try {
      // An inventory has no use for aliases; refusing them refuses alias bombs too.
      value = doc.toJS({ maxAliasCount: 0 });
    } catch {
      return bad(`${at('')} uses yaml aliases`, 'write every resource out');
    }
    if (!isRecord(value)) return bad(`${at('')} is not a mapping`);
    if (value['apiVersion'] !== 'blastguard.dev/v1') bad(`${at('apiVersion')} must be \`blastguard.dev/v1\``);
    if (value['kind'] !== 'Inventory') bad(`${at('kind')} must be \`Inventory\``);
    const metadata = value['metadata'];
    if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || !NAME.test(metadata['name'])) bad(`${at('metadata.name')} must be a name (lowercase letters, digits and \`-\`)`);
    const spec = value['spec'];
    if (!isRecord(spec)) return bad(`${at('spec')} must be a mapping with \`api\` and \`resources\``);
    for (const key of Object.keys(spec)) if (key !== 'api' && key !== 'resources') bad(`${at(`spec.${key}`)} is not a property of an inventory`);
    const apiName = spec['api'];
    const api = typeof apiName === 'string' ? ir.apis.find((a) => a.name === apiName) : undefined;
    if (!api) return bad(`${at('spec.api')} names no api of the bundle`, `declared apis: ${ir.apis.map((a) => `\`${a.name}\``).join(', ') || 'none'}`);
    const resources = spec['resources'];
    if (!Array.isArray(resources)) return bad(`${at('spec.resources')} must be a list`);
    let entry = byApi.get(api.name);
    if (!entry) byApi.set(api.name, (entry = { resources: [], seen: new Map() }));
    resources.forEach((r: unknown, i) => {
      const where = (key: string): string => at(`spec.resources[${i}]${key === '' ? '' : `.${key}`}`);
      if (!isRecord(r)) return bad(`${where('')} must be a mapping with \`id\` and \`kind\``);
      for (const key of Object.keys(r)) if (!['id', 'kind', 'environment', 'project', 'labels'].includes(key)) bad(`${where(key)} is not a property of an inventory resource`);
      const { id, kind, environment, project, labels } = r;
      if (typeof id !== 'string' || id === '') return bad(`${where('id')} must be a non-empty string`);
      if (typeof kind !== 'string' || kind === '') return bad(`${where('kind')} must be a non-empty string`);
      if (environment !== undefined && (typeof environment !== 'string' || !api.environments.includes(environment))) {
        bad(`${where('environment')} is not an environment of api \`${api.name}\``, `one of ${api.environments.map((e) => `\`${e}\``).join(', ')}`);
      }
      if (project !== undefined && (typeof project !== 'string' || project === '')) bad(`${where('project')} must be a non-empty string`);
      if (labels !== undefined && !(isRecord(labels) && Object.values(labels).every((v) => typeof v === 'string'))) bad(`${where('labels')} must map names to strings`);
      const key = api.resourceIds.caseInsensitive ? id.toLowerCase() : id;
      if (entry.seen.has(key)) bad(`${where('id')} repeats an id of api \`${api.name}\` (first at ${entry.seen.get(key) ?? ''})`, 'list each resource once');
      entry.seen.set(key, `document ${d + 1} \`spec.resources[${i}]\``);
      entry.resources.push({ id, kind, ...(typeof environment === 'string' ? { environment } : {}), ...(typeof project === 'string' ? { project } : {}) });
      return undefined;
    });
    return undefined;
  });
  return new Map([...byApi].map(([api, { resources }]) => [api, inventoryOf(resources)]));
}
