import { BlastguardError, codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/**
 * Error codes BG600–BG659: running an enforcer. Activation failures are a closed union, one code
 * per step of `read → verify → checkRevision → readCatalog → loadEngine → swap`, so a caller (status, metrics,
 * a proxy) can switch over them exhaustively. Throw with the name (`ENFORCE_CODES.rollback`).
 */
const REGISTRY = codeRegistry({
  /** An enforcer option is missing, of the wrong type or out of range; the message names the field. */
  invalidConfig: ['BG600', 'an enforcer option is missing, of the wrong type or out of range'],
  /** read: the downloaded bytes are not a readable bundle (corrupt tarball, manifest, roots, data). */
  unreadableBundle: ['BG610', 'activation: the bundle cannot be read (corrupt tarball, manifest, roots or data); the last good bundle stays active'],
  /** verify: the bundle's signature or file list does not verify. */
  unverified: ['BG611', 'activation: the bundle signature does not verify; the last good bundle stays active'],
  /** checkRevision: the bundle is older than the active one (by its signed `metadata.sequence`), or a revision already replaced. */
  rollback: ['BG612', 'activation: the bundle is older than the active one (signed `metadata.sequence`) or was already replaced; refused as a rollback'],
  /** checkRevision: the bundle has the active revision but other bytes, without a higher signed `metadata.sequence`. */
  sameRevision: ['BG625', 'activation: the bundle has the active revision but other content and no higher signed `metadata.sequence`; the active bundle stays, not confirmed current'],
  /** loadEngine: the module does not instantiate, has no decision entrypoint, or fails the probe decision. */
  engineFailed: ['BG613', 'activation: the policy module does not instantiate or fails its probe decision; the last good bundle stays active'],
  /** swap: another activation finished first; this one was discarded. */
  superseded: ['BG614', 'activation: a newer activation finished first; this bundle was discarded'],
  /** The download itself failed (the source's code is in the cause). */
  downloadFailed: ['BG615', 'activation: the bundle download failed; the last good bundle stays active'],
  /** No verified bundle is active yet: every decision is a deny. */
  notReady: ['BG620', 'no verified bundle is active yet; every decision denies'],
  /** The active bundle has not been refreshed within `maxStaleness`: decisions deny (when configured to fail closed). */
  stale: ['BG621', 'the active bundle is older than `maxStaleness` without a successful check; decisions deny when failing closed'],
  /** The policy trapped or returned no decision for this input: the decision is a deny. */
  decisionFailed: ['BG622', 'the policy trapped or returned no decision; the decision denies'],
  /** `decideRequest` with neither a `catalog` option nor a catalog in the active bundle (one built before bundles carried `catalog.json`). */
  noCatalog: ['BG623', '`decideRequest` needs the api catalog: the active bundle carries none (`catalog.json`) and no `catalog` option was given'],
  /** The enforcer was closed. */
  closed: ['BG624', 'the enforcer is closed'],
  /** The persisted bundle could not be loaded or re-verified at start (the enforcer then waits for a download). */
  persistedRejected: ['BG630', 'the persisted bundle cannot be loaded or re-verified at start'],
  /** The activated bundle could not be written to `persistDir`: it decides from memory, but a restart would not start from it. */
  persistFailed: ['BG655', 'the activated bundle cannot be persisted; it stays active in memory, and a restart would not start from it'],
  /** A decision-log upload failed after its retries; the chunk is kept for the next attempt. */
  logUploadFailed: ['BG640', 'a decision-log upload failed after retries; the events are kept for the next attempt'],
  /** The decision-log file cannot be written. */
  logFileFailed: ['BG641', 'the decision-log file cannot be written'],
  /** The status/metrics server cannot listen. */
  serverFailed: ['BG650', 'the status and metrics server cannot listen'],
  /** `blastguard decide --input`: the file or standard input cannot be read. */
  inputUnreadable: ['BG651', 'the `decide --input` file or standard input cannot be read'],
  /** `blastguard decide --input`: not a JSON document. */
  inputNotJson: ['BG652', 'the `decide --input` is not valid JSON'],
  /** A status upload (OPA's status plugin) failed after its retries; the next status change sends again. */
  /** `blastguard decide`: neither or both of `--input` and `--request`, or a `--request` that is not an HTTP request document. */
  requestInvalid: ['BG654', '`decide` needs exactly one of `--input` and `--request`, and a request document `{method, url, headers?, body?}`'],
  statusUploadFailed: ['BG653', 'a status upload to the status service failed after retries; the next status is sent again'],
});

export const ENFORCE_CODES = REGISTRY.codes;

export type EnforceCode = CodeOf<typeof ENFORCE_CODES>;

/** The codes an activation can fail with: callers `switch` over these exhaustively. */
export type ActivationCode =
  | typeof ENFORCE_CODES.downloadFailed
  | typeof ENFORCE_CODES.unreadableBundle
  | typeof ENFORCE_CODES.unverified
  | typeof ENFORCE_CODES.rollback
  | typeof ENFORCE_CODES.sameRevision
  | typeof ENFORCE_CODES.engineFailed
  | typeof ENFORCE_CODES.superseded;

/** Titles for the code table (src/cli/codes.ts joins every layer's registry). */
export const ENFORCE_CODE_TITLES = REGISTRY.titles;

/** An enforcer failure with a code of this layer. */
export class EnforceError extends BlastguardError {
  declare readonly code: EnforceCode;
  constructor(code: EnforceCode, message: string, options: { help?: string; cause?: unknown; file?: string; line?: number; column?: number } = {}) {
    super(code, message, options);
    this.name = 'EnforceError';
  }
}

/** An activation that failed at one step; `cause` is the underlying error (a bundle, verify or distribute code). */
export class ActivationError extends EnforceError {
  declare readonly code: ActivationCode;
  constructor(code: ActivationCode, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'ActivationError';
  }
}
