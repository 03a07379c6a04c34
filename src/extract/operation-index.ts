import type { IrApi } from '../ir/types.js';

type Operation = IrApi['operations'][number];

// An api's operations by name, indexed once per list (the first of a name, as a search finds it).
const byName = new WeakMap<IrApi['operations'], ReadonlyMap<string, Operation>>();

/** The api's operations by name: for each name the first operation of the list that has it. */
export function operationsOf(api: IrApi): ReadonlyMap<string, Operation> {
  let index = byName.get(api.operations);
  if (index === undefined) {
    const built = new Map<string, Operation>();
    for (const o of api.operations) if (!built.has(o.name)) built.set(o.name, o);
    byName.set(api.operations, (index = built));
  }
  return index;
}
