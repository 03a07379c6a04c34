import { headerValues } from '../../core/headers.js';
import { labelled } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { checkParameterNames } from '../params.js';
import type { NormalizedRequest } from '../request.js';
import { canonicalAsSent } from './original.js';
import type { FoundOperation, ProtocolExtractor } from './types.js';

/*
 * Amazon S3's REST-XML API (botocore s3 2006-03-01, "Virtual hosting of buckets"):
 *
 *   DELETE /{Key+}           Host: {Bucket}.s3.{region}.amazonaws.com    DeleteObject
 *   DELETE /{Bucket}/{Key+}  Host: s3.{region}.amazonaws.com             DeleteObject (path-style)
 *   DELETE /                 Host: {Bucket}.s3.{region}.amazonaws.com    DeleteBucket
 *   POST   /?delete          <Delete><Object><Key>…</Key></Object>…</Delete>   DeleteObjects
 *
 * The operation is named by the method, whether the path names a bucket and a key, and at most
 * one subresource in the query string (`?delete`, `?acl`, `?policy`, …).
 */

export const s3: ProtocolExtractor = {
  protocol: 's3',
  messages: (request) => [() => s3Operations(request)],
  // An object's body is its data, not parameters: it is forwarded byte for byte, never decoded.
  canonical: (request, api) => canonicalAsSent(request, api),
  bodyIsData: true,
};

type Scope = 'service' | 'bucket' | 'object';

/** The subresources that select another operation than the bare method, by scope and method. */
const OPERATIONS: Readonly<Record<Scope, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  service: { '': { GET: 'ListBuckets' } },
  bucket: {
    '': { GET: 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' },
    delete: { POST: 'DeleteObjects' },
    acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
    policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
    versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
    lifecycle: { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
    tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
    encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
    publicAccessBlock: { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' },
    replication: { GET: 'GetBucketReplication', PUT: 'PutBucketReplication', DELETE: 'DeleteBucketReplication' },
    cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
    website: { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' },
    location: { GET: 'GetBucketLocation' },
    versions: { GET: 'ListObjectVersions' },
    uploads: { GET: 'ListMultipartUploads' },
  },
  object: {
    '': { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' },
    acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
    tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
    retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
    'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
    restore: { POST: 'RestoreObject' },
    uploads: { POST: 'CreateMultipartUpload' },
    uploadId: { GET: 'ListParts', PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload' },
  },
};

const SUBRESOURCES = new Set(Object.values(OPERATIONS).flatMap((byName) => Object.keys(byName).filter((n) => n !== '')));

/** `{bucket}.s3.…` and `{bucket}.s3-{region}.…`: the bucket is everything before the `s3` label. */
const VIRTUAL_HOST = /^(.+?)\.s3[.-]/;

function s3Operations(request: NormalizedRequest): FoundOperation[] {
  const { method, url, headers } = request;
  const ambiguous = (message: string): never => fail(EXTRACT_CODES.ambiguousParameters, message);
  const names = [...url.searchParams.keys()];
  checkParameterNames(url.search, names, [...SUBRESOURCES]);
  const segments = url.pathname.split('/').slice(1);
  const virtual = VIRTUAL_HOST.exec(url.hostname.toLowerCase().replace(/\.$/, ''))?.[1];
  const bucket = virtual ?? decode(segments.shift() ?? '');
  const key = segments.length === 0 ? '' : segments.map(decode).join('/');
  // `//key` is the key `/key` to S3 and a normalized `/key` to some proxies in between.
  if (!virtual && bucket === '' && key !== '') ambiguous('the path starts with an empty bucket segment');
  const scope: Scope = bucket === '' ? 'service' : key === '' ? 'bucket' : 'object';
  const selected = names.filter((n) => SUBRESOURCES.has(n));
  // `uploadId` selects the multipart operations; `partNumber` only goes with it.
  const subresources = [...new Set(selected)];
  if (selected.length > subresources.length) ambiguous(`${labelled('subresource', selected[0] ?? '', 'key', 'a subresource')} is given more than once`);
  if (subresources.length > 1) ambiguous(`the query string names several subresources (${subresources.map((s) => `\`${s}\``).join(', ')}): servers differ on which operation runs`);
  const [subresource = ''] = subresources;
  let name = OPERATIONS[scope][subresource]?.[method];
  if (name === undefined) {
    return fail(EXTRACT_CODES.wrongEndpoint, `no s3 operation is \`${method}\` on a ${scope}${subresource === '' ? '' : ` with subresource \`${subresource}\``}`);
  }
  if (name === 'ListObjects' && url.searchParams.get('list-type') === '2') name = 'ListObjectsV2';
  if (name === 'PutObject' && headerValues(headers, 'x-amz-copy-source').length > 0) name = 'CopyObject';
  const args: Record<string, unknown> = {};
  for (const [param, value] of url.searchParams) {
    if (url.searchParams.getAll(param).some((v) => v !== value)) ambiguous(`${labelled('parameter', param, 'key', 'a parameter')} is given several times with different values`);
    if (!SUBRESOURCES.has(param) || value !== '') args[param] = value;
  }
  if (bucket !== '') args['Bucket'] = bucket;
  if (key !== '') args['Key'] = key;
  return [{ name, type: 'request', args }];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return fail(EXTRACT_CODES.invalidUrl, 'the request path has an invalid percent escape');
  }
}
