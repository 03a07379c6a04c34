import { irDigest } from '../ir/build.js';
import type { Ir } from '../ir/types.js';
import { policyFacts, overridesChange } from './facts.js';
import { direction, mergeCells, operationLabel } from './merge.js';
import { changedCells, type Cell } from './space.js';
import type { ApiSpace, DiffReport, DiffRow, OperationVerdict, Verdict } from './types.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface DiffOptions {
  /** Called with each changed cell before merging (tests use it to check cells one by one). */
  onCell?: (cell: Cell) => void;
}

/**
 * The exact decision diff of two policy sets: every input whose decision (mode or deciding rule)
 * differs between `base` and `head` lies in exactly one row, and every input in a row gets the
 * row's `before` on the base and `after` on the head. See space.ts for why the partition is exact.
 */
export function diffDecisions(base: Ir, head: Ir, options: DiffOptions = {}): DiffReport {
  const apiNames = [...new Set([...base.apis, ...head.apis].map((a) => a.name))].sort(byString);
  const apis: ApiSpace[] = [];
  const rows: DiffRow[] = [];
  const verdicts: OperationVerdict[] = [];
  let evaluated = 0;
  for (const name of apiNames) {
    const headApi = head.apis.find((a) => a.name === name);
    const cells: (Cell & { protected: boolean })[] = [];
    const result = changedCells(base, head, name, (cell) => {
      options.onCell?.(cell);
      const isProtected = headApi !== undefined && cell.headEnvironment !== null && headApi.protectedEnvironments.includes(cell.headEnvironment);
      cells.push({ ...cell, protected: isProtected });
    });
    evaluated += result.evaluated;
    apis.push(result.space);
    const apiRows = mergeCells(result.space, cells);
    rows.push(...apiRows);
    verdicts.push(...operationVerdicts(result.space, cells));
  }
  const loosened = rows.filter((r) => r.direction === 'loosened');
  return {
    reportVersion: 1,
    base: { irDigest: irDigest(base) },
    head: { irDigest: irDigest(head) },
    summary: {
      loosened: loosened.length,
      loosenedProtected: loosened.filter((r) => r.protected).length,
      loosenedDestructive: loosened.filter((r) => r.before.class === 'destructive' || r.after.class === 'destructive').length,
      tightened: rows.filter((r) => r.direction === 'tightened').length,
      sameModeOtherRule: rows.filter((r) => r.direction === 'same-mode-other-rule').length,
      cellsEvaluated: evaluated,
    },
    overrides: overridesChange(base, head),
    apis,
    rows,
    verdicts,
    facts: policyFacts(base, head),
  };
}

/** Cedar's comparison words, from the modes of every changed cell of an operation. */
function operationVerdicts(space: ApiSpace, cells: readonly Cell[]): OperationVerdict[] {
  const byOp = new Map<string, { loose: boolean; tight: boolean; other: number }>();
  const labels = [...space.operations, 'class:read', 'class:write', 'class:destructive'];
  for (const label of labels) byOp.set(label, { loose: false, tight: false, other: 0 });
  for (const c of cells) {
    const v = byOp.get(operationLabel(c.conditions.operation))!;
    const d = direction(c.before, c.after);
    if (d === 'loosened') v.loose = true;
    else if (d === 'tightened') v.tight = true;
    else v.other++;
  }
  return labels.map((operation) => {
    const v = byOp.get(operation)!;
    const verdict: Verdict = v.loose && v.tight ? 'incomparable' : v.loose ? 'looser' : v.tight ? 'tighter' : 'equivalent';
    return { api: space.name, operation, verdict, otherRule: v.other };
  });
}
