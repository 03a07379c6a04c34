import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { locateJson } from '../../src/catalog/json-position.js';

/** The reference: JSON is YAML, and the yaml package records where every key was written. */
function locateByYaml(text: string, path: readonly (string | number)[]): { line: number; column: number } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      const item = node.items[key] as Node;
      offset = item.range?.[0];
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** A key path through `value`, steered by `choices`, sometimes ending in a key that is not there. */
function pathInto(value: unknown, choices: number[]): (string | number)[] {
  const path: (string | number)[] = [];
  let node = value;
  for (const choice of choices) {
    if (Array.isArray(node) && node.length > 0) {
      const index = choice % (node.length + 1);
      path.push(index);
      node = node[index];
    } else if (typeof node === 'object' && node !== null) {
      const keys = Object.keys(node);
      const index = choice % (keys.length + 1);
      const key = keys[index] ?? 'missing';
      path.push(key);
      node = (node as Record<string, unknown>)[key];
    } else break;
  }
  return path;
}

describe('locateJson', () => {
  it('finds every key where the yaml parser says it was written', () => {
    const key = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(tree, fc.constantFrom<number | string>(0, 2, '\t'), fc.array(fc.nat(), { maxLength: 5 }), (value, indent, choices) => {
        const text = JSON.stringify(value, null, indent);
        const path = pathInto(value, choices);
        expect(locateJson(text, path)).toEqual(locateByYaml(text, path));
      }),
      { numRuns: 300 },
    );
  });
});
