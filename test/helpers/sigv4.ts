// AWS Signature Version 4, written from the AWS General Reference ("Create a signed AWS API
// request") and checked against its published examples (test/proxy/aws-signed.test.ts): the
// signer builds requests as an SDK does, the verifier is what an AWS endpoint runs on what it
// receives. Tests use it on loopback only, with the documentation's example key.
import { createHash, createHmac } from 'node:crypto';

export const EXAMPLE_KEY = { id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: every byte but the unreserved ones as `%XX`, uppercase. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query string: each name and value decoded once, encoded once, sorted by name then value. */
function canonicalQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const pairs = search
    .replace(/^\?/, '')
    .split('&')
    .map((part) => {
      const at = part.indexOf('=');
      const [name, value] = at === -1 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
      return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
    });
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

export interface SignInput {
  method: string;
  /** Path and query, as sent. */
  target: string;
  /** Lowercase names; `host` and `x-amz-date` included. All are signed. */
  headers: Record<string, string>;
  body: Uint8Array | string;
  region: string;
  service: string;
  /** `true` for S3, which paths are not encoded twice for; unused on `/`. */
  s3?: boolean;
}

function signature(input: SignInput, signed: readonly string[], secret: string): { signature: string; scope: string } {
  const url = new URL(input.target, 'http://signing.invalid');
  const path = input.s3 === true ? url.pathname : url.pathname.split('/').map((s) => uriEncode(decodeURIComponent(s))).join('/');
  const payload = input.headers['x-amz-content-sha256'] ?? sha256(input.body);
  const canonicalHeaders = signed.map((n) => `${n}:${(input.headers[n] ?? '').trim().replace(/ +/g, ' ')}\n`).join('');
  const request = [input.method, path, canonicalQuery(url.search), canonicalHeaders, signed.join(';'), payload].join('\n');
  const date = input.headers['x-amz-date']!;
  const scope = `${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(request)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date.slice(0, 8)), input.region), input.service), 'aws4_request');
  return { signature: createHmac('sha256', key).update(toSign).digest('hex'), scope };
}

/** The `Authorization` header an SDK sends for the request, signing every header given. */
export function authorization(input: SignInput, key = EXAMPLE_KEY): string {
  const signed = Object.keys(input.headers).map((n) => n.toLowerCase()).sort();
  const { signature: sig, scope } = signature(input, signed, key.secret);
  return `AWS4-HMAC-SHA256 Credential=${key.id}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${sig}`;
}

/**
 * Whether a received request carries a valid signature, as an AWS endpoint checks it. `host` is
 * the host the client signed (a proxy forwards to the loopback upstream under its own `Host`).
 */
export function verifies(received: { method: string; target: string; headers: Record<string, string | string[] | undefined>; body: Uint8Array }, host: string, key = EXAMPLE_KEY): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(received.headers['authorization'] ?? ''));
  if (auth === null || auth[1] !== key.id) return false;
  // S3 checks a declared payload hash against the body it received.
  const declared = received.headers['x-amz-content-sha256'];
  if (typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256(received.body)) return false;
  const signed = auth[5]!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = name === 'host' ? host : received.headers[name];
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.map((v) => v.trim()).join(',') : value;
  }
  const input: SignInput = { method: received.method, target: received.target, headers, body: received.body, region: auth[3]!, service: auth[4]!, s3: auth[4] === 's3' };
  return signature(input, signed, key.secret).signature === auth[6];
}
