/** Bundle verification. Imports the bundle layer only: verification never depends on signing code. */
export { VerificationKey, loadVerificationKey } from './keys.js';
export { openBundle, singleKeyConfig, verifyBundle } from './verify.js';
export type { OpenBundleOptions, VerificationConfig, VerificationResult } from './verify.js';
export { decodeCompactJws } from './jws.js';
export type { DecodedJws, SignaturePayload, SignedFile } from './jws.js';
export { compileExcludePattern } from './glob.js';
export { VERIFY_CODES, VERIFY_CODE_TITLES } from './codes.js';
export type { VerifyCode } from './codes.js';
