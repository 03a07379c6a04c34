import { describe, expect, test } from 'vitest';
import { evaluate } from '../../src/evaluate/index.js';
import { ir } from './helpers.js';
import { one, refused } from './aws-helpers.js';

describe('rest-xml', () => {
  test('routes pick the operation; the xml payload is not read for arguments', () => {
    const out = one({
      method: 'POST',
      url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z123/rrset/',
      headers: { 'Content-Type': 'application/xml' },
      body: '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>DELETE</Action></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
    });
    expect(out.operation).toBe('ChangeResourceRecordSets');
    expect(out.input.resource).toEqual({ kind: 'hosted-zone', id: 'Z123' });
    const decision = evaluate(ir, out.input);
    expect([decision.mode, decision.rule, decision.environment_assumed]).toEqual(['deny', 'aws-route53-safety/production-zone-changes-need-originator', true]);
  });

  test('a payload that is not xml is refused', () => {
    expect(refused({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z123/rrset', headers: { 'Content-Type': 'application/json' }, body: '{"Id":"Z999"}' })).toBe('BG404');
  });
});
