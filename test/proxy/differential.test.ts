// Differential: for random GraphQL requests (aliases, fragments, @skip/@include on literals and
// variables, several operations), what a real server executes behind the proxy is exactly what the
// proxy decided — and nothing runs when it refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOMAINS_TOKEN, IDS } from './support.js';
import type { Stack } from './railway-upstream.js';
import { railwayBehindProxy } from './railway-suite.js';
import { send } from './send.js';

const QUERY_FIELDS: readonly string[] = ['me { id }', 'projects { edges { node { id } } }', `project(id: "${IDS.project}") { id name }`];
const MUTATION_FIELDS: readonly string[] = [
  `volumeDelete(volumeId: "${IDS.volume}")`,
  `customDomainCreate(input: { domain: "x.pocketos.example", environmentId: "${IDS.staging}", projectId: "${IDS.project}", serviceId: "${IDS.service}" }) { id }`,
  `customDomainDelete(id: "cd1")`,
];

const condition = fc.oneof(
  fc.constant(''),
  fc.constantFrom(' @skip(if: true)', ' @skip(if: false)', ' @include(if: true)', ' @include(if: false)', ' @skip(if: $a)', ' @include(if: $b)', ' @skip(if: $a) @include(if: $b)'),
);

function selection(mutation: boolean): fc.Arbitrary<string> {
  const field = fc.tuple(fc.option(fc.constantFrom('a', 'b', 'c', 'domains'), { nil: undefined }), fc.constantFrom(...(mutation ? MUTATION_FIELDS : QUERY_FIELDS)), condition)
    .map(([alias, f, c]) => {
      const paren = f.indexOf('(');
      const brace = f.indexOf(' {');
      const cut = paren >= 0 ? f.indexOf(')') + 1 : brace >= 0 ? brace : f.length;
      return `${alias === undefined ? '' : `${alias}: `}${f.slice(0, cut)}${c}${f.slice(cut)}`;
    });
  return fc.oneof(
    { weight: 3, arbitrary: field },
    { weight: 1, arbitrary: fc.tuple(fc.array(field, { minLength: 1, maxLength: 2 }), condition).map(([fs, c]) => `... on ${mutation ? 'Mutation' : 'Query'}${c} { ${fs.join(' ')} }`) },
  );
}

const operation = fc.boolean().chain((mutation) =>
  fc.tuple(fc.constant(mutation), fc.array(selection(mutation), { minLength: 1, maxLength: 4 }), fc.array(selection(mutation), { minLength: 1, maxLength: 2 }), fc.boolean()),
);

const request = fc.tuple(operation, fc.boolean(), fc.boolean(), fc.boolean()).map(([[mutation, sels, fragmentSels, useFragment], a, b, second]) => {
  const type = mutation ? 'mutation' : 'query';
  const on = mutation ? 'Mutation' : 'Query';
  const body = useFragment ? [...sels, '...F'] : sels;
  let query = `${type} Main($a: Boolean = false, $b: Boolean = true) { ${body.join(' ')} }`;
  if (useFragment) query += ` fragment F on ${on} { ${fragmentSels.join(' ')} }`;
  if (second) query += ` query Other { me { email } }`;
  return { query, operationName: 'Main', variables: { a, b } };
});

describe.each<Stack>(['express', 'graphql-http'])('differential through the proxy to %s', (stack) => {
  const suite = railwayBehindProxy(stack);

  it('what ran upstream equals what was decided', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (body) => {
        suite.upstream.executed.length = 0;
        suite.harness.decided.length = 0;
        const res = await send(suite.harness.proxy.url, { path: '/graphql/v2', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const decided = suite.harness.decided.map((d) => (d.input['operation'] as { name: string } | undefined)?.name ?? '(unreadable)').sort();
        const ran = suite.upstream.executed.map((e) => e.name).sort();
        if (res.status === 403) {
          expect(ran).toEqual([]);
          return;
        }
        // A document the server refuses in validation (two fields under one response key) runs nothing.
        const answer = JSON.parse(res.text) as { data?: unknown; errors?: unknown[] };
        if (answer.data === undefined || answer.data === null) {
          expect(answer.errors?.length, res.text).toBeGreaterThan(0);
          expect(ran).toEqual([]);
          return;
        }
        expect(res.status, res.text).toBe(200);
        expect(ran).toEqual(decided);
        expect(suite.harness.decided.every((d) => d.decision.allow)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
