// AWS Signature Version 4 by hand (no aws-cli in CI): what a client signs and what an upstream
// checks, so tests see the upstream accept or refuse the very bytes the proxy forwards.
import { createHash, createHmac } from 'node:crypto';

export const SECRET = 'fake-secret-key-for-loopback-tests';
export const AKID = 'fake-AKIDEXAMPLE';

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function scopeKey(date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date), region), service), 'aws4_request');
}

function canonicalQuery(query: string): string {
  return query === '' ? '' : query.split('&').map((p) => (p.includes('=') ? p : `${p}=`)).sort().join('&');
}

/** The signature over method, path, query, the named headers (lowercase names) and the body. */
function signature(method: string, path: string, query: string, headers: Record<string, string>, names: readonly string[], amzDate: string, region: string, service: string, payload: string): string {
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join('');
  const request = [method, path, canonicalQuery(query), canonicalHeaders, names.join(';'), payload].join('\n');
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(request)].join('\n');
  return createHmac('sha256', scopeKey(amzDate.slice(0, 8), region, service)).update(toSign, 'utf8').digest('hex');
}

/** Headers of a request signed for `host`: `x-amz-date`, `x-amz-content-sha256` and `authorization`. */
export function signedHeaders(options: { method: string; path: string; query?: string; host: string; headers?: Record<string, string>; body?: string | Buffer; region?: string; service: string }): Record<string, string> {
  const amzDate = '20261130T190000Z';
  const body = options.body ?? '';
  const payload = sha256(body);
  const headers: Record<string, string> = { ...(options.headers ?? {}), host: options.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payload };
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const region = options.region ?? 'us-east-1';
  const sig = signature(options.method, options.path, options.query ?? '', lower, names, amzDate, region, options.service, payload);
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${AKID}/${amzDate.slice(0, 8)}/${region}/${options.service}/aws4_request, SignedHeaders=${names.join(';')}, Signature=${sig}` };
}

/** Whether a received request's SigV4 `Authorization` verifies (what AWS checks before anything else). */
export function verifies(method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Buffer): boolean {
  const auth = String(headers['authorization'] ?? '');
  const m = /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(auth);
  if (m === null) return false;
  const [path, query = ''] = url.split('?') as [string, string?];
  const names = m[4]!.split(';');
  const lower: Record<string, string> = {};
  for (const n of names) lower[n] = String(headers[n] ?? '');
  const payload = String(headers['x-amz-content-sha256'] ?? sha256(body));
  return signature(method, path, query, lower, names, String(headers['x-amz-date'] ?? ''), m[2]!, m[3]!, payload) === m[5];
}
