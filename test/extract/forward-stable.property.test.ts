// A GraphQL body written as `JSON.stringify` writes it has its `variables` forwarded as written
// (canonical.ts, core/json-stable.ts) instead of stringified again. The reference is the general
// path: the same body with one space added, which the scan never calls stable and which reads as
// the same value. For random requests (batches, variables in any order, undeclared or missing
// ones, `__proto__`, escapes, numbers) both must forward the same bytes and decide the same.
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { parseJsonNotingDuplicates } from '../../src/core/json.js';
import { extractForwarding } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import type { Ir } from '../../src/ir/types.js';
import { DOMAINS_TOKEN, TIME, exampleIr } from './fixture.js';

let ir: Ir;
beforeAll(async () => {
  ir = await exampleIr();
});

const DOCUMENTS = [
  'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }',
  'mutation M($id: String!, $input: JSON) { volumeDelete(volumeId: $id) customDomainCreate(input: $input) { id } }',
  'mutation M($input: JSON, $id: String, $b: Boolean = true) { a: volumeDelete(volumeId: $id) @include(if: $b) customDomainCreate(input: $input) { id } }',
  'mutation M($__proto__: JSON, $id: String) { volumeDelete(volumeId: $id) }',
  'query Q { me { id } }',
];
const name = fc.constantFrom('input', 'id', 'b', '__proto__', 'extra', '0', 'domain', 'serviceId');
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('5e7a9e00-0000-4000-8000-0000000000a1', 'staging.pocketos.example', 'é', 'q"x', '\ud83d\ude00', 1, 2.5, 1e21, true, false, null),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.array(fc.tuple(name, tie('json')), { maxLength: 4 }).map(record),
  ),
}));
function record(members: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of members) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
const entry = fc
  .tuple(fc.nat(DOCUMENTS.length - 1), fc.option(fc.array(fc.tuple(name, json), { maxLength: 4 }), { nil: undefined }), fc.constantFrom('M', 'CustomDomainCreate', 'Q', undefined), fc.boolean())
  .map(([doc, variables, operationName, reversed]) => {
    const members: [string, unknown][] = [['query', DOCUMENTS[doc]!]];
    if (variables !== undefined) members.push(['variables', record(variables)]);
    if (operationName !== undefined) members.push(['operationName', operationName]);
    return record(reversed ? members.reverse() : members);
  });
const body = fc.oneof({ weight: 4, arbitrary: entry }, { weight: 1, arbitrary: fc.array(entry, { minLength: 1, maxLength: 3 }) }).map((v) => JSON.stringify(v));

const forwardOf = (text: string): ForwardExtraction => {
  const request: HttpRequest = { method: 'POST', url: 'https://backboard.railway.com/graphql/v2', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: Buffer.from(text) };
  return extractForwarding(request, ir, { time: TIME, limits: {} });
};
const bytes = (x: ForwardExtraction): string | null => (x.forward === null ? null : Buffer.from(x.forward.body).toString('utf8'));

test('variables forwarded as written are the variables stringified', () => {
  let stable = 0;
  let forwarded = 0;
  fc.assert(
    fc.property(body, (text) => {
      // One space after the opening bracket: the same value, never a stable text.
      const spaced = `${text.slice(0, 1)} ${text.slice(1)}`;
      expect(parseJsonNotingDuplicates(spaced)?.stable).toBe(false);
      if (parseJsonNotingDuplicates(text)?.stable === true) stable++;
      const fast = forwardOf(text);
      const general = forwardOf(spaced);
      expect(bytes(fast)).toBe(bytes(general));
      expect(fast.forward?.headers).toEqual(general.forward?.headers);
      expect(fast.operations).toEqual(general.operations);
      if (fast.forward !== null) forwarded++;
    }),
    { numRuns: 3_000 },
  );
  expect(stable).toBeGreaterThan(1_000);
  expect(forwarded).toBeGreaterThan(500);
});
