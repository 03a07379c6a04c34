import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('fingerprint-format', () => {
  it('reports malformed fingerprints with how to compute one', () => {
    const out = check(
      {
        'api.yaml': API_RAILWAY,
        'a.yaml': token('a', `sha256:${'A'.repeat(64)}`),
        'b.yaml': token('b', 'sha256:abc'),
        'c.yaml': token('c', `md5:${'a'.repeat(32)}`),
        'd.yaml': token('d', `sha256:${'0'.repeat(64)}`),
      },
      ['BG048'],
    );
    expect(whereIn(out)).toEqual(['a.yaml:BG048@6:16', 'b.yaml:BG048@6:16', 'c.yaml:BG048@6:16']);
    expect(out.map((d) => d.message)).toEqual([
      'fingerprint of token `a` uses uppercase hex digits',
      'fingerprint of token `b` has 3 characters after `sha256:`, not 64 hex digits',
      'fingerprint of token `c` does not start with `sha256:`',
    ]);
    expect(out[0]?.help).toContain('printf %s "$TOKEN" | sha256sum');
  });

  it('leaves a raw token in the fingerprint field to raw-credential, without echoing it', () => {
    const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': token('a', 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z') }, ['BG048', 'BG056']);
    expect(whereIn(out)).toEqual(['a.yaml:BG056@6:16']);
    expect(out[0]?.message).not.toContain('aB3dE5');
  });

  it('reports a fingerprint that is the token itself (a UUID, a hex secret) masked, with revoke help', () => {
    const values = ['9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10', '0123456789abcdef0123456789abcdef', 'tok-2f6c1e4d7a4b8ea1'];
    for (const value of values) {
      const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': token('a', value) }, ['BG048', 'BG056']);
      expect(whereIn(out), value).toEqual(['a.yaml:BG048@6:16']);
      expect(out[0]?.message).toBe(`fingerprint of token \`a\` is \`${value.slice(0, 4)}…\`, not \`sha256:\` and 64 hex digits`);
      expect(out[0]?.help).toMatch(/^this looks like the token itself: revoke it and declare its sha256 fingerprint/);
    }
  });

  it('keeps the plain help for a digest that only lacks its prefix', () => {
    const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': token('a', 'a'.repeat(64)) }, ['BG048']);
    expect(out[0]?.message).toBe('fingerprint of token `a` does not start with `sha256:`');
    expect(out[0]?.help).toContain('printf %s "$TOKEN" | sha256sum');
  });
});
