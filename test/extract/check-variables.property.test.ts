// The canonical request of a document without `@skip`/`@include` checks its variables without
// building their values (`checkVariables`); the reference is `resolveVariables`, which builds
// them. For random definitions (repeats, defaults, non-null types, more than sixteen) and
// supplied values, both refuse alike (same code and message) or both accept.
import fc from 'fast-check';
import { parse, type OperationDefinitionNode } from 'graphql';
import { expect, test } from 'vitest';
import { ExtractFailure } from '../../src/extract/failure.js';
import { checkVariables, resolveVariables } from '../../src/extract/protocols/graphql/document.js';

const definition = fc.tuple(fc.constantFrom('a', 'b', 'id', 'input', '__proto__', 'x'), fc.constantFrom('Int', 'Int!', 'ID', 'ID!', '[ID!]!', 'JSON'), fc.constantFrom('', '', ' = 3', ' = null', ' = "d"', ' = { k: [1] }'));
const operation = fc.array(definition, { maxLength: 20 }).map((defs) => {
  const text = `query Q${defs.length === 0 ? '' : `(${defs.map(([n, t, d]) => `$${n}: ${t}${d}`).join(', ')})`} { me { id } }`;
  return parse(text, { noLocation: true }).definitions[0] as OperationDefinitionNode;
});
const supplied = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'id', 'input', '__proto__', 'y'), fc.constantFrom(null, 1, 'v', undefined, [], {})), { maxLength: 5 }).map((members) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of members) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
});

const outcome = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof ExtractFailure) return `${e.code} ${e.message}`;
    throw e;
  }
};

test('checkVariables refuses exactly what resolveVariables refuses', () => {
  let refused = 0;
  fc.assert(
    fc.property(operation, supplied, (op, values) => {
      const expected = outcome(() => resolveVariables(op, values));
      expect(outcome(() => checkVariables(op, values))).toBe(expected);
      if (expected !== 'ok') refused++;
    }),
    { numRuns: 5_000 },
  );
  expect(refused).toBeGreaterThan(500);
});
