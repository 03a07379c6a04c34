import { Agent } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import { GUARD_CODES, GuardError } from '../codes.js';

/**
 * The agent an `https:` MCP upstream is reached with when it must trust extra anchors
 * (`--upstream-ca`: a private CA, a test CA): Node's roots plus the extra ones, verification and
 * host-name checks on (`rejectUnauthorized` set whatever `NODE_TLS_REJECT_UNAUTHORIZED` says).
 * Built once per relay: the trust store is one secure context, not a `ca` list copied into every
 * request's options (Node would key its socket pool by the whole list's text).
 */
export function upstreamTlsAgent(extraCa: string | Buffer): Agent {
  const pem = typeof extraCa === 'string' ? extraCa : extraCa.toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new GuardError(GUARD_CODES.invalidConfig, 'the upstream ca holds no pem certificate', { help: 'pass a file of `-----BEGIN CERTIFICATE-----` blocks (the ca that issued the upstream\'s certificate)' });
  }
  let secureContext;
  try {
    secureContext = createSecureContext({ ca: [...rootCertificates, pem] });
  } catch (e) {
    throw new GuardError(GUARD_CODES.invalidConfig, `the upstream ca is not a readable pem certificate: ${(e as Error).message.toLowerCase()}`, { help: 'pass a file of `-----BEGIN CERTIFICATE-----` blocks', cause: e });
  }
  return new Agent({ keepAlive: true, rejectUnauthorized: true, secureContext });
}
