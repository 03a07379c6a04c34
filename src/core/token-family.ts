/*
 * Token families: short-lived credentials (GitHub App installation tokens `ghs_…`, AWS temporary
 * access key ids `ASIA…`) are minted too often to be declared one by one, but carry a non-secret
 * prefix that says what kind of credential they are.
 */

const FAMILY = 'family:';

/**
 * The key a family is registered under in the bundle's token registry, and the `token.fingerprint`
 * extraction gives a credential of the family that no Token declares by its own fingerprint. It
 * can never collide with a real fingerprint (`sha256:<hex>`), and it names the prefix only, never
 * the credential.
 */
export function familyKey(prefix: string): string {
  return FAMILY + prefix;
}

/** The longest declared prefix the credential starts with, if any. */
export function familyOf(credential: string, prefixes: Iterable<string>): string | null {
  let best: string | null = null;
  for (const p of prefixes) if (credential.startsWith(p) && credential.length > p.length && (best === null || p.length > best.length)) best = p;
  return best;
}
