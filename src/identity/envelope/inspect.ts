import { decodeEnvelope, type EnvelopeClaims, type EnvelopeHeader } from './claims.js';
import { MAX_CHAIN_DEPTH, envelopeHash } from './chain.js';

/** One level of a chain as shown to people: header and claims, the parent by hash only, never a signature. */
export interface InspectedLevel {
  hash: string;
  header: EnvelopeHeader;
  claims: Omit<EnvelopeClaims, 'parent'> & { parent?: { sha256: string } };
}

/** The levels of an envelope, leaf first, decoded without verifying anything (throws `EnvelopeError` when unreadable). */
export function inspectEnvelope(compact: string): InspectedLevel[] {
  const out: InspectedLevel[] = [];
  let text: string | undefined = compact;
  while (text !== undefined && out.length <= MAX_CHAIN_DEPTH) {
    const { header, claims } = decodeEnvelope(text);
    const { parent, ...rest } = claims;
    out.push({ hash: envelopeHash(text), header, claims: { ...rest, ...(parent === undefined ? {} : { parent: { sha256: parent.sha256 } }) } });
    text = parent?.txn_token;
  }
  return out;
}
