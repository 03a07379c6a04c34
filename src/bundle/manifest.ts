import { JsonNumberLiteral, isCanonicalObject, type CanonicalValue } from '../core/canonical-json.js';
import { BlastguardError } from '../core/errors.js';
import { escape as printable } from '../core/untrusted.js';
import { BUNDLE_CODES } from './codes.js';

/** `.manifest` (OPA `bundle.Manifest`), in OPA's field order, which is also the order we write. */
export interface Manifest {
  revision: string;
  roots?: string[];
  wasm?: WasmResolver[];
  rego_version?: number;
  metadata?: Record<string, unknown>;
}

export interface WasmResolver {
  entrypoint: string;
  module: string;
}

/** OPA writes the manifest with Go's `json.Encoder`: compact, one trailing newline, struct field order. */
export function serializeManifest(manifest: Manifest): Uint8Array {
  const ordered: Record<string, unknown> = { revision: manifest.revision };
  if (manifest.roots !== undefined) ordered.roots = manifest.roots;
  if (manifest.wasm !== undefined) ordered.wasm = manifest.wasm.map((w) => ({ entrypoint: w.entrypoint, module: w.module }));
  if (manifest.rego_version !== undefined) ordered.rego_version = manifest.rego_version;
  if (manifest.metadata !== undefined) ordered.metadata = manifest.metadata;
  return Buffer.from(JSON.stringify(ordered) + '\n', 'utf8');
}

const MANIFEST_HELP = 'see the `.manifest` layout in the README (Bundles); OPA refuses a manifest with fields of the wrong type';
const ROOTS_HELP = 'OPA activates a bundle only when its entrypoints and data lie under its manifest roots (`blastguard` for a blastguard bundle)';

function invalid(message: string): BlastguardError {
  return new BlastguardError(BUNDLE_CODES.manifestField, `\`.manifest\` ${message}`, { file: '.manifest', help: MANIFEST_HELP });
}

/** Turns the parsed `.manifest` into a `Manifest`, checking field types. Unknown fields are ignored as OPA ignores them. */
export function manifestFromJson(value: CanonicalValue): Manifest {
  if (!isCanonicalObject(value)) throw invalid('must be a json object');
  const revision = value.revision ?? '';
  if (typeof revision !== 'string') throw invalid('field `revision` must be a string');
  const manifest: Manifest = { revision };
  if (value.roots !== undefined && value.roots !== null) {
    if (!Array.isArray(value.roots) || !value.roots.every((r) => typeof r === 'string')) {
      throw invalid('field `roots` must be an array of strings');
    }
    manifest.roots = value.roots as string[];
  }
  if (value.wasm !== undefined && value.wasm !== null) {
    if (!Array.isArray(value.wasm)) throw invalid('field `wasm` must be an array');
    manifest.wasm = (value.wasm as readonly CanonicalValue[]).map((w, i) => {
      if (!isCanonicalObject(w) || typeof w.entrypoint !== 'string' || typeof w.module !== 'string') {
        throw invalid(`field \`wasm[${i}]\` must have string \`entrypoint\` and \`module\``);
      }
      return { entrypoint: w.entrypoint, module: w.module };
    });
  }
  if (value.rego_version !== undefined && value.rego_version !== null) {
    const rv = value.rego_version;
    if (!(rv instanceof JsonNumberLiteral) || !/^[0-9]+$/.test(rv.text)) throw invalid('field `rego_version` must be an integer');
    manifest.rego_version = Number(rv.text);
  }
  if (value.metadata !== undefined && value.metadata !== null) {
    if (!isCanonicalObject(value.metadata)) throw invalid('field `metadata` must be an object');
    manifest.metadata = toPlain(value.metadata) as Record<string, unknown>;
  }
  return manifest;
}

/** Parsed JSON with number literals → plain JS values (numbers as JS numbers) for callers that only read. */
export function toPlain(value: CanonicalValue | undefined): unknown {
  if (value instanceof JsonNumberLiteral) return Number(value.text);
  if (Array.isArray(value)) return value.map((v: CanonicalValue) => toPlain(v));
  if (isCanonicalObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: toPlain(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** OPA trims leading and trailing `/` from roots; an absent list means the bundle owns all of `data`. */
export function effectiveRoots(manifest: Manifest): string[] {
  return (manifest.roots ?? ['']).map((r) => r.replace(/^\/+|\/+$/g, ''));
}

function segments(path: string): string[] {
  return path === '' ? [] : path.split('/');
}

/** Whether `path` (slash-separated, under `data`) lies inside `root`. */
export function isUnderRoot(path: string, root: string): boolean {
  const r = segments(root);
  const p = segments(path);
  return r.length <= p.length && r.every((s, i) => s === p[i]);
}

/**
 * OPA's activation checks on a manifest: roots do not overlap, every wasm module exists, every
 * entrypoint is under a root and claimed by one module, every data path is under a root.
 */
export function validateManifest(manifest: Manifest, files: { wasmPaths: ReadonlySet<string>; data: CanonicalValue }): void {
  const roots = effectiveRoots(manifest);
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      const a = roots[i]!;
      const b = roots[j]!;
      if (isUnderRoot(a, b) || isUnderRoot(b, a)) {
        throw new BlastguardError(BUNDLE_CODES.overlappingRoots, `\`.manifest\` has overlapping roots \`${a}\` and \`${b}\``, {
          file: '.manifest',
          help: 'OPA refuses a manifest whose roots overlap (one is a prefix of the other); keep the shorter one',
        });
      }
    }
  }
  const claimed = new Set<string>();
  for (const w of manifest.wasm ?? []) {
    if (!files.wasmPaths.has(w.module)) {
      const trim = (p: string): string => p.replace(/^\/+/, '');
      const near = [...files.wasmPaths].find((p) => trim(p) === trim(w.module));
      const why = near === undefined ? 'the bundle has no such file' : `the bundle's entry is named \`${printable(near)}\`, and OPA compares the names exactly`;
      throw new BlastguardError(BUNDLE_CODES.missingWasmModule, `\`.manifest\` references wasm module \`${printable(w.module)}\` but ${why}`, {
        file: '.manifest',
        help: 'each `wasm[].module` must be the exact entry name of a `policy.wasm` in the bundle (OPA writes `/policy.wasm` for both); rebuild with `blastguard build`',
      });
    }
    if (!roots.some((r) => isUnderRoot(w.entrypoint, r))) {
      throw new BlastguardError(BUNDLE_CODES.outsideRoots, `\`.manifest\` entrypoint \`${w.entrypoint}\` is outside the bundle roots`, { file: '.manifest', help: ROOTS_HELP });
    }
    if (claimed.has(w.entrypoint)) {
      throw new BlastguardError(BUNDLE_CODES.manifestField, `\`.manifest\` entrypoint \`${w.entrypoint}\` is claimed by more than one module`, {
        file: '.manifest',
        help: 'OPA allows each entrypoint in one `wasm` resolver only',
      });
    }
    claimed.add(w.entrypoint);
  }
  checkDataUnderRoots(files.data, '', roots);
}

/** A data node is fine when it lies under a root; an object above a root is fine when each of its children is. */
function checkDataUnderRoots(node: CanonicalValue, path: string, roots: readonly string[]): void {
  if (roots.some((r) => isUnderRoot(path, r))) return;
  const abovePrefix = roots.some((r) => isUnderRoot(r, path));
  if (abovePrefix && isCanonicalObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (v !== undefined) checkDataUnderRoots(v, path === '' ? k : `${path}/${k}`, roots);
    }
    return;
  }
  throw new BlastguardError(BUNDLE_CODES.outsideRoots, `bundle data at \`${path === '' ? 'data' : `data.${path.replace(/\//g, '.')}`}\` is outside the bundle roots`, {
    file: '.manifest',
    help: ROOTS_HELP,
  });
}
