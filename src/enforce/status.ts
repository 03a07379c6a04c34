import type { DecisionLogStats } from './decision-log.js';
import type { StatusUploadStats } from './status-upload.js';

/**
 * The state of the enforcer's bundle: `starting`/`downloading`/`verifying` until one is active,
 * then `active`, or `stale` past `maxStaleness` without a successful check. A check in flight
 * (a held long poll most of the time) does not change it: that is `checking`.
 */
export type EnforcerState = 'starting' | 'downloading' | 'verifying' | 'active' | 'stale' | 'closed';

/** One reported failure: this layer's code, and the code of what caused it (a bundle, verify or distribute code). */
export interface StatusError {
  code: string;
  cause_code: string | undefined;
  message: string;
  at: string;
}

/**
 * OPA's bundle status (`active_revision`, `last_request`, `last_successful_download`, …) plus what
 * OPA users asked for and did not get: staleness and whether it fails closed, verification on or
 * off, the local override, and the decision-log drop counters.
 */
export interface EnforcerStatus {
  name: string;
  state: EnforcerState;
  /** A check of the source is in flight (a long poll is held). */
  checking: boolean;
  /** The active bundle is the one on disk in `persistDir` (false after a failed persist, BG655); null without `persistDir`. */
  persisted: boolean | null;
  /** A verified bundle (or, with verification skipped explicitly, any bundle) is active. */
  ready: boolean;
  /** Ready, not stale, not closed. Never true while serving a bundle that could not be refreshed within `maxStaleness`. */
  healthy: boolean;
  active_revision: string | null;
  active_digest: string | null;
  active_sequence: number | null;
  /** Where the active bundle came from. */
  origin: 'download' | 'persisted' | null;
  source: { kind: string; location: string };
  verification: { enabled: boolean; key_id: string | null };
  last_request: string | null;
  last_successful_request: string | null;
  last_successful_download: string | null;
  last_successful_activation: string | null;
  last_error: StatusError | null;
  /** The most recent failures, newest last (at most 10). */
  errors: StatusError[];
  staleness: { max_seconds: number | null; age_seconds: number | null; stale: boolean; fail_closed: boolean };
  override: { mode: 'lockdown'; reason: string } | null;
  counters: { checks: number; download_failures: number; activations: number; activation_failures: number; persist_failures: number; decisions: number };
  decision_logs: DecisionLogStats | null;
  /** Uploads to the status service (`statusUpload`), or null when none is configured. */
  status_upload: StatusUploadStats | null;
}
