import { beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { DOMAINS_TOKEN, TIME, exampleIr } from './fixture.js';

let ir: Ir;
beforeAll(async () => {
  ir = await exampleIr();
});

const graphqlish = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'mutation { volumeDelete(volumeId: "v") }',
    'query { me { id } }',
    'mutation M($id: String!) { a: volumeDelete(volumeId: $id) ...F } fragment F on Mutation { customDomainDelete(id: "x") ...F }',
    '{ __schema { types { name } } }',
    'mutation {',
  ),
  fc.array(fc.constantFrom('mutation', 'query', '{', '}', '(', ')', '...', 'F', 'on', 'volumeDelete', ':', '$id', '"x"', 'fragment', '@skip(if: true)', ','), { maxLength: 30 }).map((t) => t.join(' ')),
);

const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }),
  fc.json(),
  fc.record({ query: graphqlish, variables: fc.option(fc.oneof(fc.dictionary(fc.constantFrom('id', 'input', 'v'), fc.jsonValue()), fc.string())), operationName: fc.option(fc.oneof(fc.string(), fc.constantFrom('M', 'A'))) }, { requiredKeys: [] }).map((r) => JSON.stringify(r)),
  fc.array(fc.record({ query: graphqlish }), { maxLength: 3 }).map((a) => JSON.stringify(a)),
);

const headerNames = fc.constantFrom('authorization', 'Authorization', 'project-access-token', 'content-type', 'traceparent', 'baggage', 'x-blastguard-attempt', 'host', 'x-other');
const headerValue = fc.oneof(fc.string(), fc.constantFrom(`Bearer ${DOMAINS_TOKEN}`, 'application/json', 'application/graphql', '2', '0', 'originator=a%2', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'));
const headersArb = fc.dictionary(headerNames, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })));

const requestArb: fc.Arbitrary<HttpRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'post', 'OPTIONS'),
  url: fc.oneof(
    fc.constantFrom('https://backboard.railway.com/graphql/v2', 'https://backboard.railway.app/graphql/v2/', '/graphql/v2', 'https://example.com/', '::'),
    fc.webUrl({ withQueryParameters: true }),
    graphqlish.map((q) => `https://backboard.railway.com/graphql/v2?query=${encodeURIComponent(q)}`),
  ),
  headers: headersArb,
  body: bodyArb,
});

test('arbitrary requests never throw and always yield at least one input; unparseable ones are denied', () => {
  fc.assert(
    fc.property(requestArb, (request) => {
      const out = extractDecisionInputs(request, ir, { time: TIME });
      expect(out.length).toBeGreaterThanOrEqual(1);
      for (const result of out) {
        expect(JSON.stringify(result)).not.toContain(DOMAINS_TOKEN);
        if (result.operation === null) {
          expect(result.input.operation).toBeUndefined();
          expect(result.error).toBeDefined();
          expect(evaluate(ir, result.input).mode).toBe('deny');
        } else {
          expect(result.input.operation?.name).toBe(result.operation);
          expect(evaluate(ir, result.input).rule).not.toBe('input:invalid');
        }
      }
    }),
    { numRuns: 1500 },
  );
});
