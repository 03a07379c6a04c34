/**
 * Classification of an operation the API catalog does not list, exactly as README ("`Api`")
 * specifies. The reference evaluator, the Wasm engine and validation messages all import this one
 * function so that "will be classified as" in a warning is what the bundle then does.
 */

import type { OperationClass } from './modes.js';

/** The class a name is given: the catalog's own vocabulary. */
export type NameClass = OperationClass;

/** Words that make an uncatalogued operation destructive, compared lowercased. */
export const DESTRUCTIVE_VERBS: readonly string[] = [
  'delete',
  'remove',
  'destroy',
  'purge',
  'drop',
  'wipe',
  'reset',
  'revoke',
  'terminate',
  'truncate',
  'erase',
];

const VERBS = new Set(DESTRUCTIVE_VERBS);

// Boundaries are zero-width so that adjacent boundaries (`aB_C`) never swallow a character:
// the separators `_ - . /`, a lowercase letter or digit followed by a capital, and the last
// capital of an acronym followed by a lowercase letter (`DBDelete` → `DB` `Delete`).
const BOUNDARY = /[_\-./]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

/** Splits an operation name into words, e.g. `projectVolumeDelete` → `project` `Volume` `Delete`. */
export function splitOperationName(name: string): string[] {
  return name.split(BOUNDARY).filter((w) => w.length > 0);
}

// ASCII only, as the Wasm engine does: String#toLowerCase maps some non-ASCII letters onto ASCII
// (the Kelvin sign U+212A becomes `k`), which would make `REVO\u212AE` destructive here only.
function asciiLower(word: string): string {
  return word.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * The class of an operation missing from the catalog: `destructive` when any word of its name is a
 * destructive verb, otherwise `read` for operation type `query` and `write` for anything else
 * (including an unknown type).
 */
export function classifyOperationName(name: string, type: string | null): NameClass {
  for (const word of splitOperationName(name)) {
    if (VERBS.has(asciiLower(word))) return 'destructive';
  }
  return type === 'query' ? 'read' : 'write';
}
