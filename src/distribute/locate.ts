import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import type { Credentials } from './config.js';
import { FileSource } from './file.js';
import { HttpSource } from './http.js';
import { OciSource } from './oci.js';
import type { PollingConfig, Source } from './source.js';
import type { FetchLike } from './transport.js';

/** Options every kind of source understands; each kind ignores none of the ones it is given. */
export interface SourceOptions {
  credentials?: Credentials;
  polling?: PollingConfig;
  timeoutSeconds?: number;
  maxBundleBytes?: number;
  retries?: number;
  /** http: PEM CA to trust. */
  caCert?: string | Uint8Array;
  /** oci: plain http to a loopback registry. */
  plainHttp?: boolean;
  fetch?: FetchLike;
}

/**
 * The source a location string names (what `blastguard pull SOURCE` is given): `oci://…` is a
 * registry, `https://…` (or `http://` on loopback) a bundle service, anything else a file or
 * directory path (`file://` URLs included).
 */
export function sourceForLocation(location: string, options: SourceOptions = {}): Source {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  const network = { ...(options.credentials === undefined ? {} : { credentials: options.credentials }), ...common(options) };
  if (scheme === 'oci') {
    reject(options, ['caCert'], 'oci');
    return new OciSource({ reference: location, ...network, ...(options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp }) });
  }
  if (scheme === 'http' || scheme === 'https') {
    reject(options, ['plainHttp'], 'http');
    return new HttpSource({ url: location, ...network, ...(options.caCert === undefined ? {} : { caCert: options.caCert }) });
  }
  if (scheme !== undefined && scheme !== 'file') {
    throw new DistributeError(DISTRIBUTE_CODES.invalidLocation, `bundle location \`${printable(location)}\` has unsupported scheme \`${printable(scheme)}\``, {
      help: 'give a file or directory path, an `https://` url or an `oci://` reference',
    });
  }
  reject(options, ['credentials', 'caCert', 'plainHttp', 'timeoutSeconds', 'retries', 'fetch'], 'file');
  const file = scheme === 'file' ? decodeURIComponent(new URL(location).pathname) : location;
  return new FileSource({ path: file, ...(options.polling === undefined ? {} : { polling: options.polling }), ...(options.maxBundleBytes === undefined ? {} : { maxBundleBytes: options.maxBundleBytes }) });
}

function common(options: SourceOptions): Omit<SourceOptions, 'credentials' | 'caCert' | 'plainHttp'> {
  const out: Omit<SourceOptions, 'credentials' | 'caCert' | 'plainHttp'> = {};
  if (options.polling !== undefined) out.polling = options.polling;
  if (options.timeoutSeconds !== undefined) out.timeoutSeconds = options.timeoutSeconds;
  if (options.maxBundleBytes !== undefined) out.maxBundleBytes = options.maxBundleBytes;
  if (options.retries !== undefined) out.retries = options.retries;
  if (options.fetch !== undefined) out.fetch = options.fetch;
  return out;
}

/** An option that does not apply to this kind of source is a mistake worth reporting, not ignoring. */
function reject(options: SourceOptions, keys: readonly (keyof SourceOptions)[], kind: string): void {
  for (const key of keys) {
    if (options[key] !== undefined) {
      throw new DistributeError(DISTRIBUTE_CODES.invalidConfig, `\`source.${key}\` does not apply to a ${kind} source`, { help: 'remove it, or check the bundle location' });
    }
  }
}
