import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { writeAtomically } from './atomic-write.js';
import { EDIT_CODES } from './codes.js';
import { findDocuments, lineAt, namesOf, readPolicyFiles } from './policy-files.js';
import { applyEdits, type TextEdit } from './splice.js';

export interface PromotedRule {
  rule: string;
  /** As the user names it (relative to the working directory). */
  file: string;
  line: number;
  from: 'shadow';
  to: 'deny';
}

export interface PromoteResult {
  rules: PromotedRule[];
  /** Each changed file's new text (as written, or as it would be on a dry run). */
  files: { file: string; text: string }[];
}

export interface PromoteOptions {
  dir: string;
  cwd: string;
  /** `<policy>/<rule>` ids. */
  rules: readonly string[];
  /** Report the edits without writing them. */
  dryRun?: boolean;
}

/** The replacement text of a scalar, in the quoting style it was written with. */
function inStyle(node: Scalar, value: string): string {
  if (node.type === Scalar.QUOTE_DOUBLE) return `"${value}"`;
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value}'`;
  return value;
}

/**
 * `blastguard promote`: each named shadow rule's `mode: shadow` becomes `mode: deny`, and only
 * that scalar changes — comments, order, quoting and flow style stay — so the pull request's diff
 * is one line per rule. Every rule is checked before any file is written; files are replaced
 * atomically.
 */
export async function promoteRules(options: PromoteOptions): Promise<PromoteResult> {
  const files = await readPolicyFiles(options.dir, options.cwd);
  const edits = new Map<(typeof files)[number], TextEdit[]>();
  const promoted: PromotedRule[] = [];
  for (const id of new Set(options.rules)) {
    const slash = id.indexOf('/');
    if (slash <= 0 || slash === id.length - 1) {
      throw new BlastguardError(EDIT_CODES.badRuleId, `\`${escape(id)}\` is not a rule id`, { help: 'name rules as <policy>/<rule>, e.g. railway-production/production-writes-need-originator (see `blastguard report`)' });
    }
    const policy = id.slice(0, slash);
    const ruleId = id.slice(slash + 1);
    const found = findDocuments(files, 'Policy', policy);
    let hit: { file: (typeof files)[number]; node: Scalar } | null = null;
    for (const { file, document } of found) {
      const rules = document.getIn(['spec', 'rules'], true);
      if (!isSeq(rules)) continue;
      for (const item of rules.items) {
        if (!isMap(item) || item.get('id') !== ruleId) continue;
        const mode = item.get('mode', true);
        if (isScalar(mode)) hit = { file, node: mode };
      }
    }
    if (hit === null) {
      const known = found.length > 0 ? 'the policy has no such rule' : `no Policy is named \`${escape(policy)}\` (policies: ${namesOf(files, 'Policy').slice(0, 8).map((n) => `\`${escape(n)}\``).join(', ')})`;
      throw new BlastguardError(EDIT_CODES.unknownRule, `unknown rule \`${escape(id)}\`: ${known}`, { help: 'list rule ids with `blastguard ir | jq ".ir.policies[].rules[].id"`' });
    }
    const line = lineAt(hit.file.source, hit.node.range![0]);
    if (hit.node.value === 'deny') {
      throw new BlastguardError(EDIT_CODES.alreadyDeny, `\`${escape(id)}\` is already in mode deny`, { file: escape(hit.file.display), line, help: 'drop it from the promote command' });
    }
    if (hit.node.value !== 'shadow') {
      throw new BlastguardError(EDIT_CODES.notShadow, `\`${escape(id)}\` is in mode \`${escape(String(hit.node.value))}\`; only shadow rules are promoted`, { file: escape(hit.file.display), line, help: 'a rule starts in shadow, gathers evidence in the decision logs, then is promoted' });
    }
    const [start, end] = hit.node.range!;
    const list = edits.get(hit.file) ?? [];
    list.push({ start, end, text: inStyle(hit.node, 'deny') });
    edits.set(hit.file, list);
    promoted.push({ rule: id, file: hit.file.display, line, from: 'shadow', to: 'deny' });
  }
  const changed = [...edits].map(([file, list]) => ({ file, text: applyEdits(file.source, list) }));
  if (options.dryRun !== true) for (const { file, text } of changed) await writeAtomically(file.path, text, file.display);
  return { rules: promoted, files: changed.map(({ file, text }) => ({ file: file.display, text })) };
}
