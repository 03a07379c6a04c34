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
});
