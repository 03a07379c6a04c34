import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import { fetchTrustingCa } from './ca-fetch.js';
import {
  authorizationValue,
  configError,
  knownKeys,
  optionalNumber,
  requireSecureUrl,
  requiredString,
  stringMap,
  validateCredentials,
  validatePolling,
  type Credentials,
} from './config.js';
import { PollingSource, type FetchResult, type PollingConfig } from './source.js';
import { DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, Transport, showUrl, type FetchLike } from './transport.js';

/**
 * OPA's HTTP bundle service (`v1/download/download.go`): `GET <url>` with `If-None-Match: <etag>`;
 * `200` + gzip tarball + `ETag`, or `304 Not Modified`. Long polling: the client sends
 * `Prefer: modes=snapshot;wait=<s>`, and a server that answers with `Content-Type:
 * application/vnd.openpolicyagent.bundles` holds the request until a change or the time-out (then
 * `304`). Delta bundles are not requested: blastguard bundles are signed, and deltas cannot be.
 */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.openpolicyagent.bundles';
/** The content types OPA expects for a bundle. Anything else (an HTML login page, JSON error) is refused, where OPA only logs it. */
export const BUNDLE_CONTENT_TYPES: readonly string[] = [BUNDLE_MEDIA_TYPE, 'application/gzip', 'application/octet-stream', 'application/x-gzip'];
/** Time a long poll may take beyond the wait it asked for before it counts as a time-out. */
export const LONG_POLL_GRACE_MS = 10_000;

export interface HttpSourceConfig {
  /** The bundle's URL: OPA's `services[].url` + `/` + `bundles[].resource`. */
  url: string;
  credentials?: Credentials;
  /** Extra request headers (OPA's `services[].headers`); not for credentials. */
  headers?: Record<string, string>;
  polling?: PollingConfig;
  /** PEM CA certificate(s) to trust instead of the system store; TLS verification is always on. */
  caCert?: string | Uint8Array;
  /** Per-request time-out (default 30 s; long polls add their wait). */
  timeoutSeconds?: number;
  /** Largest bundle accepted (default 128 MiB). */
  maxBundleBytes?: number;
  /** Retries of 408/429/5xx and dropped connections within one check (default 2). */
  retries?: number;
  fetch?: FetchLike;
}

const KEYS = ['url', 'credentials', 'headers', 'polling', 'caCert', 'timeoutSeconds', 'maxBundleBytes', 'retries', 'fetch'];

function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export class HttpSource extends PollingSource {
  readonly kind = 'http';
  readonly location: string;
  private readonly url: string;
  private readonly authorization: { origin: string; value: string } | undefined;
  private readonly headers: Record<string, string>;
  private readonly transport: Transport;
  /** The `wait` asked of the server when long polling (undefined: no long polling). */
  readonly longPollingTimeoutSeconds: number | undefined;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(config: HttpSourceConfig) {
    const c = knownKeys('source', config, KEYS);
    const polling = validatePolling('source.polling', config.polling);
    super(polling);
    this.longPollingTimeoutSeconds = polling.longPollingTimeoutSeconds;
    const raw = requiredString('source.url', c['url']);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DistributeError(DISTRIBUTE_CODES.invalidLocation, `\`source.url\` is not a url: \`${printable(raw)}\``, { help: 'give an absolute http(s) url, like `https://bundles.example.com/bundles/blastguard`' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DistributeError(DISTRIBUTE_CODES.invalidLocation, `\`source.url\` has unsupported scheme \`${printable(url.protocol)}\``, { help: 'an http bundle source is fetched over https (or http on loopback)' });
    }
    if (url.username !== '' || url.password !== '') {
      throw new DistributeError(DISTRIBUTE_CODES.invalidLocation, '`source.url` embeds credentials', { help: 'move them to `source.credentials`, where they are never logged or sent to another origin' });
    }
    requireSecureUrl('source.url', url);
    this.url = url.href;
    this.location = showUrl(url.href);
    const credentials = validateCredentials('source.credentials', config.credentials);
    this.authorization = credentials === undefined ? undefined : { origin: url.origin, value: authorizationValue(credentials) };
    this.headers = {};
    if (c['headers'] !== undefined) {
      for (const [name, value] of Object.entries(stringMap('source.headers', c['headers']))) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw configError(`source.headers.${name}`, 'is not a valid http header name');
        if (/^(authorization|if-none-match|prefer|host|content-length)$/i.test(name)) {
          throw configError(`source.headers.${name}`, 'is set by blastguard itself', name.toLowerCase() === 'authorization' ? 'put credentials in `source.credentials`' : undefined);
        }
        this.headers[name] = value;
      }
    }
    const caCert = c['caCert'];
    if (caCert !== undefined && typeof caCert !== 'string' && !(caCert instanceof Uint8Array)) throw configError('source.caCert', 'must be pem text or bytes');
    if (caCert !== undefined && !/-----BEGIN CERTIFICATE-----/.test(Buffer.from(caCert).toString('latin1'))) throw configError('source.caCert', 'is not a pem certificate');
    if (config.fetch !== undefined && typeof config.fetch !== 'function') throw configError('source.fetch', 'must be a function');
    if (caCert !== undefined && config.fetch !== undefined) throw configError('source.caCert', 'cannot be combined with `source.fetch`; give the ca to your fetch');
    this.timeoutMs = (optionalNumber('source.timeoutSeconds', c['timeoutSeconds'], { min: 0.001 }) ?? DEFAULT_TIMEOUT_MS / 1000) * 1000;
    this.maxBytes = optionalNumber('source.maxBundleBytes', c['maxBundleBytes'], { min: 1, integer: true }) ?? DEFAULT_MAX_BYTES;
    const retries = optionalNumber('source.retries', c['retries'], { min: 0, max: 10, integer: true }) ?? DEFAULT_RETRIES;
    const fetchImpl = config.fetch ?? (caCert === undefined ? undefined : fetchTrustingCa(caCert));
    this.transport = new Transport({ retries, timeoutMs: this.timeoutMs, ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }) });
  }

  protected async fetchOnce(etag: string, signal: AbortSignal | undefined): Promise<FetchResult> {
    const headers: Record<string, string> = { ...this.headers, accept: `${BUNDLE_MEDIA_TYPE}, application/gzip;q=0.9, application/octet-stream;q=0.8` };
    if (etag !== '') headers['if-none-match'] = etag;
    const wait = this.longPollingTimeoutSeconds;
    if (wait !== undefined) headers['prefer'] = `modes=snapshot;wait=${wait}`;
    const response = await this.transport.send({
      url: this.url,
      headers,
      ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
      maxBytes: this.maxBytes,
      timeoutMs: wait === undefined ? this.timeoutMs : wait * 1000 + Math.max(this.timeoutMs, LONG_POLL_GRACE_MS),
      accept: [304],
      ...(signal === undefined ? {} : { signal }),
    });
    const type = mediaType(response.headers);
    const longPoll = wait !== undefined && type === BUNDLE_MEDIA_TYPE;
    if (response.status === 304) {
      // Not modified since nothing: a broken server or cache. Nothing was confirmed, and no etag is adopted.
      if (etag === '') {
        throw new DistributeError(DISTRIBUTE_CODES.httpStatus, `\`${this.location}\` answered 304 not modified to a request without \`If-None-Match\``, {
          help: 'a bundle server answers 200 with the bundle when the client has none; check caches in front of it',
        });
      }
      return { etag, longPoll };
    }
    if (response.status !== 200) {
      throw new DistributeError(DISTRIBUTE_CODES.httpStatus, `\`${this.location}\` answered ${response.status} without a bundle`, { help: 'a bundle server answers 200 with the bundle or 304 not modified' });
    }
    if (!BUNDLE_CONTENT_TYPES.includes(type)) {
      throw new DistributeError(DISTRIBUTE_CODES.wrongContentType, `\`${this.location}\` answered with content type \`${printable(type || 'none')}\`, not a bundle`, {
        help: `serve bundles as ${BUNDLE_CONTENT_TYPES.map((t) => `\`${t}\``).join(', ')}`,
      });
    }
    if (response.body.byteLength === 0) {
      throw new DistributeError(DISTRIBUTE_CODES.emptyBody, `\`${this.location}\` answered 200 with an empty body`, { help: 'the server has no bundle at this url' });
    }
    return { raw: response.body, etag: response.headers.get('etag') ?? '', longPoll };
  }
}

export function createHttpSource(config: HttpSourceConfig): HttpSource {
  return new HttpSource(config);
}
