/** Bundle signing: OPA-shaped JWTs over bundle file digests. Imports the bundle layer; nothing imports it but the CLI. */
export { SigningKey, loadSigningKey } from './keys.js';
export { packSignedBundle, serializeSignatures, signBundleFiles, signFiles, signaturePayload } from './sign.js';
export type { SigningOptions } from './sign.js';
