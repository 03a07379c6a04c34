/**
 * What of a side's remaining rules and grants can still change its decision, once some dimensions
 * are split. Within a cell every remaining rule holds on every dimension already split, so a rule
 * with no condition on a dimension still to split (an identity or resource field, the attempt, an
 * argument path) matches every input of the cell ("settled"). The
 * evaluator decides by the most severe finding, the first one on a tie (README "Evaluation"), and
 * adds the class default only when no rule matched. So once a rule has settled, a rule that is less
 * severe, or as severe and later, can never decide and no longer changes whether the default
 * applies: dropping it changes no decision in the cell. Likewise grants: one settled grant covers
 * every input of the cell, so the others do not matter; and with scopes not checked for the
 * operation's class, or with a deny rule settled (it precedes the scope finding), none do.
 *
 * Both sides cut down this way decide every input of the cell exactly as before, so equal cut-down
 * sides decide alike and the cell needs no further split: this is what keeps a policy with many
 * argument conditions from multiplying its cells.
 */
import { SEVERITY, type IrGrant, type IrRule } from '../ir/types.js';

/** Stands for "some grant covers every input of the cell": only whether one does is read. */
export const COVERED: IrGrant = Object.freeze({ operations: ['*'], environments: ['*'], projects: null, resources: null }) as IrGrant;

export interface Settled {
  rules: IrRule[];
  grants: IrGrant[] | null;
  /** Some rule matches every input of the cell, so the class default applies nowhere in it. */
  decided: boolean;
}

/** Whether a rule or grant still has a condition on a dimension not split yet. */
export interface Open {
  rule(r: IrRule): boolean;
  grant(g: IrGrant): boolean;
}

/** `scopesChecked`: whether the side checks token scopes for the operation's class. */
export function settle(rules: readonly IrRule[], grants: readonly IrGrant[] | null, open: Open, scopesChecked: boolean): Settled {
  let top = -1;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (open.rule(r)) continue;
    if (top < 0 || SEVERITY[r.mode] > SEVERITY[rules[top]!.mode]) top = i;
  }
  const bar = top < 0 ? -1 : SEVERITY[rules[top]!.mode];
  const kept = top < 0 ? [...rules] : rules.filter((r, i) => SEVERITY[r.mode] > bar || (SEVERITY[r.mode] === bar && i <= top));
  let keptGrants: IrGrant[] | null;
  if (grants === null) keptGrants = null;
  else if (!scopesChecked || (top >= 0 && rules[top]!.mode === 'deny')) keptGrants = [];
  else if (grants.some((g) => !open.grant(g))) keptGrants = [COVERED];
  else keptGrants = [...grants];
  return { rules: kept, grants: keptGrants, decided: top >= 0 };
}

/**
 * The rule or grant whose conditions should be split next: the one that would decide first if
 * it matched (most severe, then earliest), so that its "holds" branch settles and drops the rest.
 * Splitting in this order keeps the cells about linear in the number of conditions where a fixed
 * path order multiplies them.
 */
export function firstOpen(rules: readonly IrRule[], open: Open): IrRule | undefined {
  let best: IrRule | undefined;
  for (const r of rules) {
    if (!open.rule(r)) continue;
    if (best === undefined || SEVERITY[r.mode] > SEVERITY[best.mode]) best = r;
  }
  return best;
}
