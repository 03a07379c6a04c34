import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

/** The example's Route 53 catalog read as a REST-JSON API (as Lambda or EKS would be). */
function restJsonIr(): Ir {
  const out: Ir = structuredClone(ir);
  const api = out.apis.find((a) => a.name === 'aws-route53');
  if (!api) throw new Error('no aws-route53 api');
  api.protocol = 'rest-json';
  return out;
}

const rest = restJsonIr();
const run = (request: HttpRequest) => extractDecisionInputs({ ...request, headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=fake/x', ...request.headers } }, rest, { time: TIME });

describe('rest-json', () => {
  test('routes pick the operation; json body members are arguments', () => {
    const out = run({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset', headers: { 'Content-Type': 'application/json' }, body: '{"Comment":"x"}' });
    expect(out.map((o) => [o.operation, o.input.resource?.id])).toEqual([['ChangeResourceRecordSets', 'Z1']]);
    expect(run({ method: 'DELETE', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1' }).map((o) => o.operation)).toEqual(['DeleteHostedZone']);
  });

  test('a payload that is not json, or an argument given differently in path and body, is refused', () => {
    const codes = (request: HttpRequest) => run(request).map((o) => o.error?.code);
    expect(codes({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset', headers: { 'Content-Type': 'application/xml' }, body: '<a/>' })).toEqual(['BG404']);
    expect(codes({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Id=Z2' })).toEqual(['BG404']);
    expect(codes({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset', headers: { 'Content-Type': 'application/json' }, body: '{"Id":"Z2"}' })).toEqual(['BG417']);
  });
});
