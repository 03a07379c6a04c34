/**
 * Recognises strings that look like raw credentials, so that validation can reject them and no
 * diagnostic ever echoes one back in full.
 */

export interface CredentialMatch {
  /** What it looks like, e.g. `a GitHub token`. */
  what: string;
}

const PREFIXES: readonly [RegExp, string][] = [
  [/^gh[pousr]_[A-Za-z0-9]{20,}/, 'a GitHub token'],
  [/^github_pat_[A-Za-z0-9_]{20,}/, 'a GitHub fine-grained token'],
  [/^glpat-[A-Za-z0-9_-]{16,}/, 'a GitLab token'],
  [/^xox[abpr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/^(sk|rk)_(live|test)_[A-Za-z0-9]{16,}/, 'a Stripe key'],
  [/^sk-(proj-|ant-)?[A-Za-z0-9_-]{20,}/, 'an API secret key'],
  [/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'an AWS access key id'],
  [/^AIza[0-9A-Za-z_-]{35}$/, 'a Google API key'],
  [/^npm_[A-Za-z0-9]{30,}/, 'an npm token'],
  [/^pypi-[A-Za-z0-9_-]{30,}/, 'a PyPI token'],
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, 'a JSON Web Token'],
];

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(0x)?[0-9a-fA-F]+$/;
const URLISH = /^[a-z][a-z0-9+.-]*:\/\//i;
const PATHISH = /^(\.{0,2}|~)\//;

/** Characters of a token as written in headers: base64, base64url and the usual separators. */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;
const DIGEST = /^[a-z0-9]+:[0-9a-f]+$/i;

/**
 * An HTTP authorization scheme followed by a credential, anywhere in a string
 * (`Bearer 9b2f6c1e-4d7a-…`, `Basic dXNlcjpwYXNz`, `Authorization: Token …`). Group 3 is the value.
 */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{16,})/gi;

/**
 * Whether a value following an auth scheme is a credential rather than words or a name
 * (`Bearer tokens…`, `token ci-domains-2027`): a UUID, a hex or padded base64 string, something
 * credential-shaped, or a piece (between `-`, `_`, `.`) of 8+ characters mixing letters and digits.
 */
function tokenLike(value: string): boolean {
  if (!TOKEN_CHARS.test(value)) return false;
  if (UUID.test(value) || /^[0-9a-fA-F]{16,}$/.test(value) || /^[A-Za-z0-9+/]{12,}={1,2}$/.test(value)) return true;
  if (looksLikeCredential(value)) return true;
  return value.split(/[-_.~+/=]+/).some((piece) => piece.length >= 8 && /[A-Za-z]/.test(piece) && /[0-9]/.test(piece));
}

/** The credentials written after an authorization scheme in `text`: their offsets and values. */
export function authSchemeCredentials(text: string): { index: number; value: string }[] {
  const out: { index: number; value: string }[] = [];
  for (const m of text.matchAll(AUTH_SCHEME)) {
    const value = m[3] ?? '';
    if (tokenLike(value)) out.push({ index: (m.index ?? 0) + (m[1] ?? '').length + (m[2] ?? '').length, value });
  }
  return out;
}

/**
 * Whether a value meant to be a `sha256:` fingerprint looks like the token itself: not a digest
 * form (`sha256:…`, `md5:…`, a bare 64-digit hex digest), but a run of token characters long
 * enough to be a credential — a credential-shaped string, a UUID, a hex or base64 secret.
 */
export function looksLikeTokenValue(value: string): boolean {
  const v = value.trim();
  if (looksLikeCredential(v)) return true;
  if (v.length < 16 || DIGEST.test(v) || /^[0-9a-fA-F]{64}$/.test(v) || !TOKEN_CHARS.test(v)) return false;
  return UUID.test(v) || tokenLike(v) || /^[0-9a-fA-F]+$/.test(v);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...value].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Whether `value` looks like a secret: a known token prefix, a private key block, a JWT, or a long
 * random-looking string (≥ 24 characters, no whitespace, letters of both cases and digits, frequent
 * switches between letter case and digits, high entropy). URLs, absolute or relative paths, UUIDs,
 * hex digests and `sha256:` fingerprints are not credentials.
 */
export function looksLikeCredential(value: string): CredentialMatch | undefined {
  const trimmed = value.trim();
  if (trimmed.length < 16) return undefined;
  if (FINGERPRINT.test(trimmed)) return undefined;
  for (const [re, what] of PREFIXES) {
    if (re.test(trimmed)) return { what };
  }
  const scheme = /^(Bearer|Basic|Token)\s+(\S+)$/i.exec(trimmed);
  if (scheme && authSchemeCredentials(trimmed).length > 0) return { what: `a ${scheme[1] ?? ''} credential` };
  if (trimmed.length < 24 || /\s/.test(trimmed)) return undefined;
  if (URLISH.test(trimmed) || PATHISH.test(trimmed) || UUID.test(trimmed) || HEX.test(trimmed)) return undefined;
  if (trimmed.startsWith('sha256:') || trimmed.startsWith('sha512:')) return undefined;
  const lower = /[a-z]/.test(trimmed);
  const upper = /[A-Z]/.test(trimmed);
  const digit = /[0-9]/.test(trimmed);
  if (!(lower && upper && digit)) return undefined;
  // Identifiers such as `customDomainCreateForProject2` are mixed-case too, but made of words:
  // random strings switch case and class far more often.
  const switches = classSwitches(trimmed);
  if (switches / trimmed.length < 0.3) return undefined;
  return shannonEntropy(trimmed) >= 4 ? { what: 'a secret' } : undefined;
}

function classSwitches(value: string): number {
  const cls = (ch: string): number => (/[a-z]/.test(ch) ? 0 : /[A-Z]/.test(ch) ? 1 : /[0-9]/.test(ch) ? 2 : 3);
  let n = 0;
  for (let i = 1; i < value.length; i++) if (cls(value[i] ?? '') !== cls(value[i - 1] ?? '')) n++;
  return n;
}

/** A short, safe rendering of a secret: its first four characters, then `…`. */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return '-----BEGIN…';
  return `${trimmed.slice(0, 4)}…`;
}
