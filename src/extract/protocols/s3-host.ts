/*
 * Amazon S3 "Virtual hosting of buckets": a bucket may be named by the host instead of the path's
 * first segment. Both the S3 reader and the egress proxy's host check (../host-reading.ts) read
 * host names with this one function, so the two cannot drift apart.
 */

/** `{bucket}.s3.…` and `{bucket}.s3-{region}.…`: the bucket is everything before the `s3` label. */
const VIRTUAL_HOST = /^(.+?)\.s3[.-]/;

/** The bucket a virtual-hosted S3 host name names, or `undefined` for a path-style (or any other) host. */
export function s3BucketOfHost(hostname: string): string | undefined {
  return VIRTUAL_HOST.exec(hostname.toLowerCase().replace(/\.$/, ''))?.[1];
}
