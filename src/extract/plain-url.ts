/*
 * Nearly every request the proxy reads is an origin-form target (`POST /graphql/v2`) under a plain
 * `Host` (`backboard.railway.com`), which a WHATWG url parser keeps exactly as written: nothing to
 * percent-encode, no dot segment, no `\`, no IDNA, IPv4 or default-port rewriting. Such a request
 * is read into its parts directly instead of through a `URL` (test/extract/plain-url.property.test.ts
 * holds them equal to `new URL` on random targets and hosts); any other goes through `new URL`.
 */

/** The parts of a request url extraction reads: a WHATWG `URL`, or a `PlainUrl`. */
export type RequestUrl = Readonly<Pick<URL, 'protocol' | 'host' | 'hostname' | 'port' | 'pathname' | 'search' | 'username' | 'password'>> & {
  /**
   * Read-only: on a `PlainUrl` a change to it would not reach `search`, as it does on a `URL`, and
   * what is decided would then differ from what is forwarded.
   */
  readonly searchParams: ReadonlyUrlParams;
};

/** The reading half of `URLSearchParams`. */
export type ReadonlyUrlParams = Pick<URLSearchParams, 'get' | 'getAll' | 'has' | 'keys' | 'values' | 'entries' | 'forEach' | 'size' | typeof Symbol.iterator>;

/** `new URL('http://' + host + target)` of a plain host and target, read without one. */
class PlainUrl implements RequestUrl {
  readonly protocol = 'http:';
  readonly username = '';
  readonly password = '';
  private params: URLSearchParams | undefined;

  constructor(
    readonly hostname: string,
    readonly port: string,
    readonly host: string,
    readonly pathname: string,
    readonly search: string,
  ) {}

  /** Parsed when first read, as `URL` parses its query (most requests never read it). */
  get searchParams(): URLSearchParams {
    return (this.params ??= new URLSearchParams(this.search));
  }
}

/**
 * Lowercase labels of letters, digits and `-`, the last one opening with a letter (so it is not read
 * as an IPv4 number), none an IDNA `xn--` label; a port of 1 to 5 digits without a leading zero.
 */
const PLAIN_HOST = /^(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?::[1-9][0-9]{0,4})?$/;
const IDNA_LABEL = /(?:^|\.)xn--/;

/**
 * A path of characters the WHATWG path state keeps as they are (its second not `/` or `\`), then
 * optionally `?` and a query of characters the special-query state keeps (not `'`, no `#`).
 */
const PLAIN_TARGET = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?$/;
/** A segment that may be `.` or `..`, spelled or percent-encoded: the parser removes those. */
const DOT_SEGMENT = /\/\.|%2e/i;

/** `new URL(`http://${host}${target}`)` when both are plain (above), else null. */
export function plainUrl(host: string, target: string): RequestUrl | null {
  if (!PLAIN_HOST.test(host) || IDNA_LABEL.test(host) || !PLAIN_TARGET.test(target)) return null;
  const query = target.indexOf('?');
  const pathname = query === -1 ? target : target.slice(0, query);
  if (DOT_SEGMENT.test(pathname)) return null;
  const colon = host.indexOf(':');
  const hostname = colon === -1 ? host : host.slice(0, colon);
  const given = colon === -1 ? undefined : host.slice(colon + 1);
  // A port above 65535 fails to parse; the scheme's own (80) is dropped.
  if (given !== undefined && Number(given) > 65_535) return null;
  const port = given === undefined || given === '80' ? '' : given;
  return new PlainUrl(hostname, port, port === '' ? hostname : `${hostname}:${port}`, pathname, query === -1 || query === target.length - 1 ? '' : target.slice(query));
}
