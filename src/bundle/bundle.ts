import { canonicalJson, isCanonicalObject, type CanonicalObject, type CanonicalValue } from '../core/canonical-json.js';
import { BlastguardError } from '../core/errors.js';
import { parseStructuredFile } from './hash.js';
import { manifestFromJson, serializeManifest, toPlain, validateManifest, type Manifest } from './manifest.js';
import { DEFAULT_READ_LIMITS, gzipDeterministic, readTarGz, writeTar, type BundleEntry, type ReadLimits } from './tar.js';
import { BUNDLE_CODES } from './codes.js';

export const DATA_PATH = 'data.json';
export const WASM_PATH = 'policy.wasm';
export const MANIFEST_PATH = '.manifest';
export const SIGNATURES_PATH = '.signatures.json';
/**
 * The api catalog an enforcer reads HTTP requests with (src/ir/catalog.ts). OPA loads only
 * `data.json`, `*.rego`, `policy.wasm` and `.manifest` by name and ignores other files, but signs
 * and verifies every file (opa-compat.md §2.2, §3.5): so the catalog is signed content that never
 * reaches the policy's `data`, and hashed as raw bytes (only `data.json`-like names are parsed).
 */
export const CATALOG_PATH = 'catalog.json';
/** The one data root a blastguard bundle owns: its data and its entrypoints live under it. */
export const BLASTGUARD_ROOT = 'blastguard';
export const REGO_VERSION = 1;

const BG200_HELP = 'this is a bug in the compiler output; please report it with the policies that cause it';

/** What a bundle is made of, before it becomes files. */
export interface BundleContent {
  wasm: Uint8Array;
  /** The data document (`BundleData` for blastguard policies); must be a JSON object. */
  data: unknown;
  revision: string;
  /** Slash paths such as `blastguard/decision`; each becomes a `wasm` resolver on `/policy.wasm`. */
  entrypoints: readonly string[];
  metadata?: Record<string, unknown>;
  /** Defaults to `["blastguard"]`. */
  roots?: readonly string[];
  /** A JSON document written as `catalog.json` (the enforcer's api catalog); no file when absent. */
  catalog?: unknown;
}

/**
 * The files of an unsigned bundle, in the order they are written and signed: `data.json`,
 * `catalog.json` (when given), `policy.wasm`, `.manifest`. Throws BG200 when the content could not
 * be loaded by OPA.
 */
export function bundleFiles(content: BundleContent): BundleEntry[] {
  if (typeof content.data !== 'object' || content.data === null || Array.isArray(content.data)) {
    throw new BlastguardError(BUNDLE_CODES.unwritable, 'bundle data must be a json object', { help: BG200_HELP });
  }
  if (content.entrypoints.length === 0) throw new BlastguardError(BUNDLE_CODES.unwritable, 'a bundle needs at least one entrypoint', { help: BG200_HELP });
  const manifest: Manifest = {
    revision: content.revision,
    roots: [...(content.roots ?? [BLASTGUARD_ROOT])],
    wasm: content.entrypoints.map((entrypoint) => ({ entrypoint, module: '/' + WASM_PATH })),
    rego_version: REGO_VERSION,
  };
  if (content.metadata !== undefined) manifest.metadata = content.metadata;
  let data: Uint8Array;
  try {
    data = Buffer.from(canonicalJson(content.data) + '\n', 'utf8');
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.unwritable, `bundle data is not serializable as json: ${e instanceof Error ? e.message : String(e)}`, { help: BG200_HELP, cause: e });
  }
  const dataTree = parseStructuredFile(DATA_PATH, data);
  let catalog: Uint8Array | undefined;
  if (content.catalog !== undefined) {
    try {
      catalog = Buffer.from(canonicalJson(content.catalog) + '\n', 'utf8');
    } catch (e) {
      throw new BlastguardError(BUNDLE_CODES.unwritable, `bundle catalog is not serializable as json: ${e instanceof Error ? e.message : String(e)}`, { help: BG200_HELP, cause: e });
    }
  }
  for (const w of manifest.wasm ?? []) {
    if (!/^[^/]+(\/[^/]+)*$/.test(w.entrypoint)) {
      throw new BlastguardError(BUNDLE_CODES.unwritable, `entrypoint \`${w.entrypoint}\` must be a slash path like \`blastguard/decision\``, { help: BG200_HELP });
    }
  }
  try {
    validateManifest(manifest, { wasmPaths: new Set(['/' + WASM_PATH]), data: dataTree });
  } catch (e) {
    if (e instanceof BlastguardError) throw new BlastguardError(BUNDLE_CODES.unwritable, e.message, { help: e.help ?? BG200_HELP, cause: e });
    throw e;
  }
  return [
    { path: DATA_PATH, bytes: data },
    ...(catalog === undefined ? [] : [{ path: CATALOG_PATH, bytes: catalog }]),
    { path: WASM_PATH, bytes: content.wasm },
    { path: MANIFEST_PATH, bytes: serializeManifest(manifest) },
  ];
}

/**
 * The gzip tar of a bundle. Entries keep their order, except that `.signatures.json` goes right
 * before `.manifest` (OPA's write order). Same files in → same bytes out.
 */
export function packBundle(files: readonly BundleEntry[], signatures?: Uint8Array): Uint8Array {
  const entries = files.filter((f) => f.path !== MANIFEST_PATH);
  if (signatures !== undefined) entries.push({ path: SIGNATURES_PATH, bytes: signatures });
  const manifest = files.find((f) => f.path === MANIFEST_PATH);
  if (manifest) entries.push(manifest);
  return gzipDeterministic(writeTar(entries));
}

/** A bundle read from bytes. Nothing here is verified: use `src/verify` for that. */
export interface Bundle {
  /** Every regular file except `.signatures.json`, by path without the leading `/`, in archive order. */
  files: ReadonlyMap<string, Uint8Array>;
  /** The raw `.signatures.json`, or null when the bundle is unsigned. */
  signatures: Uint8Array | null;
  /** The manifest; a bundle without `.manifest` gets OPA's defaults (`revision: ""`, roots `[""]`). */
  manifest: Manifest;
  revision: string;
  /** The merged data tree with numbers kept as written (hashing, re-serialising). */
  dataTree: CanonicalValue;
  /** The merged data as plain JS values: what an engine is given. */
  data: unknown;
  /**
   * Wasm modules by entry name exactly as the archive gives it (`/policy.wasm` as OPA writes it, or
   * `policy.wasm` from another writer): OPA matches `.manifest` `wasm[].module` against it verbatim.
   */
  wasmModules: ReadonlyMap<string, Uint8Array>;
  /** Entrypoint → bundle path of its module. */
  entrypoints: ReadonlyMap<string, string>;
}

export interface ReadBundleOptions {
  limits?: Partial<ReadLimits>;
}

/**
 * Reads a gzip tar bundle with OPA's rules, refusing anything a careful reader should not guess
 * about (links, traversal, duplicates, oversize, delta bundles, non-JSON data). Throws
 * BlastguardError BG210–BG239.
 */
export async function readBundle(bytes: Uint8Array, options: ReadBundleOptions = {}): Promise<Bundle> {
  const entries = await readTarGz(bytes, { ...DEFAULT_READ_LIMITS, ...options.limits });
  return bundleFromEntries(entries);
}

/** The same checks as `readBundle` for files already in memory (a directory bundle, a test). */
export function bundleFromEntries(entries: readonly BundleEntry[]): Bundle {
  const files = new Map<string, Uint8Array>();
  const names = new Map<string, string>();
  let signatures: Uint8Array | null = null;
  for (const e of entries) {
    if (e.path === SIGNATURES_PATH) signatures = e.bytes;
    else {
      files.set(e.path, e.bytes);
      names.set(e.path, e.name ?? '/' + e.path);
    }
  }
  if ([...files.keys()].some((p) => basename(p) === 'patch.json')) {
    throw new BlastguardError(BUNDLE_CODES.deltaBundle, 'bundle is a delta bundle (`patch.json`); only snapshot bundles are supported', {
      help: 'delta bundles carry no policy and cannot be signed; build a snapshot bundle',
    });
  }
  const manifestBytes = files.get(MANIFEST_PATH);
  const manifest: Manifest = manifestBytes ? manifestFromJson(parseStructuredFile(MANIFEST_PATH, manifestBytes)) : { revision: '' };

  let dataTree: CanonicalValue = {};
  const wasmModules = new Map<string, Uint8Array>();
  for (const [path, content] of files) {
    const base = basename(path);
    if (base === 'data.json' || base === 'data.yaml' || base === 'data.yml') {
      const dir = path.slice(0, Math.max(0, path.length - base.length - 1));
      dataTree = mountData(dataTree, dir, parseStructuredFile(path, content), path);
    } else if (base === WASM_PATH) {
      // Keyed by the entry name as written, not a normalized path: OPA activates a bundle only when
      // `wasm[].module` equals the name exactly (`/policy.wasm` ≠ `policy.wasm`).
      wasmModules.set(names.get(path) ?? '/' + path, content);
    }
  }
  validateManifest(manifest, { wasmPaths: new Set(wasmModules.keys()), data: dataTree });
  const entrypoints = new Map<string, string>();
  for (const w of manifest.wasm ?? []) entrypoints.set(w.entrypoint, w.module);
  return {
    files,
    signatures,
    manifest,
    revision: manifest.revision,
    dataTree,
    data: toPlain(dataTree),
    wasmModules,
    entrypoints,
  };
}

/** The module that serves `entrypoint`, or a BG238 error listing the ones the bundle has. */
export function wasmForEntrypoint(bundle: Bundle, entrypoint: string): Uint8Array {
  const module = bundle.entrypoints.get(entrypoint);
  const wasm = module === undefined ? undefined : bundle.wasmModules.get(module);
  if (wasm === undefined) {
    const known = [...bundle.entrypoints.keys()].map((e) => `\`${e}\``).join(', ') || 'none';
    throw new BlastguardError(BUNDLE_CODES.noWasmEntrypoint, `bundle has no wasm entrypoint \`${entrypoint}\` (it has ${known})`, {
      help: 'evaluate one of the entrypoints the bundle has, or rebuild it with `blastguard build`',
    });
  }
  return wasm;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** OPA mounts `<dir>/data.json` at `data.<dir>`; the root file must be an object; overlaps merge, conflicts fail. */
function mountData(tree: CanonicalValue, dir: string, value: CanonicalValue, file: string): CanonicalValue {
  if (dir === '' && !isCanonicalObject(value)) {
    throw new BlastguardError(BUNDLE_CODES.conflictingData, `bundle file \`${file}\` must hold a json object at the root`, { file, help: 'OPA mounts the root `data.json` at `data`, so it must be an object' });
  }
  let wrapped = value;
  for (const segment of (dir === '' ? [] : dir.split('/')).reverse()) {
    const o = Object.create(null) as CanonicalObject;
    o[segment] = wrapped;
    wrapped = o;
  }
  return merge(tree, wrapped, '', file);
}

function merge(a: CanonicalValue, b: CanonicalValue, path: string, file: string): CanonicalValue {
  if (isCanonicalObject(a) && isCanonicalObject(b)) {
    const out = Object.create(null) as CanonicalObject;
    for (const [k, v] of Object.entries(a)) out[k] = v;
    for (const [k, v] of Object.entries(b)) {
      const existing = out[k];
      out[k] = existing === undefined ? v : merge(existing, v, path === '' ? k : `${path}/${k}`, file);
    }
    return out;
  }
  throw new BlastguardError(BUNDLE_CODES.conflictingData, `bundle file \`${file}\` conflicts with other data at \`${path}\``, {
    file,
    help: 'two data files set the same path; OPA refuses such a bundle. Keep one of them',
  });
}
