/**
 * What moved in the policy text, as facts beside the decision rows: tokens, rules, the catalog
 * and the panic flag. Facts explain rows; they are not a substitute for them (a rule can change
 * mode without changing a single decision when another rule still decides).
 */
import { compareInstants, parseRfc3339 } from '../core/time.js';
import { SEVERITY, type Ir, type IrGrant, type IrRule, type OperationClass } from '../ir/types.js';
import type { Fact, OverridesChange } from './types.js';

const CLASS_RANK: Record<OperationClass, number> = { read: 0, write: 1, destructive: 2 };
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function overridesChange(base: Ir, head: Ir): OverridesChange | null {
  const before = { ...base.overrides };
  const after = { ...head.overrides };
  if (same(before, after)) return null;
  return { before, after, flipped: before.enforcement !== after.enforcement };
}

/** A list that is null means "any"; `a` covers `b` when every value `b` admits, `a` admits. */
function covers(a: readonly string[] | null, b: readonly string[] | null, wildcard?: string): boolean {
  if (a === null || (wildcard !== undefined && a.includes(wildcard))) return true;
  if (b === null) return false;
  return b.every((x) => a.includes(x));
}

function grantCovers(a: IrGrant, b: IrGrant): boolean {
  return covers(a.operations, b.operations, '*') && covers(a.environments, b.environments, '*') && covers(a.projects, b.projects) && covers(a.resources, b.resources);
}

const grantText = (g: IrGrant): string =>
  `\`${g.operations.join(', ')}\` in \`${g.environments.join(', ')}\`` +
  (g.projects ? ` for projects \`${g.projects.join(', ')}\`` : '') +
  (g.resources ? ` on resources \`${g.resources.join(', ')}\`` : '');

function tokenFacts(base: Ir, head: Ir): Fact[] {
  const facts: Fact[] = [];
  const byName = (ir: Ir): Map<string, Ir['tokens'][number]> => new Map(ir.tokens.map((t) => [t.name, t]));
  const b = byName(base);
  const h = byName(head);
  for (const [name, t] of h) {
    const old = b.get(name);
    if (!old) {
      facts.push({ kind: 'token-added', subject: name, message: `token \`${name}\` added for api \`${t.api}\` with ${t.grants.length} grant(s)`, effect: 'loosens' });
      continue;
    }
    if (old.fingerprint !== t.fingerprint) {
      facts.push({ kind: 'token-fingerprint-changed', subject: name, message: `token \`${name}\` now has fingerprint \`${t.fingerprint}\` (was \`${old.fingerprint}\`)`, effect: 'changes' });
    }
    const oldKeys = old.grants.map((g) => JSON.stringify(g));
    const newKeys = t.grants.map((g) => JSON.stringify(g));
    const added = t.grants.filter((_, i) => !oldKeys.includes(newKeys[i]!));
    const removed = old.grants.filter((_, i) => !newKeys.includes(oldKeys[i]!));
    const pairedRemoved = new Set<IrGrant>();
    for (const g of added) {
      const wider = removed.find((r) => !pairedRemoved.has(r) && grantCovers(g, r));
      const narrower = wider ? undefined : removed.find((r) => !pairedRemoved.has(r) && grantCovers(r, g));
      if (wider) {
        pairedRemoved.add(wider);
        facts.push({ kind: 'token-grant-widened', subject: name, message: `token \`${name}\` grant widened from ${grantText(wider)} to ${grantText(g)}`, effect: 'loosens' });
      } else if (narrower) {
        pairedRemoved.add(narrower);
        facts.push({ kind: 'token-grant-narrowed', subject: name, message: `token \`${name}\` grant narrowed from ${grantText(narrower)} to ${grantText(g)}`, effect: 'tightens' });
      } else {
        facts.push({ kind: 'token-grant-added', subject: name, message: `token \`${name}\` gained a grant: ${grantText(g)}`, effect: 'loosens' });
      }
    }
    for (const r of removed) {
      if (pairedRemoved.has(r)) continue;
      facts.push({ kind: 'token-grant-removed', subject: name, message: `token \`${name}\` lost a grant: ${grantText(r)}`, effect: 'tightens' });
    }
    if (old.expires !== t.expires) {
      const a = old.expires === null ? null : parseRfc3339(old.expires);
      const z = t.expires === null ? null : parseRfc3339(t.expires);
      const later = z === null || (a !== null && compareInstants(z, a) > 0);
      facts.push({
        kind: later ? 'token-expiry-later' : 'token-expiry-earlier',
        subject: name,
        message: `token \`${name}\` expires ${t.expires === null ? 'never' : `\`${t.expires}\``} (was ${old.expires === null ? 'never' : `\`${old.expires}\``})`,
        effect: later ? 'loosens' : 'tightens',
      });
    }
  }
  for (const [name, t] of b) {
    if (!h.has(name)) facts.push({ kind: 'token-removed', subject: name, message: `token \`${name}\` of api \`${t.api}\` removed`, effect: 'tightens' });
  }
  return facts;
}

const EFFECT_OF_ADDING: Record<IrRule['mode'], Fact['effect']> = { allow: 'loosens', shadow: 'changes', deny: 'tightens' };
const EFFECT_OF_REMOVING: Record<IrRule['mode'], Fact['effect']> = { allow: 'tightens', shadow: 'changes', deny: 'loosens' };

function ruleFacts(base: Ir, head: Ir): Fact[] {
  const facts: Fact[] = [];
  const rulesOf = (ir: Ir): Map<string, IrRule> => new Map(ir.policies.flatMap((p) => p.rules.map((r) => [r.id, r] as const)));
  const b = rulesOf(base);
  const h = rulesOf(head);
  for (const [id, r] of h) {
    const old = b.get(id);
    if (!old) {
      // An allow rule that matches where none did displaces the class default, so it can loosen.
      facts.push({ kind: 'rule-added', subject: id, message: `rule \`${id}\` added (${r.mode})`, effect: EFFECT_OF_ADDING[r.mode] });
      continue;
    }
    if (old.mode !== r.mode) {
      const d = SEVERITY[r.mode] - SEVERITY[old.mode];
      facts.push({ kind: 'rule-mode-changed', subject: id, message: `rule \`${id}\` mode ${old.mode} → ${r.mode}`, effect: d < 0 ? 'loosens' : 'tightens' });
    }
    if (!same(old.match, r.match)) facts.push({ kind: 'rule-match-changed', subject: id, message: `rule \`${id}\` matches different calls`, effect: 'changes' });
  }
  for (const [id, r] of b) {
    if (!h.has(id)) facts.push({ kind: 'rule-removed', subject: id, message: `rule \`${id}\` removed (was ${r.mode})`, effect: EFFECT_OF_REMOVING[r.mode] });
  }
  // Order decides which rule names a decision: report policies whose kept rules changed order.
  for (const p of head.policies) {
    const old = base.policies.find((q) => q.name === p.name);
    if (!old) continue;
    const kept = p.rules.map((r) => r.id).filter((id) => b.has(id));
    const oldOrder = old.rules.map((r) => r.id).filter((id) => h.has(id));
    if (kept.join('\n') !== oldOrder.join('\n')) {
      facts.push({ kind: 'rule-reordered', subject: p.name, message: `policy \`${p.name}\` rules reordered: ${kept.map((id) => `\`${id.slice(p.name.length + 1)}\``).join(', ')}`, effect: 'changes' });
    }
  }
  return facts;
}

function catalogFacts(base: Ir, head: Ir): Fact[] {
  const facts: Fact[] = [];
  for (const api of head.apis) {
    const old = base.apis.find((a) => a.name === api.name);
    if (!old) {
      facts.push({ kind: 'api-added', subject: api.name, message: `api \`${api.name}\` added`, effect: 'changes' });
      continue;
    }
    for (const op of api.operations) {
      const was = old.operations.find((o) => o.name === op.name);
      if (!was) facts.push({ kind: 'operation-added', subject: `${api.name}/${op.name}`, message: `operation \`${op.name}\` of \`${api.name}\` catalogued as ${op.class}`, effect: 'changes' });
      else if (was.class !== op.class) {
        const d = CLASS_RANK[op.class] - CLASS_RANK[was.class];
        facts.push({
          kind: 'operation-class-changed',
          subject: `${api.name}/${op.name}`,
          message: `operation \`${op.name}\` of \`${api.name}\` class ${was.class} → ${op.class}`,
          effect: d < 0 ? 'loosens' : 'tightens',
        });
      }
    }
    for (const op of old.operations) {
      if (!api.operations.some((o) => o.name === op.name)) {
        facts.push({ kind: 'operation-removed', subject: `${api.name}/${op.name}`, message: `operation \`${op.name}\` of \`${api.name}\` no longer catalogued (was ${op.class})`, effect: 'changes' });
      }
    }
    const settings = (a: typeof api): unknown => [a.environments, a.protectedEnvironments, a.defaults, a.tokens.missing, a.tokens.unknown, a.tokens.requireExpiry, a.tokens.checkScopesFor];
    if (!same(settings(old), settings(api))) {
      facts.push({ kind: 'api-changed', subject: api.name, message: `api \`${api.name}\` environments, defaults or token settings changed`, effect: 'changes' });
    }
  }
  for (const api of base.apis) {
    if (!head.apis.some((a) => a.name === api.name)) facts.push({ kind: 'api-removed', subject: api.name, message: `api \`${api.name}\` removed: every call to it is denied`, effect: 'tightens' });
  }
  return facts;
}

const ENFORCEMENT_RANK = { normal: 0, 'shadow-all': -1, lockdown: 1 } as const;

/** Every fact, the panic flag first. */
export function policyFacts(base: Ir, head: Ir): Fact[] {
  const facts: Fact[] = [];
  const o = overridesChange(base, head);
  if (o) {
    const d = ENFORCEMENT_RANK[o.after.enforcement] - ENFORCEMENT_RANK[o.before.enforcement];
    facts.push({
      kind: 'overrides-changed',
      subject: 'overrides',
      message: o.flipped
        ? `panic flag ${o.before.enforcement} → ${o.after.enforcement}${o.after.reason ? ` (\`${o.after.reason}\`)` : ''}${o.after.expires ? ` until \`${o.after.expires}\`` : ''}`
        : 'panic flag reason or expiry changed',
      effect: d < 0 ? 'loosens' : d > 0 ? 'tightens' : 'changes',
    });
  }
  return [...facts, ...catalogFacts(base, head), ...ruleFacts(base, head), ...tokenFacts(base, head)];
}
