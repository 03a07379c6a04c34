import { argumentHolds, type ArgumentCondition } from '../../core/arguments.js';
import { classifyOperationName } from '../../core/classify.js';
import { SEVERITY } from '../../core/modes.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ApiDocument, ArgumentConditions } from '../../schemas/types.generated.js';
import type { Match, OperationClass, Rule, ValidationRule } from '../context.js';
import { attemptNeverHolds } from './attempt-range.js';

type IdentityValue = 'present' | 'absent' | string[] | undefined;

/**
 * Whether every call rule `b` matches is also matched by rule `a`. Sound but not complete: when in
 * doubt it answers false, so a warning always means the rule really can never decide.
 */
export function covers(a: Match | undefined, b: Match | undefined, api: ApiDocument): boolean {
  const A = a ?? {};
  const B = b ?? {};
  return (
    coversOperations(A.operations, B.operations, api) &&
    coversEnvironments(A.environments, B.environments, api) &&
    coversList(A.resources?.kinds, B.resources?.kinds) &&
    coversList(A.resources?.ids, B.resources?.ids) &&
    coversList(A.resources?.projects, B.resources?.projects) &&
    coversList(A.tokens, B.tokens) &&
    coversIdentity(A.identity?.originator, B.identity?.originator) &&
    coversIdentity(A.identity?.tenant, B.identity?.tenant) &&
    (A.identity?.verified === undefined || A.identity.verified === B.identity?.verified) &&
    coversAttempt(A.attempt, B.attempt) &&
    coversArguments(A.arguments, B.arguments)
  );
}

function coversOperations(a: string[] | undefined, b: string[] | undefined, api: ApiDocument): boolean {
  if (a === undefined || a.includes('*')) return true;
  if (b === undefined) return false;
  const classes = new Set(a.filter((s) => s.startsWith('class:')).map((s) => s.slice(6) as OperationClass));
  const names = new Set(a.filter((s) => !s.startsWith('class:')));
  return b.every((selector) => {
    if (selector === '*') return false;
    if (selector.startsWith('class:')) return classes.has(selector.slice(6) as OperationClass);
    if (names.has(selector)) return true;
    const op = api.spec.operations[selector];
    if (op) return classes.has(op.class);
    // Uncatalogued: destructive by name whatever its type; otherwise read or write by type.
    if (classifyOperationName(selector, null) === 'destructive') return classes.has('destructive');
    return classes.has('read') && classes.has('write');
  });
}

// Effective environments are always declared ones, so listing all of them is the same as none.
function coversEnvironments(a: string[] | undefined, b: string[] | undefined, api: ApiDocument): boolean {
  if (a === undefined || api.spec.environments.every((e) => a.includes(e))) return true;
  if (b === undefined) return false;
  return b.every((e) => a.includes(e));
}

function coversList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  return b.every((v) => a.includes(v));
}

function coversIdentity(a: IdentityValue, b: IdentityValue): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  if (a === 'present') return b === 'present' || Array.isArray(b);
  if (a === 'absent') return b === 'absent';
  return Array.isArray(b) && b.every((v) => a.includes(v));
}

/** Whether every value `b` admits also satisfies `a` (conservative: false when unsure). */
function impliesArgument(b: ArgumentCondition | undefined, a: ArgumentCondition): boolean {
  if (b === undefined) return false;
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  if (typeof b !== 'string') return b.every((v) => argumentHolds(a, v) && (typeof v === 'string' || argumentHolds(a, JSON.stringify(v))));
  if (b === 'absent') return a === 'empty';
  return false;
}

/** Every argument condition of `a` holds wherever those of `b` hold. */
function coversArguments(a: ArgumentConditions | undefined, b: ArgumentConditions | undefined): boolean {
  for (const [path, cond] of Object.entries(a ?? {})) {
    if (cond === undefined) continue;
    const other = b && Object.prototype.hasOwnProperty.call(b, path) ? b[path] : undefined;
    if (!impliesArgument(other, cond)) return false;
  }
  return true;
}

function coversAttempt(a: Match['attempt'], b: Match['attempt']): boolean {
  if (a === undefined) return true;
  const aMin = a.min ?? 1;
  const aMax = a.max ?? Infinity;
  const bMin = b?.min ?? 1;
  const bMax = b?.max ?? Infinity;
  return aMin <= bMin && aMax >= bMax;
}

/**
 * A rule can never decide when an earlier rule of the same policy matches every call it matches
 * with a mode at least as severe: whenever it matches, the earlier one (or something before it)
 * is the decision's `rule`. It is not dead: it still shows in `violations` (deny and shadow) and,
 * at the verdict's severity, its reason in `reasons`. Rules that match nothing at all are BG059's.
 */
export const unreachableRule: ValidationRule = {
  name: 'unreachable-rule',
  codes: [VALIDATION_CODES.unreachableRule],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    for (const doc of set.policies) {
      const api = apis.get(doc.value.spec.api);
      if (!api) continue;
      const rules: Rule[] = doc.value.spec.rules;
      rules.forEach((b, j) => {
        if (attemptNeverHolds(b)) return;
        const i = rules.findIndex((a, k) => k < j && SEVERITY[a.mode] >= SEVERITY[b.mode] && covers(a.match, b.match, api.value));
        const a = rules[i];
        if (!a) return;
        const line = doc.locate(['spec', 'rules', i, 'id']).line;
        const severity = a.mode === b.mode ? `the same mode (\`${a.mode}\`)` : `a more severe mode (\`${a.mode}\`)`;
        // Where `b` still shows when it matches: allow findings are never violations, and its
        // reason is among `reasons` only when its mode is the verdict's.
        const stillIn = b.mode === 'allow' ? (a.mode === 'allow' ? '`reasons`' : undefined) : a.mode === b.mode ? '`violations` and `reasons`' : '`violations`';
        const still = stillIn ? `\`${b.id}\` still appears in ${stillIn} when it matches, but never as the decision's \`rule\`; ` : '';
        out.push(
          diagnostic(
            VALIDATION_CODES.unreachableRule,
            `rule \`${b.id}\` can never decide: rule \`${a.id}\` (line ${line}) matches every call it matches, with ${severity}`,
            doc.locate(['spec', 'rules', j, 'id']),
            a.mode === b.mode
              ? `${still}move \`${b.id}\` before \`${a.id}\` if it should decide, narrow \`${a.id}\`, or remove \`${b.id}\``
              : `${still}\`${a.mode}\` outweighs \`${b.mode}\` whatever the order: narrow \`${a.id}\` or remove \`${b.id}\``,
          ),
        );
      });
    }
    return out;
  },
};
