import { canonicalJson } from '../core/canonical-json.js';
import type { LoadedDocument, PolicySet } from '../load/types.js';

/** A policy document a change added, removed or edited, and who owns it. */
export interface ChangedDocument {
  kind: 'Api' | 'Policy' | 'Token' | 'Overrides';
  name: string;
  /** `invalid`: the document is on the head side but does not validate (so it has no content to compare). */
  change: 'added' | 'removed' | 'changed' | 'invalid';
  /** Repository-relative path on the head side (the base's for a removed document). */
  file: string;
  /** `metadata.owners` on the head side (the base's for a removed document). */
  owners: string[];
  /** Owners CODEOWNERS gives the file; empty without a CODEOWNERS file or match. */
  codeowners: string[];
}

type PolicyKindDocument = LoadedDocument<'Api' | 'Policy' | 'Token' | 'Overrides'>;

function documents(set: PolicySet): Map<string, PolicyKindDocument> {
  const all: PolicyKindDocument[] = [...set.apis, ...set.policies, ...set.tokens, ...set.overrides];
  return new Map(all.map((d) => [`${d.kind}/${d.name}`, d]));
}

const ownersOf = (d: PolicyKindDocument): string[] => [...(d.value.metadata.owners ?? [])];

/** Documents whose content differs (compared as canonical JSON, so formatting and comments do not count). */
export function changedDocuments(base: PolicySet, head: PolicySet): ChangedDocument[] {
  const before = documents(base);
  const after = documents(head);
  const out: ChangedDocument[] = [];
  for (const [key, d] of after) {
    const old = before.get(key);
    if (old && canonicalJson(old.value) === canonicalJson(d.value)) continue;
    out.push({ kind: d.kind, name: d.name, change: old ? 'changed' : 'added', file: d.file, owners: ownersOf(d), codeowners: [] });
  }
  const rejected = new Set((head.rejected ?? []).map((r) => r.file));
  for (const [key, d] of before) {
    if (!after.has(key)) out.push({ kind: d.kind, name: d.name, change: rejected.has(d.file) ? 'invalid' : 'removed', file: d.file, owners: ownersOf(d), codeowners: [] });
  }
  return out.sort((a, b) => (a.file === b.file ? (a.name < b.name ? -1 : 1) : a.file < b.file ? -1 : 1));
}
