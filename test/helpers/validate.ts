import type { Diagnostic } from '../../src/diagnostics/types.js';
import { addDocument, emptyPolicySet, loadDocumentsFromText } from '../../src/load/index.js';
import type { PolicySet } from '../../src/load/types.js';
import { validatePolicySet } from '../../src/validate/index.js';

/** A fixed clock for expiry rules: 2026-06-01T00:00:00Z. */
export const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * Loads YAML texts by file name into a policy set, failing loudly on any load diagnostic (a
 * rule test must start from schema-valid documents).
 */
export function setFrom(files: Record<string, string>): PolicySet {
  const set = emptyPolicySet('.');
  for (const [file, text] of Object.entries(files)) {
    const { documents, diagnostics } = loadDocumentsFromText(file, text);
    if (diagnostics.length > 0) {
      throw new Error(`fixture ${file} does not load: ${diagnostics.map((d) => `${d.code}@${d.line}:${d.column} ${d.message}`).join('; ')}`);
    }
    for (const doc of documents) addDocument(set, doc);
  }
  return set;
}

/** Validates the files at NOW and keeps the diagnostics with the given codes. */
export function check(files: Record<string, string>, codes: readonly string[], now: Date = NOW): Diagnostic[] {
  return validatePolicySet(setFrom(files), { now }).filter((d) => codes.includes(d.code));
}
