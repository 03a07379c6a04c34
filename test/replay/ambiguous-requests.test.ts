import { beforeAll, expect, test } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { buildIr } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type { Ir } from '../../src/ir/types.js';
import { loadPolicySet } from '../../src/load/index.js';
import { UNPARSEABLE, loadTestFixtures, runReplay } from '../../src/replay/index.js';
import { loadTestBundle } from '../../src/toolchain/index.js';
import type { TestBundle } from '../../src/toolchain/index.js';

let ir: Ir;
let bundle: TestBundle;
beforeAll(async () => {
  const { set } = await loadPolicySet('policies', { cwd: process.cwd() });
  ir = buildIr(set);
  bundle = await loadTestBundle(ir);
});

test('the ambiguous-requests replay: each ambiguity is one unparseable input, with the extractor saying why', async () => {
  const fixtures = await loadTestFixtures('test/incidents', { cwd: process.cwd() });
  const doc = fixtures.replays.find((r) => r.name === 'ambiguous-requests');
  if (!doc) throw new Error('test/incidents/ambiguous-requests.yaml is missing');
  const run = await runReplay(doc, ir, bundle.engineFor);
  expect(run.diagnostics).toEqual([]);
  expect(run.results.map((r) => [r.step, r.passed, r.operation, r.extractError?.code ?? null, r.actual?.rule])).toEqual([
    ["a pocketos token on another customer's service, naming pocketos as the project", true, UNPARSEABLE, EXTRACT_CODES.conflictingResource, 'input:invalid'],
    ['the same call on the pocketos service is allowed', true, 'customDomainCreate', null, 'railway-staging/domains'],
    ['a staging environment argument on a production-only service', true, UNPARSEABLE, EXTRACT_CODES.conflictingResource, 'input:invalid'],
    ['a declared project token next to an undeclared bearer', true, UNPARSEABLE, EXTRACT_CODES.conflictingHeader, 'input:invalid'],
    ['a POST whose url carries another query than its body', true, UNPARSEABLE, EXTRACT_CODES.ambiguousParameters, 'input:invalid'],
    ['a GET with the query parameter twice', true, UNPARSEABLE, EXTRACT_CODES.ambiguousParameters, 'input:invalid'],
    ['a read asking to be run as DELETE', true, UNPARSEABLE, EXTRACT_CODES.methodOverride, 'input:invalid'],
    ['a _method url parameter', true, UNPARSEABLE, EXTRACT_CODES.methodOverride, 'input:invalid'],
    ['two operations named A, a read first and the volume delete last', true, UNPARSEABLE, EXTRACT_CODES.operationNotFound, 'input:invalid'],
    ['a benign query next to a persisted-document hash', true, UNPARSEABLE, EXTRACT_CODES.ambiguousParameters, 'input:invalid'],
    ['a benign GET query next to a documentId', true, UNPARSEABLE, EXTRACT_CODES.ambiguousParameters, 'input:invalid'],
    ['a declared project token next to a schemeless Authorization value', true, UNPARSEABLE, EXTRACT_CODES.conflictingHeader, 'input:invalid'],
    ['the project token under Project-Access-Token and Project_Access_Token with different values', true, UNPARSEABLE, EXTRACT_CODES.conflictingHeader, 'input:invalid'],
  ]);
  for (const r of run.results) expect(r.actual).toEqual(evaluate(ir, r.input, bundleDataFromIr(ir)));
  expect(JSON.stringify(run.results)).not.toContain('fake-undeclared-account-token');
});
