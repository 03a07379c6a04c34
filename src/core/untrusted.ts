import { looksLikeCredential, maskSecret } from './credentials.js';

/**
 * The one rule for echoing text blastguard did not write (a request's headers, ids and names, a
 * bundle's entry names, a policy file's values) into an error message, a diagnostic or a decision
 * log. Caller text may be a misplaced credential, and a message or a log line is read by people
 * who must not see one. Three ways to show it, one per kind of slot:
 *
 * - `quote`: a value that has a known shape (an id, a media type, a member name) is echoed in
 *   backticks only when it has that shape, is short, and cannot be a pasted credential; otherwise
 *   a description that shows nothing of it stands in.
 * - `escape`: a value that must always be shown (a bundle entry name, a flag's value): control
 *   characters escaped, length capped, so it stays on one line.
 * - `excerpt`: a value from a file the user wrote: one line, at most 40 characters, and masked to
 *   its first four characters when it looks like a credential.
 *
 * A decision log applies the same functions, so it masks exactly as an error message does.
 */

/** What a slot expects caller text to look like; anything else is never echoed there. */
export const SHAPES = {
  /** A media type without parameters, lowercase (RFC 9110 token characters). */
  mediaType: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/,
  /** A number as a header may write it. */
  number: /^[-+0-9., ]{1,24}$/,
  /** A member, parameter or argument name. */
  key: /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/,
  /** A resource, environment or project id, or a name standing for one. */
  id: /^[A-Za-z0-9_.:-]{1,64}$/,
  /** A GraphQL name (operation, field, fragment). */
  name: /^[_A-Za-z][_0-9A-Za-z]{0,63}$/,
} as const;

export type Shape = keyof typeof SHAPES;

/** The longest caller value ever quoted. */
const MAX_QUOTED = 64;
/** A run this long of letters and digits is what a key, a token or a digest looks like. */
const RANDOM_RUN = /[A-Za-z0-9]{40,}/;

/** Whether `text` may be echoed in a slot of this shape. */
export function mayEcho(text: string, shape: Shape): boolean {
  return text.length <= MAX_QUOTED && SHAPES[shape].test(text) && !RANDOM_RUN.test(text) && looksLikeCredential(text) === undefined;
}

/** `text` in backticks when it may be echoed, else `otherwise`, which must show nothing of it. */
export function quote(text: string | null, shape: Shape, otherwise: string): string {
  return text !== null && mayEcho(text, shape) ? `\`${text}\`` : otherwise;
}

/** `label \`text\`` when `text` may be echoed (`member \`query\``), else `otherwise` (`a member`). */
export function labelled(label: string, text: string, shape: Shape, otherwise: string): string {
  return mayEcho(text, shape) ? `${label} \`${text}\`` : otherwise;
}

/** A value that is always shown, for a one-line message: control characters escaped, length capped. */
export function escape(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c.charCodeAt(0) > 0xff ? `\\u${c.charCodeAt(0).toString(16)}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** A value from the user's own file, for a message: short, single-line, and masked when it looks like a secret. */
export function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  if (typeof value === 'string' && looksLikeCredential(value)) return mask(value);
  const single = text.replace(/[\r\n\t]+/g, ' ').replace(/`/g, "'");
  return single.length > 40 ? `${single.slice(0, 39)}…` : single;
}

/** A secret, reduced to what may be shown of it: its first four characters. */
export function mask(value: string): string {
  return maskSecret(value);
}
