import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/** A closed union: activation decides on these, so a caller can `switch` over every code exhaustively. */
export type VerifyCode = CodeOf<typeof VERIFY_CODES>;

/** Error codes BG300–BG399: bundle verification, one per failed check. Stable; the README lists these titles. */
export const { codes: VERIFY_CODES, titles: VERIFY_CODE_TITLES } = codeRegistry({
  noVerificationKey: ['BG300', 'no verification key configured'],
  unsigned: ['BG301', 'a verification key is configured but the bundle has no `.signatures.json`'],
  signaturesFile: ['BG302', '`.signatures.json` is not a JSON object with a `signatures` array'],
  noJwt: ['BG303', '`.signatures.json` holds no JWT'],
  severalJwts: ['BG304', '`.signatures.json` holds more than one JWT'],
  malformedJwt: ['BG305', 'the JWT is malformed (parts, padded or non-canonical base64url, JSON, claim types, `crit`)'],
  noKeyId: ['BG306', 'no key id: none configured, none in the token'],
  unknownKeyId: ['BG307', 'no verification key with the resolved key id'],
  algorithmMismatch: ['BG308', 'the token `alg` differs from the configured algorithm (including `none`)'],
  badSignature: ['BG309', 'the signature does not verify with the configured key'],
  scopeMismatch: ['BG310', 'the `scope` claim does not match the expected scope'],
  uncoveredFile: ['BG311', 'a bundle file is not covered by the signature'],
  missingSignedFile: ['BG312', 'a signed file is missing from the bundle'],
  digestMismatch: ['BG313', 'a bundle file does not match its signed digest'],
  hashAlgorithm: ['BG314', 'a signed file has no, an unsupported, or a weak (MD5, SHA-1) hash algorithm'],
  verificationKey: ['BG315', 'the verification key is unusable (not a PEM public key, wrong type or size for the algorithm, PEM given as HMAC secret)'],
  fileListedTwice: ['BG316', 'the signature lists a file twice'],
  malformedExcludePattern: ['BG317', 'an `--exclude-files` pattern is malformed'],
  signerPlugin: ['BG318', 'the bundle was signed by a custom signer plugin'],
  verificationKeyUnreadable: ['BG319', 'the verification key file cannot be read'],
  excludesPolicyFile: ['BG320', 'an `--exclude-files` pattern matches a file the policy is loaded from (data, manifest, wasm, rego, api catalog)'],
  unsupportedVerificationAlgorithm: ['BG321', 'unsupported verification algorithm (`--signing-alg`)'],
  verifyFlagValue: ['BG322', '`--key-id` is empty, or `--key-id` / `--scope` has a control character'],
});
