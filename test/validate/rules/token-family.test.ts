import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, FINGERPRINT_A, token } from '../../helpers/policies.js';
import { check, setFrom } from '../../helpers/validate.js';
import { buildIr } from '../../../src/ir/build.js';
import { bundleDataFromIr } from '../../../src/ir/data.js';

const family = (name: string, prefix: string) => token(name).replace(`  fingerprint: ${FINGERPRINT_A}`, `  family: { prefix: ${prefix} }`);

describe('token-family', () => {
  it('notes every family (info), and rejects a token with neither fingerprint nor family', () => {
    const neither = token('none').replace(`  fingerprint: ${FINGERPRINT_A}\n`, '');
    const out = check({ 'api.yaml': API_RAILWAY, 'f.yaml': family('installs', 'ghs_'), 'n.yaml': neither }, ['BG069', 'BG070', 'BG056']);
    expect(whereIn(out)).toEqual(['f.yaml:BG069@6:21', 'n.yaml:BG070@5:3']);
    expect(out.map((d) => d.severity)).toEqual(['info', 'error']);
    expect(out[0]?.message).toBe('token `installs` is a family: every credential starting with `ghs_` that no Token declares by fingerprint gets its grants');
  });

  it('repeats no prefix within an api, and cannot be both', () => {
    const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': family('a', 'ghs_'), 'b.yaml': family('b', 'ghs_') }, ['BG043']);
    expect(out.map((d) => d.message)).toEqual(['token `b` has the same family prefix as token `a` (a.yaml:6)']);
    expect(() => setFrom({ 'x.yaml': token('x').replace('  expires:', '  family: { prefix: ghs_ }\n  expires:') })).toThrow(/BG027/);
  });

  it('registers a family under its key in the IR and the bundle data', () => {
    const ir = buildIr(setFrom({ 'api.yaml': API_RAILWAY, 'a.yaml': family('a', 'ghs_') }));
    expect(ir.tokens.map((t) => [t.fingerprint, t.family])).toEqual([['family:ghs_', 'ghs_']]);
    expect(Object.keys(bundleDataFromIr(ir).blastguard.tokens)).toEqual(['family:ghs_']);
  });

  it('accepts several schemes and AWS Signature V4 on a header', () => {
    const api = API_RAILWAY.replace('  operations:', '  tokens: { headers: [{ name: Authorization, scheme: [Bearer, token] }, { name: X-Amz, scheme: AWS4-HMAC-SHA256 }] }\n  operations:');
    const ir = buildIr(setFrom({ 'api.yaml': api }));
    expect(ir.apis[0]?.tokens.headers).toEqual([{ name: 'Authorization', schemes: ['Bearer', 'token'] }, { name: 'X-Amz', schemes: ['AWS4-HMAC-SHA256'] }]);
    expect(buildIr(setFrom({ 'api.yaml': API_RAILWAY })).apis[0]?.tokens.headers).toEqual([{ name: 'Authorization', schemes: ['Bearer'] }]);
  });
});
