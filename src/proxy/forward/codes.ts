import { BlastguardError, codeRegistry } from '../../core/errors.js';
import type { CodeOf } from '../../core/errors.js';

/**
 * Error codes BG740–BG759 and BG777: the forward proxy (CONNECT, TLS interception) and its local
 * CA. Codes BG750–BG757 name a refusal the proxy sends to a client (in the body of its 4xx/5xx
 * answer); the others are configuration and CA-file errors.
 */
const REGISTRY = codeRegistry({
  /** A `createForwardProxy` option is missing, of the wrong type or out of range. */
  invalidConfig: ['BG740', 'a forward-proxy option is missing, of the wrong type or out of range'],
  /** The CA key file cannot be read or is not a PEM private key. */
  caKeyUnreadable: ['BG741', 'the local CA key cannot be read or is not a PEM private key'],
  /** The CA key is not an ECDSA P-256 or P-384 key. */
  caKeyType: ['BG742', 'the local CA key is not an ECDSA P-256 or P-384 key'],
  /** The CA certificate file cannot be read or is not a PEM certificate. */
  caCertUnreadable: ['BG743', 'the local CA certificate cannot be read or is not a PEM certificate'],
  /** The certificate is not a CA certificate allowed to sign certificates. */
  caCertNotCa: ['BG744', 'the local CA certificate is not a CA (basic constraints, key usage keyCertSign)'],
  /** The CA key is not the key of the CA certificate. */
  caKeyMismatch: ['BG745', 'the local CA key does not belong to the local CA certificate'],
  /** The CA certificate is not yet valid or has expired. */
  caExpired: ['BG746', 'the local CA certificate is not valid now (expired or not yet valid)'],
  /** `proxy ca init`: a CA file exists and `--force` was not given. */
  caFilesExist: ['BG747', '`proxy ca init` refuses to overwrite an existing CA without `--force`'],
  /** `proxy ca init`: the output directory or files cannot be written. */
  caFilesUnwritable: ['BG748', 'the local CA files cannot be written'],
  /** `proxy ca init`: a flag value is invalid (validity, permitted host). */
  caInitUsage: ['BG749', 'a `proxy ca init` flag value is invalid'],
  /** Refusal: the host is neither intercepted (a declared Api) nor allowed to tunnel. */
  hostRefused: ['BG750', 'refused: the host is not a declared api and not allowed to tunnel'],
  /** Refusal: an intercepted host on a port that is not configured for interception. */
  portRefused: ['BG751', 'refused: the port is not configured for interception of this host'],
  /** Refusal: not a proxy request (origin-form to the proxy, bad CONNECT authority, unsupported scheme). */
  badProxyRequest: ['BG752', 'refused: not a valid proxy request (CONNECT authority, absolute-form url)'],
  /** Refusal: the `Host` header or TLS server name disagrees with the proxied host. */
  misdirected: ['BG753', 'refused: the `Host` header or TLS server name disagrees with the proxied host'],
  /** The upstream of an allowed tunnel cannot be reached. */
  tunnelFailed: ['BG754', 'an allowed tunnel cannot reach its upstream'],
  /** A leaf certificate for an intercepted host cannot be issued. */
  issueFailed: ['BG755', 'a certificate for an intercepted host cannot be issued'],
  /** The proxy cannot listen on the requested address. */
  listenFailed: ['BG756', 'the forward proxy cannot listen on the requested address'],
  /** The request handler threw: the client gets 502 and nothing is forwarded by the proxy. */
  handlerFailed: ['BG757', 'the request handler failed on an intercepted request; answered 502'],
  /** The TLS handshake of an intercepted connection failed: most often the client does not trust the local CA. */
  handshakeFailed: ['BG758', 'the tls handshake of an intercepted connection failed (often: the client does not trust the local CA)'],
  /** The CA key file may be read by its group or by others (like ssh, the key must be mode 0600 or narrower). */
  caKeyPermissions: ['BG759', 'the local CA key file is readable by group or others'],
  /** The CA's name constraints (`proxy ca init --permit`) exclude hosts the catalog declares: clients would reject every certificate for them. */
  caNameConstraints: ['BG777', 'the local CA may not sign for hosts of declared apis (its `--permit` name constraints leave them out)'],
});

export const FORWARD_CODES = REGISTRY.codes;

export type ForwardCode = CodeOf<typeof FORWARD_CODES>;

/** Titles for the code table (src/cli/codes.ts joins every layer's registry). */
export const FORWARD_CODE_TITLES = REGISTRY.titles;

/** A forward-proxy or local-CA failure with a code of this layer. */
export class ForwardProxyError extends BlastguardError {
  declare readonly code: ForwardCode;
  constructor(code: ForwardCode, message: string, options: { help?: string; file?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'ForwardProxyError';
  }
}
