// Signed AWS JSON bodies keyed by numbers (DynamoDB maps, `{"b":1,"10":2}`) are forwarded as sent
// now that the canonical JSON keeps the written member order (issue 11): for random such bodies,
// the decision inputs of what is forwarded are those of the request as sent, and the bytes are
// the client's.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { extractDecisionInputs, extractForwarding } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { inventory } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const catalog = catalogOfIr(ir);
const SIG = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`;
const headers = { host: 'ecs.us-east-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-date': '20261130T190000Z' };

const key = fc.constantFrom('0', '1', '2', '10', '99', '4294967294', '4294967295', '01', 'b', 'Item', 'S');
const leaf = fc.oneof(fc.constantFrom('1', '1.0', '-0', '"x"', '"\\u00e9"', 'true', 'null'), fc.integer().map(String));
const ws = fc.constantFrom('', ' ', '\n  ');
const { value } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => k }).chain((members) => ws.map((w) => `{${w}${members.map(([k, v]) => `"${k}":${w}${v}`).join(`,${w}`)}${w}}`)),
  ),
}));
const body = fc.tuple(fc.constantFrom('cluster-prod', 'cluster-staging', 'other'), value, fc.constantFrom('DeleteService', 'DescribeServices', 'ListClusters')).map(([cluster, map, op]) => ({ op, text: `{"cluster":"${cluster}","service":"web","Item":${map}}` }));

const strip = (operations: ReturnType<typeof extractDecisionInputs>): unknown => operations.map((o) => ({ operation: o.operation, input: o.input, code: o.error?.code }));

test('signed bodies go as sent, decided as the request as sent', () => {
  fc.assert(
    fc.property(body, ({ op, text }) => {
      const request: HttpRequest = { method: 'POST', url: '/', headers: { ...headers, authorization: SIG, 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}` }, body: text };
      const x = extractForwarding(request, catalog, { time: TIME, inventory });
      expect(x.forward, text).not.toBeNull();
      expect(Buffer.from(x.forward!.body).toString()).toBe(text);
      expect(strip(x.operations)).toEqual(strip(extractDecisionInputs(request, ir, { time: TIME, inventory })));
    }),
    { numRuns: 500 },
  );
});

test('unsigned bodies go as sent too (the aws protocols keep what reads as decided), decided the same', () => {
  fc.assert(
    fc.property(body, ({ op, text }) => {
      const request: HttpRequest = { method: 'POST', url: '/', headers: { ...headers, authorization: 'Bearer x', 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}` }, body: text };
      const x = extractForwarding(request, catalog, { time: TIME, inventory });
      expect(Buffer.from(x.forward!.body).toString()).toBe(text);
      expect(strip(x.operations)).toEqual(strip(extractDecisionInputs(request, ir, { time: TIME, inventory })));
    }),
    { numRuns: 300 },
  );
});
