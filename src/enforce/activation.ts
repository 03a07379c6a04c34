import { createHash } from 'node:crypto';
import { isBlastguardError } from '../core/errors.js';
import { readBundle, type Bundle, type ReadLimits } from '../bundle/index.js';
import { ALLOW_ENTRYPOINT, DECISION_ENTRYPOINT, readBundleCatalog } from '../engine/index.js';
import type { IrCatalog } from '../ir/catalog.js';
// Not re-exported by engine/index.ts: the toolchain (and the Action bundled from it) needs only the SDK engine.
import { loadDirectEngine, type DirectEngine } from '../engine/direct.js';
import { wasmForEntrypoint } from '../bundle/index.js';
import { verifyBundle, type VerificationConfig, type VerificationResult } from '../verify/index.js';
import { ActivationError, ENFORCE_CODES, type ActivationCode } from './codes.js';
import { withLockdown, type LocalOverride } from './override.js';
import { compareRevision, sequenceOf, type RevisionInfo } from './revision.js';

/**
 * Activation, as its steps (sigstore `Verifier.verify`): `read → verify → checkRevision →
 * readCatalog → loadEngine → swap`. Each step fails with one code; nothing is swapped until every step passed,
 * so a decision sees the old bundle or the new one, never part of one. The caller keeps the last
 * good bundle, restores the source's etag and reports the error.
 */
export interface ActiveBundle extends RevisionInfo {
  bundle: Bundle;
  engine: DirectEngine;
  /** The api catalog the bundle carries (`catalog.json`, signed with it); null for a bundle built without one. */
  catalog: IrCatalog | null;
  verification: VerificationResult | null;
  /** Where it came from: a download or the persisted copy. */
  origin: 'download' | 'persisted';
  raw: Uint8Array;
  etag: string;
}

export interface ActivationSettings {
  /** Null only when verification was skipped explicitly. */
  verification: VerificationConfig | null;
  allowRollback: boolean;
  override: LocalOverride | null;
  /** The time put in the probe decision. */
  now: () => number;
  /** Read limits for the unverified bytes (default `DEFAULT_READ_LIMITS`, 32 MiB decompressed). */
  limits?: ReadLimits;
}

/** Holds the active bundle; the only mutable state a decision reads (one field, swapped whole). */
export interface BundleHolder {
  active: ActiveBundle | null;
  /** Revisions activated and later replaced: serving one again is a rollback. */
  readonly replaced: Set<string>;
}

export type ActivationOutcome = { activated: ActiveBundle } | { unchanged: ActiveBundle };

function fail(code: ActivationCode, message: string, cause: unknown, help?: string): ActivationError {
  const inner = isBlastguardError(cause) ? `${cause.code} ${cause.message}` : cause instanceof Error ? cause.message : String(cause);
  return new ActivationError(code, `${message}: ${inner}`, { cause, help: help ?? (isBlastguardError(cause) ? cause.help : undefined) });
}

export async function read(raw: Uint8Array, limits?: ReadLimits): Promise<Bundle> {
  try {
    return await readBundle(raw, limits === undefined ? {} : { limits });
  } catch (e) {
    throw fail(ENFORCE_CODES.unreadableBundle, 'bundle cannot be read', e);
  }
}

export async function verify(bundle: Bundle, config: VerificationConfig | null): Promise<VerificationResult | null> {
  if (config === null) return null;
  try {
    return await verifyBundle(bundle, config);
  } catch (e) {
    throw fail(ENFORCE_CODES.unverified, `bundle revision \`${bundle.revision}\` does not verify`, e);
  }
}

export function checkRevision(candidate: RevisionInfo, holder: BundleHolder, allowRollback: boolean): 'activate' | 'same' {
  return compareRevision(candidate, holder.active, holder.replaced, allowRollback);
}

/** The bundle's api catalog, read only after the bundle verified (the signature covers `catalog.json`). */
export function readCatalog(bundle: Bundle): IrCatalog | null {
  try {
    return readBundleCatalog(bundle);
  } catch (e) {
    throw fail(ENFORCE_CODES.unreadableBundle, `the api catalog of revision \`${bundle.revision}\` cannot be read`, e);
  }
}

/** A decision every policy must answer (an unknown api denies): proves the module runs before it decides for real. */
function probeInput(now: number): unknown {
  return { api: 'blastguard-activation-probe', operation: { name: 'probe' }, time: new Date(now).toISOString() };
}

export function loadEngine(bundle: Bundle, settings: ActivationSettings): DirectEngine {
  try {
    // Both entrypoints must exist in the manifest, whatever the module exports.
    wasmForEntrypoint(bundle, ALLOW_ENTRYPOINT);
    const wasm = wasmForEntrypoint(bundle, DECISION_ENTRYPOINT);
    // The bundle's own data.json bytes go to the module as they are, unless an override changes the data.
    const engine = settings.override === null ? loadDirectEngine(wasm, bundle.data, bundle.dataJson ?? undefined) : loadDirectEngine(wasm, withLockdown(bundle.data, settings.override));
    const probe = probeInput(settings.now());
    const decision = engine.decide(probe);
    if (typeof decision !== 'object' || decision === null || typeof decision.allow !== 'boolean' || typeof decision.mode !== 'string' || typeof decision.rule !== 'string') {
      throw new Error('the probe decision is not a blastguard decision');
    }
    if (engine.allow(probe) !== decision.allow) throw new Error('the allow entrypoint disagrees with the decision entrypoint on the probe');
    return engine;
  } catch (e) {
    throw fail(ENFORCE_CODES.engineFailed, `the policy module of revision \`${bundle.revision}\` cannot decide`, e, 'rebuild and republish the bundle with `blastguard build`; the last good bundle stays active');
  }
}

export function swap(holder: BundleHolder, expected: ActiveBundle | null, next: ActiveBundle): void {
  if (holder.active !== expected) {
    throw new ActivationError(ENFORCE_CODES.superseded, `bundle revision \`${next.revision}\` was discarded: revision \`${holder.active?.revision ?? ''}\` was activated meanwhile`);
  }
  if (expected !== null && expected.revision !== next.revision) holder.replaced.add(expected.revision);
  holder.active = next;
}

/** The whole activation of downloaded (or persisted) bytes. Throws ActivationError; the holder is untouched then. */
export async function activate(raw: Uint8Array, etag: string, origin: ActiveBundle['origin'], holder: BundleHolder, settings: ActivationSettings): Promise<ActivationOutcome> {
  const expected = holder.active;
  const bundle = await read(raw, settings.limits);
  const verification = await verify(bundle, settings.verification);
  const info: RevisionInfo = { revision: bundle.revision, sequence: sequenceOf(bundle), digest: `sha256:${createHash('sha256').update(raw).digest('hex')}` };
  if (checkRevision(info, holder, settings.allowRollback) === 'same') return { unchanged: holder.active! };
  const catalog = readCatalog(bundle);
  const engine = loadEngine(bundle, settings);
  const next: ActiveBundle = { ...info, bundle, engine, catalog, verification, origin, raw, etag };
  swap(holder, expected, next);
  return { activated: next };
}
