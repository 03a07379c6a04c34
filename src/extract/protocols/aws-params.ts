import { labelled } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { goFold } from '../params.js';

/*
 * AWS Query protocol parameter serialization (botocore `serialize.py`, QuerySerializer and
 * EC2Serializer): scalars as `Name=value`; lists as `Name.1=…&Name.2=…` (EC2, flattened) or
 * `Name.member.1=…` (query services); nested structures as `Name.Member=…`.
 */

const LIST_ITEM = /^(.+?)(?:\.member)?\.([1-9][0-9]*)$/;

/**
 * The arguments of a query request: every parameter by its name, and each list (`InstanceId.1`,
 * `Names.member.2`) also as an array under its base name, in index order. A name given twice, or
 * in two cases AWS might fold alike, reads two ways, as does a base name given both plainly and as
 * a list; `selectors` (the parameters that choose the operation) may not even repeat identically.
 */
export function awsParameters(pairs: readonly (readonly [string, string])[], selectors: readonly string[]): Record<string, unknown> {
  const ambiguous = (name: string, why: string): never => fail(EXTRACT_CODES.ambiguousParameters, `${labelled('parameter', name, 'key', 'a parameter')} ${why}`);
  const selectorBy = new Map(selectors.map((s) => [goFold(s), s]));
  const args: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const folded = new Map<string, string>();
  for (const [name, value] of pairs) {
    const selector = selectorBy.get(goFold(name));
    if (selector !== undefined && selector !== name) ambiguous(selector, 'is spelled in another case, which some servers read as the same parameter');
    const earlier = folded.get(goFold(name));
    if (earlier !== undefined) {
      if (selector !== undefined || earlier !== name || args[name] !== value) ambiguous(name, 'is given more than once: servers differ on which copy they read');
      continue;
    }
    folded.set(goFold(name), name);
    args[name] = value;
  }
  const lists = new Map<string, [number, string][]>();
  for (const [name, value] of Object.entries(args)) {
    const item = LIST_ITEM.exec(name);
    if (!item?.[1] || !item[2] || typeof value !== 'string') continue;
    const items = lists.get(item[1]) ?? [];
    items.push([Number(item[2]), value]);
    lists.set(item[1], items);
  }
  for (const [base, items] of lists) {
    if (folded.has(goFold(base))) ambiguous(base, 'is given both as one value and as a list');
    args[base] = items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
  return { ...args };
}
