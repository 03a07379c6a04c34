import { setTimeout as delay } from 'node:timers/promises';
import { isBlastguardError, type BlastguardError } from '../core/errors.js';
import type { Bundle } from '../bundle/index.js';
import type { VerificationResult } from '../verify/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';

/**
 * What one check of a source produced: OPA's `download.Update{ETag, Bundle, Error, Raw, Size}`.
 * - `raw` set: new bytes, not yet verified. Sources never set `bundle`: a `Bundle` exists here only
 *   after verification (`openUpdate`, `pull`), so nothing downstream can mistake bytes for policy.
 * - `error` set: the check failed; keep the active bundle.
 * - neither: unchanged since `etag` (HTTP 304, same OCI layer digest, same file hash).
 */
export interface Update {
  error?: BlastguardError;
  bundle?: Bundle;
  /** What verification established; null only when the caller skipped it explicitly. */
  verification?: VerificationResult | null;
  raw?: Uint8Array;
  etag: string;
  /** Bytes received (0 when unchanged or failed). */
  size: number;
}

export type SourceKind = 'file' | 'http' | 'oci';

/** OPA's bundle `Loader`: one check on demand, or a polling loop that reports every check. */
export interface Source {
  readonly kind: SourceKind;
  /** Where the bundle comes from, safe to print (no credentials, no query string). */
  readonly location: string;
  /**
   * The etag sent with the next check. Updated by every successful download; a caller whose
   * activation failed sets it back (OPA's `SetCache`) so the same revision is fetched again.
   */
  etag: string;
  /** Checks once. Never rejects: failures come back as `update.error`. */
  check(signal?: AbortSignal): Promise<Update>;
  /** Polls until `stop()`, calling `listener` after every check (awaited before the next one; its errors do not stop polling). */
  start(listener: (update: Update) => void | Promise<void>): void;
  stop(): Promise<void>;
}

/** OPA's `polling` block, in seconds. */
export interface PollingConfig {
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** Ask the server to hold the request until a change (`Prefer: wait=N`); http only. */
  longPollingTimeoutSeconds?: number;
}

/** OPA's defaults: a random wait between one and two minutes. */
export const DEFAULT_MIN_DELAY_SECONDS = 60;
export const DEFAULT_MAX_DELAY_SECONDS = 120;

/** What a concrete source does once; the loop, etag bookkeeping and error capture live in `PollingSource`. */
export interface FetchResult {
  raw?: Uint8Array;
  etag: string;
  /** The server holds requests (long polling): ask again at once instead of waiting. */
  longPoll?: boolean;
}

/**
 * A long poll that comes back unchanged sooner than this was not held: the server ignores `wait`,
 * and asking again at once would hammer it. The regular delay applies until it holds again.
 */
export const LONG_POLL_MIN_HOLD_MS = 1_000;

export abstract class PollingSource implements Source {
  abstract readonly kind: SourceKind;
  abstract readonly location: string;
  etag = '';
  private loop: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private failures = 0;
  /** Consecutive checks whose bytes the caller refused (activation failed); reset by an unchanged check or `accepted()`. */
  private refusals = 0;
  private refusedLast = false;
  /** The caller activated the bytes of the last check (`accepted()`): a long poll may ask again at once. */
  private activatedLast = false;
  private longPoll = false;
  private lastDurationMs = 0;

  constructor(
    protected readonly polling: Required<Pick<PollingConfig, 'minDelaySeconds' | 'maxDelaySeconds'>>,
    private readonly random: () => number = Math.random,
  ) {}

  /** The longest regular wait between checks: how long a healthy source may leave the active bundle unconfirmed. */
  get maxDelaySeconds(): number {
    return this.polling.maxDelaySeconds;
  }

  protected abstract fetchOnce(etag: string, signal: AbortSignal | undefined): Promise<FetchResult>;

  async check(signal?: AbortSignal): Promise<Update> {
    const started = performance.now();
    this.refusedLast = false;
    this.activatedLast = false;
    try {
      const result = await this.fetchOnce(this.etag, signal);
      this.lastDurationMs = performance.now() - started;
      this.failures = 0;
      if (result.raw === undefined) this.refusals = 0;
      this.longPoll = result.longPoll === true;
      this.etag = result.etag;
      return result.raw === undefined ? { etag: result.etag, size: 0 } : { raw: result.raw, etag: result.etag, size: result.raw.byteLength };
    } catch (e) {
      this.failures++;
      this.longPoll = false;
      return { error: asError(e, this.location), etag: this.etag, size: 0 };
    }
  }

  start(listener: (update: Update) => void | Promise<void>): void {
    if (this.loop !== undefined) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = (async () => {
      while (!controller.signal.aborted) {
        const update = await this.check(controller.signal);
        if (controller.signal.aborted) break;
        try {
          await listener(update);
          if (update.raw !== undefined) this.accepted();
        } catch {
          // The listener owns its failures (an activation error is its to report); polling goes on,
          // because a source that stopped on one bad bundle would never see the fixed one, but
          // backs off: the refused bytes would otherwise come back at once.
          if (update.raw !== undefined) this.refused();
        }
        try {
          await delay(this.nextDelayMs(update), undefined, { signal: controller.signal });
        } catch {
          break;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
    this.controller = undefined;
  }

  /**
   * The caller refused the bytes of the last check (verification or activation failed). The next
   * delay backs off like a failed download: the caller restores the old etag (OPA's `SetCache`), so
   * the server answers with the same bytes, and a long poll would otherwise fetch them in a loop.
   */
  refused(): void {
    this.refusals++;
    this.refusedLast = true;
  }

  /** The caller activated the bytes of the last check: refusals no longer count towards backoff. */
  accepted(): void {
    this.refusals = 0;
    this.refusedLast = false;
    this.activatedLast = true;
  }

  /**
   * The caller discarded the bytes of the last check as the bundle it already runs (the same
   * digest under another etag: replicas behind a load balancer, a server ignoring `If-None-Match`).
   * Like a 304, not a refusal; but a long poll answered at once with them was not held, so the
   * regular delay applies.
   */
  unchanged(): void {
    this.refusals = 0;
    this.refusedLast = false;
    this.activatedLast = false;
  }

  /** OPA's schedule: at once while long polling (when the server really held the request, or sent bytes the caller activated); exponential backoff from the minimum after errors and refused bundles; else a random wait in [min, max]. */
  nextDelayMs(update: Update): number {
    const { minDelaySeconds: min, maxDelaySeconds: max } = this.polling;
    const failures = update.error !== undefined ? Math.max(1, this.failures) : this.refusedLast ? this.refusals : 0;
    if (failures > 0) {
      const step = Math.min(max, min * 2 ** Math.max(0, failures - 1));
      return Math.round(1000 * (step / 2 + (this.random() * step) / 2));
    }
    // Bytes answered at once count only when activated: the same bytes under a new etag, answered at
    // once, would otherwise be fetched, gunzipped and verified in a busy loop.
    if (update.error === undefined && this.longPoll && (this.activatedLast || this.lastDurationMs >= LONG_POLL_MIN_HOLD_MS)) return 0;
    return Math.round(1000 * (min + this.random() * (max - min)));
  }
}

function asError(e: unknown, location: string): BlastguardError {
  if (isBlastguardError(e)) return e;
  return new DistributeError(DISTRIBUTE_CODES.unreachable, `fetching \`${location}\` failed: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, { cause: e });
}
