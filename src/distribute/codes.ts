import { BlastguardError, codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/**
 * Error codes BG500–BG559: fetching, pushing and persisting bundles. Every failure a source
 * reports carries one of these (or a bundle/verify code from the caller's verification step).
 * Throw with the name (`DISTRIBUTE_CODES.timeout`), so `tsc` catches a wrong code.
 */
const REGISTRY = codeRegistry({
  /** A configuration field is missing, of the wrong type or out of range; the message names the field. */
  invalidConfig: ['BG500', 'a bundle source or persistence option is missing, of the wrong type or out of range'],
  /** The bundle location is not a URL of a supported scheme, or has credentials in it. */
  invalidLocation: ['BG501', 'the bundle location is not a supported URL (file path, `http(s)://`, `oci://`) or embeds credentials'],
  /** An `oci://` reference that does not parse (`oci://host[:port]/repo[:tag|@sha256:hex]`). */
  invalidReference: ['BG502', 'the `oci://` reference does not parse'],
  /** Plain HTTP to a host that is not loopback. */
  insecureTransport: ['BG503', 'plain http to a host that is not loopback'],
  /** No response: connection refused or reset, DNS or TLS failure (certificate not trusted included). */
  unreachable: ['BG510', 'the bundle server cannot be reached (connection, dns or tls failure)'],
  timeout: ['BG511', 'the bundle server did not answer in time'],
  /** The server answered with a status the protocol does not expect (after retries for 408/429/5xx). */
  httpStatus: ['BG512', 'the bundle server answered with an unexpected http status'],
  tooManyRedirects: ['BG513', 'too many redirects'],
  /** A redirect without a usable `Location`, or to a scheme other than http(s), or from https to http. */
  badRedirect: ['BG514', 'a redirect without a usable `Location`, to another scheme, or from https to http'],
  tooLarge: ['BG515', 'the response is larger than the size limit'],
  /** The body ended before its announced length, or the connection dropped mid-body. */
  truncated: ['BG516', 'the response body is truncated'],
  wrongContentType: ['BG517', 'the response has a content type that is not a bundle'],
  emptyBody: ['BG518', 'the response has no body'],
  /** 401/403: credentials missing, refused, or an auth challenge blastguard cannot answer. */
  unauthorized: ['BG519', 'the server requires credentials, or refused the ones given'],
  /** An OCI manifest or index that is not JSON of the expected shape and media type. */
  badManifest: ['BG530', 'the oci manifest or index is malformed or of an unsupported media type'],
  /** An OCI manifest without a `application/vnd.oci.image.layer.v1.tar+gzip` layer. */
  noBundleLayer: ['BG531', 'the oci manifest has no bundle layer (`application/vnd.oci.image.layer.v1.tar+gzip`)'],
  /** Content whose sha256 or size differs from the digest that names it. */
  digestMismatch: ['BG532', 'downloaded content does not match its digest or size'],
  /** An image index with no manifest, or indexes nested deeper than the limit. */
  badIndex: ['BG533', 'the oci image index has no manifest, or indexes nest too deep'],
  /** The registry token endpoint failed or answered without a token. */
  tokenFailed: ['BG534', 'the registry token endpoint failed'],
  /** The registry broke the upload protocol (no `Location`, manifest refused). */
  pushFailed: ['BG535', 'the registry refused an upload'],
  /** The bundle file or directory of a file source cannot be read. */
  unreadable: ['BG540', 'the bundle file or directory cannot be read'],
  /** The persistence directory cannot be written. */
  persistFailed: ['BG550', 'the persistence directory cannot be written'],
  /** The persisted bundle cannot be read back. */
  persistedUnreadable: ['BG551', 'the persisted bundle cannot be read'],
});

export const DISTRIBUTE_CODES = REGISTRY.codes;
export type DistributeCode = CodeOf<typeof DISTRIBUTE_CODES>;
/** Titles for the code table (src/cli/codes.ts joins every layer's registry). */
export const DISTRIBUTE_CODE_TITLES = REGISTRY.titles;

/** A distribution failure with a code of this layer. */
export class DistributeError extends BlastguardError<DistributeCode> {
  constructor(code: DistributeCode, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'DistributeError';
  }
}

/** The server answered with a status the caller did not expect. */
export class HTTPError extends DistributeError {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
    options: { help?: string; code?: DistributeCode; retryAfterMs?: number } = {},
  ) {
    super(options.code ?? DISTRIBUTE_CODES.httpStatus, message, options);
    this.name = 'HTTPError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** The server's `Retry-After`, in milliseconds, uncapped: when a caller should ask it again at the earliest. */
  readonly retryAfterMs?: number;
}
