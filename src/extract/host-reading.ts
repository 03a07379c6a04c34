import type { IrApi } from '../ir/types.js';
import { readS3Host } from './protocols/s3-host.js';

/*
 * A request is decided under one host name and reaches its upstream under another whenever a
 * proxy forwards it to a configured origin. The two only mean the same call if the protocol reads
 * the same thing from both names. This module says what each protocol reads from a host name
 * beyond which api it belongs to: for S3 the bucket of a virtual-hosted name; for every other
 * protocol here nothing (GraphQL, MCP, REST, AWS query/JSON readers read path, query, headers and
 * body only; the SigV4 credential scope is a signature matter the upstream checks, not a reading).
 */

/**
 * What a server of `api`'s protocol reads from `hostname` (lowercase, no port): `''` when nothing,
 * `undefined` when it cannot be read one way (an S3 host of no endpoint shape known here).
 */
export function hostReading(api: Pick<IrApi, 'protocol'>, hostname: string): string | undefined {
  if (api.protocol !== 's3') return '';
  const reading = readS3Host(hostname);
  return reading.style === 'virtual' ? reading.bucket : reading.style === 'path' ? '' : undefined;
}
