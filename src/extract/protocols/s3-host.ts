/*
 * Amazon S3 "Virtual hosting of buckets": a bucket may be named by the host instead of the path's
 * first segment. Both the S3 reader and the egress proxy's host check (../host-reading.ts) read
 * host names with this one function, so the two cannot drift apart.
 *
 * A bucket name may contain dots and `s3-` labels (`logs.s3-archive`), and AWS's endpoint names
 * differ by feature (dual-stack, FIPS, acceleration, S3 Express zonal endpoints, PrivateLink), so the
 * host is read from its END: it must end in one of a closed list of S3 endpoint names, and the
 * bucket is everything before that name. An AWS host (or any host with an `s3` label after its
 * first) that ends in none of them, or in several that read differently, cannot be read one way.
 * Access points (`s3-accesspoint`, `s3-object-lambda`, Multi-Region), Outposts and the S3 Control
 * api name no bucket in the host: they are in no list here, so their hosts stay unreadable.
 */

export type S3Host = { style: 'virtual'; bucket: string } | { style: 'path' } | { style: 'unreadable' };

const REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d+';
const AWS = 'amazonaws\\.com(?:\\.cn)?';
/**
 * A directory bucket's zone id: an Availability Zone (`use1-az4`) or a Local Zone
 * (`usw2-lax1-az1`), each part letters then digits, so no `dualstack` or `fips` label reads as one.
 */
const ZONE = '[a-z]+\\d+(?:-[a-z]+\\d+)*-az\\d+';

/**
 * What a name before the endpoint may be: `bucket` (a virtual-hosted bucket, or path-style with
 * none), `virtual` (a bucket is required: the endpoint has no path-style form), `path` (no bucket
 * may be named before it), `vpce` (PrivateLink: `bucket.` names the path-style form, `{bucket}.bucket.` the virtual one).
 */
type Prefix = 'bucket' | 'virtual' | 'path' | 'vpce';

const ENDPOINTS: readonly { suffix: RegExp; prefix: Prefix }[] = [
  { suffix: new RegExp(`^s3\\.${AWS}$`), prefix: 'bucket' },
  { suffix: new RegExp(`^s3(?:-fips)?\\.(?:dualstack\\.)?${REGION}\\.${AWS}$`), prefix: 'bucket' },
  { suffix: new RegExp(`^s3-(?:${REGION}|external-1)\\.${AWS}$`), prefix: 'bucket' },
  { suffix: new RegExp(`^s3-accelerate(?:\\.dualstack)?\\.${AWS}$`), prefix: 'virtual' },
  // S3 Express zonal endpoints, as the SDKs' S3 endpoint rules write them from a directory
  // bucket's zone (an Availability Zone `use1-az4`, a Local Zone `usw2-lax1-az1`): FIPS, dual-stack or both.
  { suffix: new RegExp(`^s3express(?:-fips)?-${ZONE}(?:\\.dualstack)?\\.${REGION}\\.${AWS}$`), prefix: 'virtual' },
  // S3 Express Regional (control) endpoints: FIPS and dual-stack as the SDKs write them, and the
  // `s3express-control-dualstack` spelling AWS's endpoint table lists.
  { suffix: new RegExp(`^s3express-control(?:(?:-fips)?(?:\\.dualstack)?|-dualstack)\\.${REGION}\\.${AWS}$`), prefix: 'path' },
  { suffix: new RegExp(`^vpce-[a-z0-9]+(?:-[a-z0-9]+)*\\.s3\\.${REGION}\\.vpce\\.${AWS}$`), prefix: 'vpce' },
];

const BUCKET = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function read(prefix: string | undefined, shape: Prefix): S3Host {
  if (prefix === undefined) return shape === 'virtual' ? { style: 'unreadable' } : { style: 'path' };
  if (shape === 'path') return { style: 'unreadable' };
  if (shape === 'vpce') {
    if (prefix === 'bucket') return { style: 'path' };
    if (!prefix.endsWith('.bucket')) return { style: 'unreadable' };
    return read(prefix.slice(0, -'.bucket'.length), 'virtual');
  }
  return BUCKET.test(prefix) ? { style: 'virtual', bucket: prefix } : { style: 'unreadable' };
}

/** How S3 reads `hostname` (any case, optional trailing dot): the bucket it names, path-style, or not one way. */
export function readS3Host(hostname: string): S3Host {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  const readings = new Map<string, S3Host>();
  for (let at = 0; at < labels.length; at++) {
    const suffix = labels.slice(at).join('.');
    const endpoint = ENDPOINTS.find((e) => e.suffix.test(suffix));
    if (endpoint === undefined) continue;
    const reading = read(at === 0 ? undefined : labels.slice(0, at).join('.'), endpoint.prefix);
    readings.set(JSON.stringify(reading), reading);
  }
  if (readings.size === 1) return [...readings.values()][0]!;
  if (readings.size > 1) return { style: 'unreadable' };
  // No S3 endpoint name. On AWS's own domains S3 reads by rules this list does not know; elsewhere
  // (loopback, IP literals, S3-compatible servers on their own names) the server is path-style,
  // unless the name looks virtual-hosted (an `s3` label after the first), which cannot be read one way.
  if (new RegExp(`(?:^|\\.)${AWS}$`).test(host)) return { style: 'unreadable' };
  if (host === 'localhost' || IPV4.test(host) || host.includes(':')) return { style: 'path' };
  if (labels.slice(1).some((l) => /^s3(?:$|-|express)/.test(l))) return { style: 'unreadable' };
  return { style: 'path' };
}

/** The bucket a virtual-hosted S3 host name names, or `undefined` for a path-style or unreadable host. */
export function s3BucketOfHost(hostname: string): string | undefined {
  const reading = readS3Host(hostname);
  return reading.style === 'virtual' ? reading.bucket : undefined;
}
