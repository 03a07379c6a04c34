import type { IrApi } from '../ir/types.js';
import { s3BucketOfHost } from './protocols/s3-host.js';

/*
 * A request is decided under one host name and reaches its upstream under another whenever a
 * proxy forwards it to a configured origin. The two only mean the same call if the protocol reads
 * the same thing from both names. This module says what each protocol reads from a host name
 * beyond which api it belongs to: for S3 the bucket of a virtual-hosted name; for every other
 * protocol here nothing (GraphQL, MCP, REST, AWS query/JSON readers read path, query, headers and
 * body only; the SigV4 credential scope is a signature matter the upstream checks, not a reading).
 */

/** What a server of `api`'s protocol reads from `hostname` (lowercase, no port): `''` when nothing. */
export function hostReading(api: Pick<IrApi, 'protocol'>, hostname: string): string {
  if (api.protocol === 's3') return s3BucketOfHost(hostname) ?? '';
  return '';
}
