/**
 * The token dimension of one operation × environment: tokens that every rule and grant of the
 * cell treats alike are one cell. What the cell reads of a token on each side: whether it is
 * usable, its expiry, its name when a rule names it, and the conditions of its grants that apply
 * to the operation and environment (projects, resources, arguments).
 *
 * A changed panic flag or default reaches every operation × environment, each with every token,
 * and most tokens have no grant naming a given operation and no rule that names them: their key
 * depends only on the class and environment (through `class:` and `*` grants), so they are grouped
 * once per class × environment, and only the few that a grant names the operation for, or a rule
 * names, are keyed again per cell. The groups are the same as keying every token in every cell.
 */
import type { IrGrant, IrRule, IrToken, OperationClass } from '../ir/types.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const CLASS_SELECTORS: Record<OperationClass, string> = { read: 'class:read', write: 'class:write', destructive: 'class:destructive' };

/** `op` null: only what matches any operation of the class. */
function selectorMatches(selector: string, op: string | null, cls: OperationClass): boolean {
  return selector === '*' || selector === op || selector === CLASS_SELECTORS[cls];
}

/** The grants of `t` that can cover `op` in `env` (`op` null: through `class:` and `*` selectors only). */
export function relevantGrants(t: IrToken, op: string | null, cls: OperationClass, env: string | null): IrGrant[] {
  return t.grants.filter((g) => g.operations.some((sel) => selectorMatches(sel, op, cls)) && g.environments.some((e) => e === '*' || e === env));
}

const grantKeys = new WeakMap<IrGrant, string>();
function grantKey(g: IrGrant): string {
  let k = grantKeys.get(g);
  if (k === undefined) {
    k = JSON.stringify([g.projects, g.resources, g.arguments ?? null]);
    grantKeys.set(g, k);
  }
  return k;
}

/** One side of a cell: the operation's class and effective environment there, and its remaining rules. */
export interface TokenSide {
  cls: OperationClass;
  env: string | null;
  rules: readonly IrRule[];
}

export class TokenGroups {
  /** Per side: the fingerprints whose token has a grant with the selector; and by token name. */
  private readonly bySelector: Map<string, string[]>[];
  private readonly byName: Map<string, string[]>[];
  /** By class × environment of each side: the groups of every token as if no grant named the operation and no rule named a token. */
  private readonly tiers = new Map<string, Map<string, string[]>>();

  /** `records`: per side, the usable token record of each fingerprint (sorted), or null. */
  constructor(
    private readonly fingerprints: readonly string[],
    private readonly records: readonly ReadonlyMap<string, IrToken | null>[],
  ) {
    this.bySelector = records.map(() => new Map());
    this.byName = records.map(() => new Map());
    records.forEach((recs, k) => {
      for (const fp of fingerprints) {
        const rec = recs.get(fp) ?? null;
        if (!rec) continue;
        add(this.byName[k]!, rec.name, fp);
        for (const sel of new Set(rec.grants.flatMap((g) => g.operations))) add(this.bySelector[k]!, sel, fp);
      }
    });
  }

  /** The groups of `only` (default: every token) for operation `op`, in fingerprint order. */
  groups(op: string, sides: readonly TokenSide[], only?: ReadonlySet<string>): string[][] {
    const referenced = sides.map((s) => new Set(s.rules.flatMap((r) => r.match.tokens ?? [])));
    const out = new Map<string, string[]>();
    if (only) {
      for (const fp of this.fingerprints) if (only.has(fp)) add(out, this.key(fp, { op, sides }, referenced), fp);
      return [...out.values()];
    }
    const picked = new Set<string>();
    sides.forEach((_, k) => {
      for (const fp of this.bySelector[k]!.get(op) ?? []) picked.add(fp);
      for (const name of referenced[k]!) for (const fp of this.byName[k]!.get(name) ?? []) picked.add(fp);
    });
    for (const [key, fps] of this.tier(sides)) {
      const rest = picked.size === 0 ? fps : fps.filter((fp) => !picked.has(fp));
      if (rest.length > 0) out.set(key, [...rest]);
    }
    for (const fp of picked) add(out, this.key(fp, { op, sides }, referenced), fp);
    const groups = [...out.values()];
    if (picked.size > 0) for (const g of groups) g.sort(byString);
    return groups.sort((a, b) => byString(a[0]!, b[0]!));
  }

  private tier(sides: readonly TokenSide[]): Map<string, string[]> {
    const at = sides.map((s) => `${s.cls}\u0001${s.env ?? ''}\u0001${s.env === null}`).join('|');
    let tier = this.tiers.get(at);
    if (!tier) {
      tier = new Map();
      for (const fp of this.fingerprints) add(tier, this.key(fp, { op: null, sides }, null), fp);
      this.tiers.set(at, tier);
    }
    return tier;
  }

  /** What the cell reads of a token on each side (`referenced`: the token names its rules name; null for none). */
  private key(fp: string, cell: { op: string | null; sides: readonly TokenSide[] }, referenced: readonly Set<string>[] | null): string {
    return this.records
      .map((recs, k) => {
        const rec = recs.get(fp) ?? null;
        if (!rec) return 'none';
        const side = cell.sides[k]!;
        const coverage = [...new Set(relevantGrants(rec, cell.op, side.cls, side.env).map(grantKey))].sort(byString);
        const named = referenced?.[k]!.has(rec.name) ? JSON.stringify(rec.name) : '';
        return `${rec.expires ?? ''}\u0001${named}\u0001${coverage.join('\u0001')}`;
      })
      .join('|');
  }
}

function add(m: Map<string, string[]>, key: string, fp: string): void {
  const list = m.get(key);
  if (list) list.push(fp);
  else m.set(key, [fp]);
}
