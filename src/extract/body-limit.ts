import type { IrApi } from '../ir/types.js';
import { PROTOCOLS } from './protocols/index.js';
import type { ForwardLimits } from './types.js';

/**
 * The body bound a request to `api` keeps in the proxy. Object data a protocol never reads (an S3
 * `PutObject`, an `UploadPart`) is bounded by `maxDataBytes` alone: it is forwarded as sent and
 * never parsed, so the bound on what the proxy parses (`maxBodyBytes`) does not apply to it.
 */
export function bodyLimitOf(api: Pick<IrApi, 'protocol'>, limits: Pick<ForwardLimits, 'maxBodyBytes' | 'maxDataBytes'>): number {
  return PROTOCOLS[api.protocol].bodyIsData === true ? limits.maxDataBytes : limits.maxBodyBytes;
}
