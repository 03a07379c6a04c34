import { createHash } from 'node:crypto';
import type { HeaderMap } from '../core/headers.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';

/*
 * Credentials in request headers (RFC 9110 §11.6.2): `Authorization: <scheme> <credentials>`, or
 * an API's own header (`Project-Access-Token: <token>`), as the API's `tokens.headers` configures.
 */

export function fingerprintOf(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/**
 * A header name as CGI, Rack, WSGI and PHP servers key it: they read `Project_Access_Token` and
 * `Project-Access-Token` into the same variable (`HTTP_PROJECT_ACCESS_TOKEN`), whichever is sent.
 */
function cgiName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/**
 * The credential the configured headers carry, hashed on the spot so the raw value never leaves
 * this function. Every configured header is read, under every name a server may take for it
 * (case-insensitive, `_` and `-` alike): one header sent with different values, or two configured
 * headers carrying different credentials, is a conflict. Which one the upstream honours is
 * unknowable (a server may prefer another header than the configuration's first), so the caller
 * treats the request as unparseable (`fail`). The same credential in several places is one token.
 *
 * A value that does not carry the configured scheme (`Token x`, `Bearerx`, a bare token) is still
 * a credential to a lenient server: it counts as one (its whole value), so it conflicts with any
 * other credential, and alone it is fingerprinted whole, which no Token declares unless its value
 * really is that string (then it is the credential the server sees). It is never "no credential".
 */
export function extractToken(headers: HeaderMap, config: IrApi['tokens']['headers']): string | null {
  const tokens = new Set<string>();
  const carriers: string[] = [];
  for (const { name, scheme } of config) {
    const own = new Set<string>();
    const key = cgiName(name);
    for (const [sent, values] of headers) {
      if (cgiName(sent) !== key) continue;
      for (const raw of values) {
        const token = credentialOf(raw, scheme);
        if (token !== null) own.add(token);
      }
    }
    if (own.size > 1) fail(EXTRACT_CODES.conflictingHeader, `header \`${name}\` is sent several times with different values`);
    for (const token of own) {
      tokens.add(token);
      carriers.push(name);
    }
  }
  if (tokens.size > 1) {
    fail(EXTRACT_CODES.conflictingHeader, `headers ${carriers.map((c) => `\`${c}\``).join(' and ')} carry different credentials`);
  }
  const [token] = tokens;
  return token === undefined ? null : fingerprintOf(token);
}

// Optional whitespace around a field value is SP and HTAB only (RFC 9110 §5.6.3).
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * The credential a header value carries: after the configured scheme (case-insensitive, RFC 9110
 * §11.1) when it has it, else the whole value. An empty value, or the scheme with nothing after
 * it, carries none.
 */
function credentialOf(raw: string, scheme: string | null): string | null {
  const value = trimOws(raw);
  if (value === '') return null;
  if (scheme === null) return value;
  const space = value.search(/[ \t]/);
  const head = space < 0 ? value : value.slice(0, space);
  if (head.toLowerCase() !== scheme.toLowerCase()) return value;
  const token = space < 0 ? '' : trimOws(value.slice(space));
  return token === '' ? null : token;
}
