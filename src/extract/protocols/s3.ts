import { headerValues } from '../../core/headers.js';
import { escape, labelled } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { checkParameterNames } from '../params.js';
import type { NormalizedRequest } from '../request.js';
import { canonicalAsSent, isAwsSigned } from './original.js';
import { forwardedCopySource, readCopySource } from './s3-copy-source.js';
import { readS3Host } from './s3-host.js';
import { readDeleteBody } from './s3-delete.js';
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
 * one subresource in the query string (`?delete`, `?acl`, `?policy`, …). The body is data, never
 * read, but for `DeleteObjects`: its keys are what is deleted, so each `Object` it names is one
 * operation, decided on its own with its `Key` (and `VersionId`) as arguments, as a GraphQL
 * request's root fields are (s3-delete.ts reads it, one way; the bytes read are forwarded).
 * `CopyObject` and `UploadPartCopy` read another object, named by `x-amz-copy-source`: the copy
 * carries it as `CopySourceBucket`/`CopySourceKey`/`CopySourceVersionId`, and the read is decided
 * too, as a `GetObject` of the source (s3-copy-source.ts reads the header, one way).
 */

export const s3: ProtocolExtractor = {
  protocol: 's3',
  messages: (request) => [() => s3Operations(request)],
  // An object's body is its data, not parameters: it is forwarded byte for byte, never decoded.
  // A copy source goes as it was decided (s3-copy-source.ts).
  canonical: (request, api) => {
    const message = canonicalAsSent(request, api);
    const source = readCopySource(request.headers);
    if (source === null) return message;
    const sent = headerValues(request.headers, 'x-amz-copy-source')[0]!;
    return { ...message, headers: { 'x-amz-copy-source': forwardedCopySource(sent, source, isAwsSigned(request)) } };
  },
  bodyIsData: true,
};

type Scope = 'service' | 'bucket' | 'object';

/**
 * The subresources that select another operation than the bare method, by scope and method
 * (S3 API reference, "Actions"). A subresource or method not listed here is no known operation
 * and is refused: S3 would run something the table cannot name.
 */
const OPERATIONS: Readonly<Record<Scope, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  service: { '': { GET: 'ListBuckets' } },
  bucket: {
    '': { GET: 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' },
    delete: { POST: 'DeleteObjects' },
    accelerate: { GET: 'GetBucketAccelerateConfiguration', PUT: 'PutBucketAccelerateConfiguration' },
    acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
    analytics: { GET: 'GetBucketAnalyticsConfiguration', PUT: 'PutBucketAnalyticsConfiguration', DELETE: 'DeleteBucketAnalyticsConfiguration' },
    cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
    encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
    'intelligent-tiering': { GET: 'GetBucketIntelligentTieringConfiguration', PUT: 'PutBucketIntelligentTieringConfiguration', DELETE: 'DeleteBucketIntelligentTieringConfiguration' },
    inventory: { GET: 'GetBucketInventoryConfiguration', PUT: 'PutBucketInventoryConfiguration', DELETE: 'DeleteBucketInventoryConfiguration' },
    lifecycle: { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
    location: { GET: 'GetBucketLocation' },
    logging: { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' },
    metrics: { GET: 'GetBucketMetricsConfiguration', PUT: 'PutBucketMetricsConfiguration', DELETE: 'DeleteBucketMetricsConfiguration' },
    notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
    'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
    ownershipControls: { GET: 'GetBucketOwnershipControls', PUT: 'PutBucketOwnershipControls', DELETE: 'DeleteBucketOwnershipControls' },
    policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
    policyStatus: { GET: 'GetBucketPolicyStatus' },
    publicAccessBlock: { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' },
    replication: { GET: 'GetBucketReplication', PUT: 'PutBucketReplication', DELETE: 'DeleteBucketReplication' },
    requestPayment: { GET: 'GetBucketRequestPayment', PUT: 'PutBucketRequestPayment' },
    tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
    uploads: { GET: 'ListMultipartUploads' },
    versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
    versions: { GET: 'ListObjectVersions' },
    website: { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' },
  },
  object: {
    '': { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' },
    acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
    attributes: { GET: 'GetObjectAttributes' },
    'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
    restore: { POST: 'RestoreObject' },
    retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
    select: { POST: 'SelectObjectContent' },
    tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
    torrent: { GET: 'GetObjectTorrent' },
    uploads: { POST: 'CreateMultipartUpload' },
    uploadId: { GET: 'ListParts', PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload' },
  },
};

const SUBRESOURCES = new Set(Object.values(OPERATIONS).flatMap((byName) => Object.keys(byName).filter((n) => n !== '')));

/** A bucket configuration subresource without `id` lists the configurations instead of reading one. */
const CONFIGURATIONS: Readonly<Record<string, string>> = {
  analytics: 'ListBucketAnalyticsConfigurations',
  'intelligent-tiering': 'ListBucketIntelligentTieringConfigurations',
  inventory: 'ListBucketInventoryConfigurations',
  metrics: 'ListBucketMetricsConfigurations',
};

/**
 * The query parameters of S3 requests that select no operation (S3 API reference, request
 * parameters of ListObjects(V2), ListObjectVersions, ListMultipartUploads, ListParts, ListBuckets,
 * GetObject, HeadObject and the subresource operations; `x-id`, which the AWS SDK for JavaScript v3
 * adds; SigV2 presigned urls). Any other name may be a subresource this table does not know: S3
 * would run that operation, so the request is refused rather than decided as the bare method.
 */
const PARAMETERS = new Set([
  'bucket-region', 'continuation-token', 'delimiter', 'encoding-type', 'fetch-owner', 'key-marker', 'list-type',
  'marker', 'max-buckets', 'max-keys', 'max-parts', 'max-uploads', 'part-number-marker', 'partNumber', 'prefix',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires', 'start-after', 'upload-id-marker', 'version-id-marker', 'versionId',
  'x-id', 'AWSAccessKeyId', 'Expires', 'Signature',
]);

/** Parameters that go with one subresource only: elsewhere S3 may read them otherwise. */
const SUBRESOURCE_PARAMETERS: Readonly<Record<string, ReadonlySet<string>>> = {
  id: new Set(Object.keys(CONFIGURATIONS)),
  'select-type': new Set(['select']),
};

/**
 * Whether S3 reads `name` as a parameter of the operation the table named. Presigned urls carry
 * the signature (`X-Amz-Signature`, …) and hoisted `x-amz-*` headers in the query; a hoisted
 * `x-amz-copy-source` turns a PutObject into a copy, which the table names from the header only.
 */
function ordinaryParameter(name: string, subresource: string): boolean {
  if (PARAMETERS.has(name)) return true;
  const lower = name.toLowerCase();
  if (lower.startsWith('x-amz-')) return !lower.startsWith('x-amz-copy-source');
  return SUBRESOURCE_PARAMETERS[name]?.has(subresource) === true;
}

function s3Operations(request: NormalizedRequest): FoundOperation[] {
  const { method, url, headers } = request;
  const ambiguous = (message: string): never => fail(EXTRACT_CODES.ambiguousParameters, message);
  const names = [...url.searchParams.keys()];
  checkParameterNames(url.search, names, [...SUBRESOURCES]);
  const segments = url.pathname.split('/').slice(1);
  const host = readS3Host(url.hostname);
  if (host.style === 'unreadable') fail(EXTRACT_CODES.wrongEndpoint, `the host \`${escape(url.hostname, 100)}\` is no s3 endpoint name known here: which bucket it names cannot be read one way`);
  const virtual = host.style === 'virtual' ? host.bucket : undefined;
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
  const unknown = names.find((n) => !SUBRESOURCES.has(n) && !ordinaryParameter(n, subresource));
  if (unknown !== undefined) {
    fail(EXTRACT_CODES.wrongEndpoint, `${labelled('query parameter', unknown, 'key', 'a query parameter')} is no known s3 subresource or request parameter: s3 may run an operation other than \`${method}\` on the ${scope}`);
  }
  let name = OPERATIONS[scope][subresource]?.[method];
  if (name === undefined) {
    return fail(EXTRACT_CODES.wrongEndpoint, `no s3 operation is \`${method}\` on a ${scope}${subresource === '' ? '' : ` with subresource \`${subresource}\``}`);
  }
  const listed = CONFIGURATIONS[subresource];
  if (listed !== undefined && method === 'GET' && !url.searchParams.has('id')) name = listed;
  if (name === 'ListObjects' && url.searchParams.get('list-type') === '2') name = 'ListObjectsV2';
  const source = readCopySource(headers);
  if (source !== null) {
    if (name === 'PutObject') name = 'CopyObject';
    else if (name === 'UploadPart') name = 'UploadPartCopy';
    else fail(EXTRACT_CODES.unreadableCopySource, `\`x-amz-copy-source\` is sent with \`${name}\`, which copies nothing: servers differ on whether they read it`);
  }
  const args: Record<string, unknown> = {};
  for (const [param, value] of url.searchParams) {
    if (url.searchParams.getAll(param).some((v) => v !== value)) ambiguous(`${labelled('parameter', param, 'key', 'a parameter')} is given several times with different values`);
    if (!SUBRESOURCES.has(param) || value !== '') args[param] = value;
  }
  if (bucket !== '') args['Bucket'] = bucket;
  if (key !== '') args['Key'] = key;
  if (source !== null) {
    args['CopySourceBucket'] = source.bucket;
    args['CopySourceKey'] = source.key;
    if (source.versionId !== undefined) args['CopySourceVersionId'] = source.versionId;
    // The source object is read: decided as a read of its own, as each key of DeleteObjects is.
    const read = { Bucket: source.bucket, Key: source.key, ...(source.versionId === undefined ? {} : { versionId: source.versionId }) };
    return [{ name, type: 'request', args }, { name: 'GetObject', type: 'request', args: read }];
  }
  if (name === 'DeleteObjects') {
    const { objects, quiet } = readDeleteBody(request);
    return objects.map((object) => ({ name, type: 'request', args: { ...args, ...object, ...(quiet === undefined ? {} : { Quiet: quiet }) } }));
  }
  return [{ name, type: 'request', args }];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return fail(EXTRACT_CODES.invalidUrl, 'the request path has an invalid percent escape');
  }
}
