import { isBlastguardError } from '../core/errors.js';
import { authorizationValue, validateCredentials, type Credentials } from '../distribute/config.js';
import { Transport, type FetchLike } from '../distribute/index.js';
import { ENFORCE_CODES, EnforceError } from './codes.js';
import { serviceUrl } from './service-url.js';
import type { EnforcerStatus } from './status.js';

/**
 * Status upload the way OPA's status plugin does it: the status document POSTed as JSON to a
 * status service (`<url>/status`) after every check of the bundle source (a download, a 304, a
 * failure) and at start, so a fleet's control plane sees each enforcer's active revision and
 * errors. Uploads never block a check or a decision: one is in flight at a time, and a newer
 * status replaces one still waiting. A failed upload is counted and retried with the next status.
 */
export interface StatusUploadOptions {
  /** The status service URL; the document goes to `<url><resource>`. */
  url: string;
  /** OPA's `/status`, or `/status/<partition_name>`. */
  resource?: string;
  credentials?: Credentials;
  retries?: number;
  fetch?: FetchLike;
  /** How long `close()` lets an upload in flight finish before aborting it (default 2000 ms). */
  closeGraceMs?: number;
}

export const DEFAULT_STATUS_CLOSE_GRACE_MS = 2_000;

/** What the enforcer's status says about the uploads themselves. */
export interface StatusUploadStats {
  uploaded: number;
  failures: number;
  last_error: { code: string; message: string } | null;
}

/**
 * OPA's status document (`plugins/status` `UpdateRequestV1`): `labels`, `bundles.<name>` with
 * OPA's field names, `plugins.<name>.state`, plus blastguard's whole status under `blastguard`
 * (staleness, verification, override, decision-log drops) for services that read more.
 */
export interface StatusDocument {
  labels: Readonly<Record<string, string>>;
  bundles: Record<string, {
    name: string;
    active_revision: string;
    last_request: string;
    last_successful_request: string;
    last_successful_download: string;
    last_successful_activation: string;
    code?: string;
    message?: string;
    errors?: string[];
  }>;
  plugins: Record<string, { state: 'OK' | 'NOT_READY' | 'ERROR' }>;
  blastguard: EnforcerStatus;
}

/** OPA writes Go's zero time for "never". */
const NEVER = '0001-01-01T00:00:00Z';

export function statusDocument(status: EnforcerStatus, labels: Readonly<Record<string, string>>): StatusDocument {
  const error = status.last_error;
  // OPA reports the bundle's current error: one that happened after the last successful request.
  const current = error !== null && (status.last_successful_request === null || error.at > status.last_successful_request) ? error : null;
  return {
    labels,
    bundles: {
      [status.name]: {
        name: status.name,
        active_revision: status.active_revision ?? '',
        last_request: status.last_request ?? NEVER,
        last_successful_request: status.last_successful_request ?? NEVER,
        last_successful_download: status.last_successful_download ?? NEVER,
        last_successful_activation: status.last_successful_activation ?? NEVER,
        ...(current === null ? {} : { code: current.code, message: current.message, errors: [current.message] }),
      },
    },
    plugins: {
      bundle: { state: !status.ready ? 'NOT_READY' : status.healthy ? 'OK' : 'ERROR' },
      ...(status.decision_logs === null ? {} : { decision_logs: { state: status.decision_logs.lastError === null ? 'OK' : 'ERROR' } }),
    },
    blastguard: status,
  };
}

function configError(field: string, problem: string): EnforceError {
  return new EnforceError(ENFORCE_CODES.invalidConfig, `\`${field}\` ${problem}`);
}

export class StatusUploader {
  private readonly url: string;
  private readonly authorization: { origin: string; value: string } | undefined;
  private readonly transport: Transport;
  private inFlight: Promise<void> | undefined;
  private pending = false;
  private closed = false;
  private readonly closeGraceMs: number;
  /** Aborts an upload in flight when `close()` runs out of grace: a hung status service must not hold a shutdown. */
  private readonly closing = new AbortController();
  private readonly counts: StatusUploadStats = { uploaded: 0, failures: 0, last_error: null };

  constructor(
    options: StatusUploadOptions,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly status: () => EnforcerStatus,
  ) {
    if (typeof options !== 'object' || options === null) throw configError('statusUpload', 'must be an object');
    const url = serviceUrl('statusUpload', options.url, options.resource, '/status');
    const grace = options.closeGraceMs ?? DEFAULT_STATUS_CLOSE_GRACE_MS;
    if (!(typeof grace === 'number' && grace >= 0 && Number.isFinite(grace))) throw configError('statusUpload.closeGraceMs', 'must be a number of milliseconds, 0 or more');
    this.closeGraceMs = grace;
    const credentials = validateCredentials('statusUpload.credentials', options.credentials);
    this.url = url.href;
    this.authorization = credentials === undefined ? undefined : { origin: url.origin, value: authorizationValue(credentials) };
    this.transport = new Transport({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...(options.retries === undefined ? {} : { retries: options.retries }) });
  }

  /** The status changed: upload it (after the one in flight, if any; the latest status wins). */
  notify(): void {
    if (this.closed) return;
    this.pending = true;
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Resolves when nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /** Takes no more statuses; lets the upload in flight finish within the grace, then aborts it. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = false;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeGraceMs)));
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    this.closing.abort();
    await this.idle();
  }

  stats(): StatusUploadStats {
    return { ...this.counts };
  }

  private async run(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      // The status is read when the upload starts, so a burst of changes sends the newest one.
      const body = Buffer.from(JSON.stringify(statusDocument(this.status(), this.labels)), 'utf8');
      try {
        await this.transport.send({
          method: 'POST',
          url: this.url,
          headers: { 'content-type': 'application/json' },
          body,
          signal: this.closing.signal,
          ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
        });
        this.counts.uploaded++;
      } catch (e) {
        this.counts.failures++;
        this.counts.last_error = { code: ENFORCE_CODES.statusUploadFailed, message: `uploading the status to \`${this.url}\` failed: ${isBlastguardError(e) ? `${e.code} ${e.message}` : String(e)}` };
      }
    }
  }
}
