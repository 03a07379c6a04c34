import { ENVELOPE_CODE_TITLES, ENVELOPE_HEADER, EnvelopeError, checkCall, envelopeFromHeaders, trustStoreOf, verifyEnvelope } from '../identity/index.js';
import type { CallScope, FetchedKeys, Identity, TrustedIssuer, VerifiedChain } from '../identity/index.js';
import type { HeaderMap } from '../core/headers.js';
import type { IrCatalog } from '../ir/catalog.js';
import { ExtractFailure } from './failure.js';

const NO_ISSUERS: readonly TrustedIssuer[] = Object.freeze([]);

/** Verifies envelope texts for one request: against the IR's issuers, at the decision time. */
export type EnvelopeVerifier = (envelope: string) => VerifiedChain;

export function envelopeVerifier(ir: Pick<IrCatalog, 'identityIssuers'>, time: string, fetched: FetchedKeys | undefined): EnvelopeVerifier {
  // Every request gets a verifier, and nearly none carries an envelope: the store is looked up
  // (a function of the same issuers and fetched keys, whenever it is) only when one is verified.
  return (envelope) => {
    const store = trustStoreOf(ir.identityIssuers ?? NO_ISSUERS, fetched);
    const now = secondsOf(time);
    return envelopeCheck(() => verifyEnvelope(envelope, store, now));
  };
}

// Requests decided within one millisecond share their time text: it is read once for all of them.
let lastTime = '';
let lastSeconds = Number.NaN;

/** The whole seconds of an ISO time text, as envelopes are checked against. */
function secondsOf(time: string): number {
  if (time !== lastTime) {
    lastSeconds = Math.floor(Date.parse(time) / 1000);
    lastTime = time;
  }
  return lastSeconds;
}

/** The `Txn-Token` of the headers, refusing two different ones. */
export function headerEnvelope(headers: HeaderMap): string | null {
  // Nearly every request carries none, and then there is nothing to read or refuse.
  if (!headers.has(ENVELOPE_HEADER_KEY)) return null;
  return envelopeCheck(() => envelopeFromHeaders(headers));
}

/** The envelope header as a `HeaderMap` keys it. */
const ENVELOPE_HEADER_KEY = ENVELOPE_HEADER.toLowerCase();

/** The identity a verified chain proves; baggage plays no part in it. */
export function chainIdentity(chain: VerifiedChain): Identity {
  return {
    originator: chain.originator,
    tenant: chain.tenant,
    ...(chain.causation === undefined ? {} : { causation: chain.causation }),
    verified: true,
    issuers: [...chain.issuers],
  };
}

/** Refuses a decided call outside the chain's attenuations. */
export function checkEnvelopeScope(chain: VerifiedChain, call: CallScope): void {
  envelopeCheck(() => checkCall(chain, call));
}

/** Runs an envelope check, turning its refusal into the extraction failure that denies the call (`input:invalid`). */
function envelopeCheck<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof EnvelopeError) throw new ExtractFailure(e.code, `identity envelope: ${e.message}`);
    throw e;
  }
}

/** Whether an extraction code is an identity envelope's refusal (the enforcer counts those apart). */
export function isEnvelopeCode(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(ENVELOPE_CODE_TITLES, code);
}
