import type { CodeOf, CodeRegistry, CodeTitles } from '../core/errors.js';

/** Error codes BG300–BG399: bundle verification, one per failed check. Stable; the README lists these titles. */
export const VERIFY_CODES = {
  noVerificationKey: 'BG300',
  unsigned: 'BG301',
  signaturesFile: 'BG302',
  noJwt: 'BG303',
  severalJwts: 'BG304',
  malformedJwt: 'BG305',
  noKeyId: 'BG306',
  unknownKeyId: 'BG307',
  algorithmMismatch: 'BG308',
  badSignature: 'BG309',
  scopeMismatch: 'BG310',
  uncoveredFile: 'BG311',
  missingSignedFile: 'BG312',
  digestMismatch: 'BG313',
  hashAlgorithm: 'BG314',
  verificationKey: 'BG315',
  fileListedTwice: 'BG316',
  malformedExcludePattern: 'BG317',
  signerPlugin: 'BG318',
  verificationKeyUnreadable: 'BG319',
  excludesPolicyFile: 'BG320',
  unsupportedVerificationAlgorithm: 'BG321',
  verifyFlagValue: 'BG322',
} as const satisfies CodeRegistry;

/** A closed union: activation decides on these, so a caller can `switch` over every code exhaustively. */
export type VerifyCode = CodeOf<typeof VERIFY_CODES>;

/** Titles for the README's diagnostics table. */
export const VERIFY_CODE_TITLES: CodeTitles<typeof VERIFY_CODES> = {
  BG300: 'no verification key configured',
  BG301: 'a verification key is configured but the bundle has no `.signatures.json`',
  BG302: '`.signatures.json` is not a JSON object with a `signatures` array',
  BG303: '`.signatures.json` holds no JWT',
  BG304: '`.signatures.json` holds more than one JWT',
  BG305: 'the JWT is malformed (parts, padded or non-canonical base64url, JSON, claim types, `crit`)',
  BG306: 'no key id: none configured, none in the token',
  BG307: 'no verification key with the resolved key id',
  BG308: 'the token `alg` differs from the configured algorithm (including `none`)',
  BG309: 'the signature does not verify with the configured key',
  BG310: 'the `scope` claim does not match the expected scope',
  BG311: 'a bundle file is not covered by the signature',
  BG312: 'a signed file is missing from the bundle',
  BG313: 'a bundle file does not match its signed digest',
  BG314: 'a signed file has no, an unsupported, or a weak (MD5, SHA-1) hash algorithm',
  BG315: 'the verification key is unusable (not a PEM public key, wrong type or size for the algorithm, PEM given as HMAC secret)',
  BG316: 'the signature lists a file twice',
  BG317: 'an `--exclude-files` pattern is malformed',
  BG318: 'the bundle was signed by a custom signer plugin',
  BG319: 'the verification key file cannot be read',
  BG320: 'an `--exclude-files` pattern matches a file the policy is loaded from (data, manifest, wasm, rego)',
  BG321: 'unsupported verification algorithm (`--signing-alg`)',
  BG322: '`--key-id` is empty, or `--key-id` / `--scope` has a control character',
};
