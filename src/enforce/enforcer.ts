import { stat, utimes } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { readLimitsFor } from '../bundle/index.js';
import { isBlastguardError } from '../core/errors.js';
import {
  DEFAULT_BUNDLE_NAME,
  HttpSource,
  LONG_POLL_GRACE_MS,
  PollingSource,
  loadPersistedBundle,
  persistBundle,
  persistedBundlePath,
  recordPersistedState,
  sourceForLocation,
  type Source,
  type SourceOptions,
  type Update,
} from '../distribute/index.js';
import { extractDecisionInputs, isEnvelopeCode, type FetchedKeys, type HttpRequest, type Inventory } from '../extract/index.js';
import type { IrCatalog } from '../ir/catalog.js';
import type { Decision } from '../ir/types.js';
import type { VerificationConfig } from '../verify/index.js';
import { activate, type ActivationSettings, type ActiveBundle, type BundleHolder } from './activation.js';
import { ENFORCE_CODES, EnforceError, type EnforceCode } from './codes.js';
import { DecisionLog, type DecisionLogOptions } from './decision-log.js';
import { EnforcerMetrics } from './metrics.js';
import { validateOverride, type LocalOverride } from './override.js';
import { serveStatus, type StatusServer } from './server.js';
import { StatusUploader, type StatusUploadOptions } from './status-upload.js';
import type { EnforcerState, EnforcerStatus, StatusError } from './status.js';
import { newDecisionId } from './decision-id.js';

/**
 * `createEnforcer`: the runtime core every enforcer shares (the egress proxy, the MCP guard, an
 * agent framework embedding blastguard). It keeps one verified bundle active, replaces it
 * atomically when the source publishes a newer one, keeps deciding from the persisted copy when
 * the source is down, and says when it is stale.
 */
export interface EnforcerOptions {
  /** A `Source` from `distribute/`, or a location (`oci://…`, `https://…`, a path) with `sourceOptions`. */
  source: Source | string;
  sourceOptions?: SourceOptions;
  /** Trusted keys (OPA's `signing` block). Required unless `skipVerification: true`. */
  verification?: VerificationConfig;
  /** Runs unverified: said in every status and in a warning at start. */
  skipVerification?: true;
  /** The bundle's name: persisted under `<persistDir>/bundles/<name>/`, and the key of `bundles` in decision logs. */
  name?: string;
  /** Keep the last good bundle here, and start from it (re-verified) before the first download. */
  persistDir?: string;
  /**
   * Seconds without a successful check after which the enforcer is stale (unhealthy). Default:
   * `defaultMaxStaleness` (five missed polls, at least 5 minutes), so an enforcer whose source is
   * gone does not report healthy forever (OPA #3554).
   */
  maxStaleness?: number;
  /** When stale, deny every decision (`enforcer:stale`) instead of deciding with the old bundle. */
  failClosedWhenStale?: boolean;
  /** Largest bundle accepted, decompressed, in bytes (default 32 MiB): the bound on what unverified bytes may cost. */
  maxBundleBytes?: number;
  /** Accept bundles older than the active one (see revision.ts for the order). Off by default. */
  allowRollback?: boolean;
  decisionLogs?: DecisionLogOptions;
  /** POST the status (OPA's status plugin format) to a status service after every check of the source. */
  statusUpload?: StatusUploadOptions;
  /** Added to every decision-log event (OPA adds `id` and `version`; give them here). */
  labels?: Readonly<Record<string, string>>;
  /** An operator's local `lockdown`; it can only tighten decisions. */
  override?: LocalOverride;
  /**
   * The api catalog `decideRequest` reads requests with, instead of the one the active bundle
   * carries (`catalog.json`): the IR `blastguard ir` prints, or any IR without its policies.
   */
  catalog?: IrCatalog;
  /**
   * Keys of `IdentityIssuer`s that publish them at a `jwksUrl` (an `IssuerKeyStore` the host
   * refreshes); identity envelopes are verified against these and the keys the catalog declares.
   */
  issuerKeys?: { current(): FetchedKeys };
  /** Poll the source in the background (default true). Off: checks happen only on `refresh()`. */
  poll?: boolean;
  /**
   * Milliseconds since the epoch; injected by tests (staleness, timestamps). Without it, staleness
   * runs on a monotonic clock, so a wall-clock step (NTP, an operator) neither postpones nor
   * hastens it.
   */
  clock?: () => number;
  /** Hears what an operator must know at start (verification off, persisted bundle rejected). */
  onWarning?: (message: string) => void;
}

/** The decisions for one request: one per operation it performs, allowed only if every one is. */
export interface RequestDecision {
  allow: boolean;
  /** `decision_id` is the id of the decision-log event, so a denial shown to a caller can be found in the log. */
  decisions: { operation: string | null; alias?: string; decision: Decision; decision_id: string; error?: { code: string; message: string } }[];
}

/** What a decision's log event carries besides the input: its trace, and an id the caller already showed someone. */
export interface DecideContext {
  traceparent?: string;
  decisionId?: string;
}

/** What one `refresh()` did. */
export type CheckOutcome = 'activated' | 'unchanged' | 'failed';

export interface Enforcer {
  /** Resolves once a verified bundle is active (from disk or from the source). */
  readonly ready: Promise<void>;
  /**
   * Decides one input with the active bundle; never throws, denies when it cannot decide. The
   * decision is frozen and may be shared with other calls that decided the same: do not change it.
   */
  decide(input: unknown, context?: DecideContext): Decision;
  /**
   * `decide` for an input a caller already holds as JSON text or UTF-8 bytes (a proxy that built
   * it, a queue message): written into the module's memory as it is, without `JSON.stringify` of
   * an object. Input that is not JSON denies. The decision log parses it only
   * when it builds the event, off the decision path.
   */
  decideJson(json: string | Uint8Array, context?: DecideContext): Decision;
  /**
   * Extracts the operations of an HTTP request with the api catalog (the `catalog` option, else
   * the active bundle's) and decides each. Throws BG623 when the active bundle carries no catalog
   * (built before bundles carried one) and none was given; denies (`enforcer:not-ready`) before a
   * bundle is active.
   */
  decideRequest(request: HttpRequest, options?: { inventory?: Inventory; time?: string | Date; maxBodyBytes?: number }): RequestDecision;
  /** The api catalog `decideRequest` reads requests with now: the `catalog` option, else the active bundle's; null when neither. */
  catalog(): IrCatalog | null;
  /** Checks the source once now (what the poller does each round). */
  refresh(): Promise<CheckOutcome>;
  status(): EnforcerStatus;
  /** The Prometheus registry (`/metrics`). */
  readonly metrics: EnforcerMetrics;
  /** Serves `/healthz`, `/readyz`, `/metrics` and `/status` on loopback (or `host`). */
  listen(options: { port: number; host?: string }): Promise<StatusServer>;
  /** Writes and uploads buffered decision-log events now. */
  flushLogs(): Promise<void>;
  /** Resolves when no status upload is waiting or in flight. */
  flushStatus(): Promise<void>;
  close(): Promise<void>;
}

const MAX_ERRORS = 10;
/** The default `maxStaleness` is this many of the longest regular waits between checks... */
const DEFAULT_STALENESS_POLLS = 5;
/** ...and never less than this (seconds): a few slow polls are not an outage. */
const MIN_DEFAULT_MAX_STALENESS_SECONDS = 300;

/**
 * `maxStaleness` when none is given: five missed polls (10 minutes with OPA's polling defaults),
 * at least 5 minutes, and more than a long-poll hold plus one regular wait.
 */
export function defaultMaxStaleness(source: Source): number {
  const maxDelay = source instanceof PollingSource ? source.maxDelaySeconds : (2 * FALLBACK_DELAY_MS) / 1000;
  const wait = source instanceof HttpSource ? (source.longPollingTimeoutSeconds ?? 0) : 0;
  return Math.max(MIN_DEFAULT_MAX_STALENESS_SECONDS, DEFAULT_STALENESS_POLLS * maxDelay, wait + LONG_POLL_GRACE_MS / 1000 + maxDelay);
}
/** Between polls when the source is not a PollingSource (OPA's minimum default). */
const FALLBACK_DELAY_MS = 60_000;

function enforcerDeny(rule: string, reason: string): Decision {
  return { allow: false, mode: 'deny', enforced: true, would_deny: true, rule, reasons: [reason], violations: [], environment: null, environment_assumed: false, class: null, enforcement: null };
}

function configError(field: string, problem: string, help?: string): EnforceError {
  return new EnforceError(ENFORCE_CODES.invalidConfig, `\`${field}\` ${problem}`, help === undefined ? {} : { help });
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function headerValue(request: HttpRequest, name: string): string | undefined {
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    if (k.toLowerCase() === name) return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] as string | undefined) : undefined;
  }
  return undefined;
}

/** A decision without context: shared, so the decision path allocates nothing for it. */
const NO_CONTEXT: DecideContext = Object.freeze({});

class EnforcerImpl implements Enforcer {
  readonly ready: Promise<void>;
  readonly metrics: EnforcerMetrics;
  private resolveReady!: () => void;
  private readonly source: Source;
  private readonly name: string;
  private readonly holder: BundleHolder = { active: null, replaced: new Set() };
  private readonly settings: ActivationSettings;
  private readonly maxStalenessMs: number;
  private readonly failClosed: boolean;
  private readonly log: DecisionLog | null;
  private readonly statusUpload: StatusUploader | null;
  private readonly clock: () => number;
  /** Staleness runs on this: monotonic unless a test injects `clock`. */
  private readonly monotonic: () => number;
  private readonly persistDir: string | undefined;
  private readonly catalogOverride: IrCatalog | undefined;
  private readonly issuerKeys: { current(): FetchedKeys } | undefined;
  private readonly warn: (message: string) => void;
  private phase: EnforcerState = 'starting';
  private closed = false;
  private lastRequest: number | null = null;
  private lastSuccessfulRequest: number | null = null;
  private lastSuccessfulDownload: number | null = null;
  private lastSuccessfulActivation: number | null = null;
  /**
   * When a check last confirmed the active bundle current, on the `monotonic` clock (for a
   * persisted bundle: its recorded check time carried over); null when unknown, which is stale.
   */
  private lastFresh: number | null = null;
  private readonly errors: StatusError[] = [];
  private readonly counters = { checks: 0, download_failures: 0, activations: 0, activation_failures: 0, persist_failures: 0, decisions: 0 };
  private checking = false;
  private refreshing: Promise<CheckOutcome> | undefined;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly servers = new Set<StatusServer>();
  private logged: { active: ActiveBundle; bundle: { name: string; revision: string } } | undefined;

  constructor(options: EnforcerOptions) {
    if (typeof options !== 'object' || options === null) throw configError('options', 'must be an object');
    this.clock = options.clock ?? Date.now;
    this.monotonic = options.clock ?? ((): number => performance.timeOrigin + performance.now());
    this.warn = options.onWarning ?? (() => undefined);
    this.source = typeof options.source === 'string' ? sourceForLocation(options.source, options.sourceOptions ?? {}) : options.source;
    if (this.source === undefined || this.source === null || typeof this.source.check !== 'function') throw configError('source', 'is required: a bundle location or a Source');
    this.name = options.name ?? DEFAULT_BUNDLE_NAME;
    if (options.verification !== undefined && options.skipVerification === true) throw configError('skipVerification', 'cannot be combined with `verification`');
    if (options.verification === undefined && options.skipVerification !== true) {
      throw configError('verification', 'is required', 'give the keys bundles are signed with; running unverified needs `skipVerification: true`');
    }
    if (options.maxStaleness !== undefined && !(typeof options.maxStaleness === 'number' && options.maxStaleness > 0 && Number.isFinite(options.maxStaleness))) {
      throw configError('maxStaleness', 'must be a positive number of seconds');
    }
    if (options.maxBundleBytes !== undefined && !(typeof options.maxBundleBytes === 'number' && Number.isSafeInteger(options.maxBundleBytes) && options.maxBundleBytes > 0)) {
      throw configError('maxBundleBytes', 'must be a positive whole number of bytes');
    }
    this.maxStalenessMs = (options.maxStaleness ?? defaultMaxStaleness(this.source)) * 1000;
    const wait = this.source instanceof HttpSource ? this.source.longPollingTimeoutSeconds : undefined;
    if (wait !== undefined && this.maxStalenessMs <= wait * 1000 + LONG_POLL_GRACE_MS) {
      // A held long poll confirms nothing until it returns: staleness would flap on every hold.
      throw configError('maxStaleness', `must be more than the long-poll wait plus its grace (${wait + LONG_POLL_GRACE_MS / 1000} s)`, 'raise `maxStaleness`, or lower `polling.longPollingTimeoutSeconds`');
    }
    this.failClosed = options.failClosedWhenStale === true;
    this.persistDir = options.persistDir;
    this.catalogOverride = options.catalog;
    this.issuerKeys = options.issuerKeys;
    const labels = { ...(options.labels ?? {}) };
    for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') throw configError(`labels.${k}`, 'must be a string');
    this.settings = {
      verification: options.verification ?? null,
      allowRollback: options.allowRollback === true,
      override: validateOverride(options.override),
      now: this.clock,
      ...(options.maxBundleBytes === undefined ? {} : { limits: readLimitsFor(options.maxBundleBytes) }),
    };
    this.log = options.decisionLogs === undefined ? null : new DecisionLog(options.decisionLogs, labels, this.clock);
    this.statusUpload = options.statusUpload === undefined ? null : new StatusUploader(options.statusUpload, labels, () => this.status());
    this.metrics = new EnforcerMetrics(() => this.status());
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    if (this.settings.verification === null) this.warn(`bundle verification is OFF for \`${this.source.location}\`: any bundle the source serves will decide`);
    if (this.settings.override !== null) this.warn(`local override: lockdown (${this.settings.override.reason})`);
    this.log?.start();
    this.starting = (this.persistDir === undefined ? Promise.resolve() : this.loadPersisted(this.persistDir)).then(() => this.statusUpload?.notify());
    this.loop = this.start(options.poll !== false);
  }

  /** Loading the persisted bundle; every check waits for it, so a download never races the disk. */
  private readonly starting: Promise<void>;

  private async start(poll: boolean): Promise<void> {
    await this.starting;
    if (!poll || this.closed) return;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      await this.refresh();
      if (signal.aborted) break;
      const wait = this.source instanceof PollingSource ? this.source.nextDelayMs(this.lastUpdate ?? { etag: '', size: 0 }) : FALLBACK_DELAY_MS;
      try {
        await delay(wait, undefined, { signal });
      } catch {
        break;
      }
    }
  }

  private lastUpdate: Update | undefined;
  private warnedNoSequence = false;
  /** Digest of the bundle on disk, when this enforcer wrote or loaded it. */
  private persistedDigest: string | undefined;

  /** Start from disk: the persisted bytes go through the same activation as a download, signature included. */
  private async loadPersisted(dir: string): Promise<void> {
    try {
      const found = await loadPersistedBundle(dir, this.name);
      if (found === null) return;
      this.phase = 'verifying';
      const outcome = await activate(found.raw, found.etag, 'persisted', this.holder, this.settings);
      if ('activated' in outcome) {
        this.persistedDigest = found.digest;
        for (const r of found.replaced) this.holder.replaced.add(r);
        this.lastFresh = this.persistedFreshness(found.checkedAt, (await stat(found.file)).mtimeMs);
        this.lastSuccessfulActivation = this.clock();
        this.counters.activations++;
        if (this.source.etag === '') this.source.etag = found.etag;
        this.resolveReady();
      }
    } catch (e) {
      this.report(ENFORCE_CODES.persistedRejected, 'the persisted bundle was not loaded', e, true);
      this.warn(`the persisted bundle of \`${this.name}\` was not loaded: ${isBlastguardError(e) ? `${e.code} ${e.message}` : String(e)}`);
    } finally {
      this.phase = this.holder.active === null ? 'starting' : 'active';
    }
  }

  /**
   * A persisted bundle is fresh as of the older of its recorded check time and its file's time
   * (both written on every confirmed check). A time in the future says nothing (a skewed clock, a
   * touched file): unknown, so stale, rather than fresh for as long as it lies ahead.
   */
  private persistedFreshness(checkedAt: number | undefined, mtimeMs: number): number | null {
    const wall = this.clock();
    const times = checkedAt === undefined ? [mtimeMs] : [checkedAt, mtimeMs];
    if (times.some((t) => !Number.isFinite(t) || t > wall)) return null;
    const known = Math.min(...times);
    return this.monotonic() - (wall - known);
  }

  refresh(): Promise<CheckOutcome> {
    const run = async (): Promise<CheckOutcome> => {
      await this.starting;
      if (this.closed) return 'failed';
      const previousEtag = this.source.etag;
      const before = this.phase;
      if (this.holder.active === null) this.phase = 'downloading';
      this.checking = true;
      try {
        const update = await this.source.check(this.controller.signal);
        this.checking = false;
        this.lastUpdate = update;
        return await this.apply(update, previousEtag);
      } finally {
        this.checking = false;
        this.phase = this.closed ? 'closed' : this.holder.active === null ? (before === 'closed' ? 'closed' : 'starting') : 'active';
        if (!this.closed) this.statusUpload?.notify();
      }
    };
    const next = (this.refreshing ?? Promise.resolve('unchanged' as CheckOutcome)).then(run, run);
    this.refreshing = next;
    return next;
  }

  private async apply(update: Update, previousEtag: string): Promise<CheckOutcome> {
    const now = this.clock();
    this.counters.checks++;
    this.lastRequest = now;
    if (update.error !== undefined) {
      this.counters.download_failures++;
      this.report(ENFORCE_CODES.downloadFailed, `checking \`${this.source.location}\` failed`, update.error);
      return 'failed';
    }
    this.lastSuccessfulRequest = now;
    if (update.raw === undefined) {
      await this.confirmFresh(now);
      return 'unchanged';
    }
    this.lastSuccessfulDownload = now;
    if (this.holder.active === null) this.phase = 'verifying';
    try {
      const outcome = await activate(update.raw, update.etag, 'download', this.holder, this.settings);
      if ('unchanged' in outcome) {
        if (this.source instanceof PollingSource) this.source.unchanged();
        await this.confirmFresh(now);
        return 'unchanged';
      }
      this.counters.activations++;
      this.lastSuccessfulActivation = now;
      this.lastFresh = this.monotonic();
      if (outcome.activated.sequence === undefined && !this.warnedNoSequence) {
        this.warnedNoSequence = true;
        this.warn(`bundle revision \`${outcome.activated.revision}\` carries no \`metadata.sequence\`: only revisions this enforcer replaced (kept in \`persistDir\`) are refused as rollbacks`);
      }
      if (this.source instanceof PollingSource) this.source.accepted();
      this.resolveReady();
      if (this.persistDir !== undefined) {
        try {
          this.persistedDigest = (await persistBundle(this.persistDir, this.name, update.raw, update.etag, this.persistedState(now))).digest;
        } catch (e) {
          this.counters.persist_failures++;
          this.report(ENFORCE_CODES.persistFailed, 'the activated bundle could not be persisted', e, true);
        }
      }
      return 'activated';
    } catch (e) {
      // OPA's SetCache: the next check fetches this revision's successor, or the same bytes again.
      this.source.etag = previousEtag;
      // ...and backs off before it does, like after a failed download: a long-polling server answers
      // the restored etag with the refused bytes at once, which would otherwise be a busy loop.
      if (this.source instanceof PollingSource) this.source.refused();
      this.counters.activation_failures++;
      this.report(isBlastguardError(e) ? (e.code as EnforceCode) : ENFORCE_CODES.engineFailed, 'activation failed', e);
      return 'failed';
    }
  }

  /** What bundle.json records with the persisted bundle: the check time, and the replaced revisions (rollback protection across restarts). */
  private persistedState(checkedAt: number): { checkedAt: number; replaced: string[] } {
    return { checkedAt, replaced: [...this.holder.replaced] };
  }

  /** The active bundle is current as of `now`; bundle.json and the persisted file's time say so across restarts. */
  private async confirmFresh(now: number): Promise<void> {
    const active = this.holder.active;
    if (active === null) return;
    this.lastFresh = this.monotonic();
    if (this.persistDir === undefined || this.persistedDigest !== active.digest) return;
    const file = persistedBundlePath(this.persistDir, this.name);
    await recordPersistedState(this.persistDir, this.name, active.digest, this.source.etag, this.persistedState(now)).catch(() => undefined);
    await utimes(file, now / 1000, now / 1000).catch(() => undefined);
  }

  /** Records a failure under `code`; an activation error keeps its own step code unless `fixed`. */
  private report(code: EnforceCode, what: string, e: unknown, fixed = false): void {
    const cause = isBlastguardError(e) ? e : undefined;
    const ownCode = !fixed && cause !== undefined && cause.code.startsWith('BG6') ? cause.code : code;
    const error: StatusError = {
      code: ownCode,
      cause_code: cause !== undefined && cause.code !== ownCode ? cause.code : isBlastguardError(cause?.cause) ? cause.cause.code : undefined,
      message: cause !== undefined ? `${what}: ${cause.message}` : `${what}: ${e instanceof Error ? e.message : String(e)}`,
      at: new Date(this.clock()).toISOString(),
    };
    this.errors.push(error);
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  /** Past `maxStaleness` on the `monotonic` clock; a caller's wall-clock `_now` is not used, so a clock step cannot move staleness. */
  private isStale(_now?: number): boolean {
    return this.holder.active !== null && (this.lastFresh === null || this.monotonic() - this.lastFresh > this.maxStalenessMs);
  }

  decide(input: unknown, context: DecideContext = NO_CONTEXT): Decision {
    return this.run(input, undefined, context);
  }

  decideJson(json: string | Uint8Array, context: DecideContext = NO_CONTEXT): Decision {
    if (typeof json !== 'string' && !(json instanceof Uint8Array)) throw configError('json', 'must be a string or a Uint8Array of JSON');
    return this.run(undefined, json, context);
  }

  /** One decision, from an input value or (`json` set) from its JSON text or bytes. */
  private run(input: unknown, json: string | Uint8Array | undefined, context: DecideContext): Decision {
    const t0 = performance.now();
    const active = this.holder.active;
    let decision: Decision;
    let now = 0;
    if (this.closed) decision = enforcerDeny('enforcer:closed', 'the enforcer is closed');
    else if (active === null) decision = enforcerDeny('enforcer:not-ready', 'no verified bundle is active yet');
    else if (this.failClosed && this.isStale((now = this.clock()))) {
      decision = enforcerDeny('enforcer:stale', `bundle revision \`${active.revision}\` was not refreshed within ${this.maxStalenessMs / 1000} s (fail closed)`);
    } else {
      try {
        const engine = active.engine;
        decision = json === undefined ? engine.decide(input) : typeof json === 'string' ? engine.decideText(json) : engine.decideBytes(json);
      } catch (e) {
        decision = enforcerDeny('enforcer:error', `the policy could not decide: ${isBlastguardError(e) ? `${e.code} ${e.message}` : String(e)}`);
      }
    }
    const elapsed = performance.now() - t0;
    this.counters.decisions++;
    this.metrics.decision(decision, elapsed / 1000);
    if (this.log !== null) {
      // One object of one shape (absent fields undefined): recorded for every decision.
      this.log.record({
        input,
        // Bytes are copied: the caller may reuse its buffer before the event is built.
        json: json === undefined || typeof json === 'string' ? json : json.slice(),
        result: decision,
        bundle: active === null ? null : this.loggedBundle(active),
        timeMs: now === 0 ? this.clock() : now,
        durationNs: Math.round(elapsed * 1e6),
        traceparent: context.traceparent,
        decisionId: context.decisionId,
      });
    }
    return decision;
  }

  /** The `bundles` entry of the active bundle's events: one frozen object per activation, not one per decision. */
  private loggedBundle(active: ActiveBundle): { name: string; revision: string } {
    if (this.logged?.active !== active) this.logged = { active, bundle: Object.freeze({ name: this.name, revision: active.revision }) };
    return this.logged.bundle;
  }

  catalog(): IrCatalog | null {
    return this.catalogOverride ?? this.holder.active?.catalog ?? null;
  }

  decideRequest(request: HttpRequest, options: { inventory?: Inventory; time?: string | Date; maxBodyBytes?: number } = {}): RequestDecision {
    const traceparent = headerValue(request, 'traceparent');
    const context = traceparent === undefined ? {} : { traceparent };
    // One read of the active bundle: its catalog and its engine come from the same revision.
    const active = this.holder.active;
    const catalog = this.catalogOverride ?? active?.catalog;
    if (catalog === undefined) {
      // Nothing to read the request with yet: the one decision is the not-ready (or closed) deny.
      const decisionId = newDecisionId();
      const decision = this.decide(null, { decisionId, ...context });
      return { allow: false, decisions: [{ operation: null, decision, decision_id: decisionId }] };
    }
    if (catalog === null) {
      throw new EnforceError(ENFORCE_CODES.noCatalog, `bundle revision \`${active!.revision}\` carries no api catalog (\`catalog.json\`), so \`decideRequest\` cannot read requests`, {
        help: 'rebuild and republish the bundle with a current `blastguard build` (it writes `catalog.json`), or pass `catalog` (the IR `blastguard ir` prints) to createEnforcer',
      });
    }
    const time = options.time ?? new Date(this.clock());
    const operations = extractDecisionInputs(request, catalog, {
      time,
      ...(options.inventory === undefined ? {} : { inventory: options.inventory }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(this.issuerKeys === undefined ? {} : { issuerKeys: this.issuerKeys.current() }),
    });
    const decisions = operations.map((op) => {
      if (op.error !== undefined && isEnvelopeCode(op.error.code)) this.metrics.envelopeRejected(op.error.code);
      const decisionId = newDecisionId();
      const decision = this.decide(op.input, { decisionId, ...context });
      return { operation: op.operation, ...(op.alias === undefined ? {} : { alias: op.alias }), decision, decision_id: decisionId, ...(op.error === undefined ? {} : { error: op.error }) };
    });
    return { allow: decisions.length > 0 && decisions.every((d) => d.decision.allow), decisions };
  }

  status(): EnforcerStatus {
    const mono = this.monotonic();
    const active = this.holder.active;
    const stale = this.isStale();
    const ready = active !== null && !this.closed;
    // With a bundle active, its state is active or stale whatever a check in flight is doing.
    const state: EnforcerState = this.closed ? 'closed' : active !== null ? (stale ? 'stale' : 'active') : this.phase;
    return {
      name: this.name,
      state,
      checking: this.checking,
      persisted: this.persistDir === undefined || active === null ? null : this.persistedDigest === active.digest,
      ready,
      healthy: ready && !stale,
      active_revision: active?.revision ?? null,
      active_digest: active?.digest ?? null,
      active_sequence: active?.sequence ?? null,
      origin: active?.origin ?? null,
      source: { kind: this.source.kind, location: this.source.location },
      verification: { enabled: this.settings.verification !== null, key_id: active?.verification?.keyId ?? this.settings.verification?.keyId ?? null },
      last_request: iso(this.lastRequest),
      last_successful_request: iso(this.lastSuccessfulRequest),
      last_successful_download: iso(this.lastSuccessfulDownload),
      last_successful_activation: iso(this.lastSuccessfulActivation),
      last_error: this.errors[this.errors.length - 1] ?? null,
      errors: [...this.errors],
      staleness: {
        max_seconds: this.maxStalenessMs / 1000,
        age_seconds: this.lastFresh === null ? null : Math.max(0, (mono - this.lastFresh) / 1000),
        stale,
        fail_closed: this.failClosed,
      },
      override: this.settings.override === null ? null : { mode: 'lockdown', reason: this.settings.override.reason },
      counters: { ...this.counters },
      decision_logs: this.log?.stats() ?? null,
      status_upload: this.statusUpload?.stats() ?? null,
    };
  }

  async listen(options: { port: number; host?: string }): Promise<StatusServer> {
    const server = await serveStatus(this, options);
    this.servers.add(server);
    return server;
  }

  async flushLogs(): Promise<void> {
    await this.log?.flush();
  }

  async flushStatus(): Promise<void> {
    await this.statusUpload?.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.phase = 'closed';
    this.controller.abort();
    await this.loop;
    await this.refreshing?.catch(() => undefined);
    await this.source.stop();
    for (const s of this.servers) await s.close();
    // Each within its own grace, side by side: a hung status service must not keep the decision
    // log from flushing before the process is killed.
    await Promise.all([this.log?.close(), this.statusUpload?.close()]);
  }
}

/** Creates and starts an enforcer. Throws BG600 (or a distribute BG5xx for the source) on a configuration mistake. */
export function createEnforcer(options: EnforcerOptions): Enforcer {
  return new EnforcerImpl(options);
}
