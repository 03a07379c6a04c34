import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';

/*
 * A presigned AWS url (S3 `GetObject` links, `aws s3 presign`, boto3 `generate_presigned_url`)
 * carries its credential in the query string, not in `Authorization`: SigV4 as `X-Amz-Credential=
 * AKID/20261130/us-east-1/s3/aws4_request`, SigV2 as `AWSAccessKeyId=AKID`. For an api that reads
 * SigV4 the access key id is the credential, as in the header; the signature is never read.
 */

const AWS_PROTOCOLS = new Set(['s3', 'aws-query', 'aws-json', 'rest-xml']);

/** Whether the api reads AWS credentials from `Authorization`: the SigV4 scheme, or the whole value of an AWS protocol's. */
function readsSigV4(api: Pick<IrApi, 'protocol' | 'tokens'>): boolean {
  return api.tokens.headers.some(
    (h) => h.name.toLowerCase() === 'authorization' && (h.schemes.some((s) => s.toLowerCase() === 'aws4-hmac-sha256') || (h.schemes.length === 0 && AWS_PROTOCOLS.has(api.protocol))),
  );
}

/** The access key id of a SigV4 credential scope, or the whole value when it is not one (an unknown credential). */
function accessKeyOf(scope: string): string {
  const parts = scope.split('/');
  return parts.length === 5 && /^[A-Za-z0-9]{1,128}$/.test(parts[0]!) ? parts[0]! : scope;
}

/**
 * The credential a presigned url's query string carries, for an api that reads SigV4; null when
 * it carries none. Names are matched case-insensitively (servers differ), so a parameter repeated
 * with different values, or SigV4 and SigV2 naming different keys, is a conflict.
 */
export function presignedCredential(search: string, api: Pick<IrApi, 'protocol' | 'tokens'>): string | null {
  if (search === '' || search === '?' || !readsSigV4(api)) return null;
  const keys = new Set<string>();
  for (const [name, value] of new URLSearchParams(search)) {
    const lower = name.toLowerCase();
    if (lower === 'x-amz-credential') keys.add(accessKeyOf(value.trim()));
    else if (lower === 'awsaccesskeyid') keys.add(value.trim());
  }
  keys.delete('');
  if (keys.size > 1) fail(EXTRACT_CODES.conflictingHeader, 'the presigned url names several access keys (`X-Amz-Credential`, `AWSAccessKeyId`)');
  const [key] = keys;
  return key ?? null;
}
