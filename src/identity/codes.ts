import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/** Why an identity envelope was refused. Each tampering has its own code, so logs and metrics tell them apart. */
export type EnvelopeCode = CodeOf<typeof ENVELOPE_CODES>;

/**
 * Identity envelope codes (BG800–BG819 at the call site, BG830–BG839 for the `envelope` command).
 * At the call site every one of them makes the call `input:invalid`: an envelope that is present
 * but fails a check is never replaced by the baggage hint.
 */
export const { codes: ENVELOPE_CODES, titles: ENVELOPE_CODE_TITLES } = codeRegistry({
  /** Not a compact JWS, not JSON, a missing or mistyped claim, a wrong `typ`, or a header that names keys (`jku`, `jwk`, `x5u`, `crit`). */
  malformed: ['BG800', 'identity envelope is malformed'],
  /** `Txn-Token` repeated with different values, or a message's `_meta` envelope differing from the request's. */
  conflicting: ['BG801', 'two different identity envelopes on one call'],
  unknownIssuer: ['BG802', 'identity envelope issuer is not a declared `IdentityIssuer`'],
  unknownKey: ['BG803', 'identity envelope key id is not among its issuer\'s keys'],
  /** `none`, HMAC, RSA, or an algorithm the issuer does not allow or its key cannot make. */
  algorithm: ['BG804', 'identity envelope algorithm is not allowed for its issuer'],
  badSignature: ['BG805', 'identity envelope signature does not verify'],
  expired: ['BG806', 'identity envelope has expired'],
  notYetValid: ['BG807', 'identity envelope is issued in the future'],
  lifetime: ['BG808', 'identity envelope lives longer than its issuer may sign'],
  tenant: ['BG809', 'identity envelope issuer may not assert this tenant'],
  originator: ['BG810', 'identity envelope issuer may not assert this originator'],
  /** The embedded parent is not the one the attenuation names by hash. */
  parentMismatch: ['BG811', 'attenuated envelope names another parent than it embeds'],
  /** An attenuation lists an operation, environment or resource its parent chain does not allow. */
  widenedScope: ['BG812', 'attenuated envelope asks for more than its parent allows'],
  widenedLifetime: ['BG813', 'attenuated envelope outlives its parent'],
  /** An attenuation changes the originator, tenant, causation or transaction of its parent. */
  changedIdentity: ['BG814', 'attenuated envelope changes its parent\'s identity'],
  tooDeep: ['BG815', 'identity envelope chain is too deep'],
  /** The decided call's operation, environment or resource is outside an attenuation. */
  outsideScope: ['BG816', 'call is outside the identity envelope\'s attenuations'],
  /** The issuer publishes its keys only at a JWKS URL and the enforcer has not fetched them. */
  keysUnavailable: ['BG817', 'identity envelope issuer\'s keys are not available'],
  /** `blastguard envelope`: a key file that cannot be read or is not a usable private or public key. */
  keyFile: ['BG830', 'envelope key file is unreadable or not a usable key'],
  /** `blastguard envelope`: an option value that is not what the command needs (a duration, a list, a traceparent). */
  usage: ['BG831', 'envelope command option is invalid'],
});
