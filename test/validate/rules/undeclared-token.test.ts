import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, FINGERPRINT_B, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('undeclared-token', () => {
  it('reports match.tokens naming an undeclared token, and a token of another api', () => {
    const other = API_RAILWAY.replace('name: railway', 'name: github').replace('backboard.railway.com', 'api.github.com');
    const p = policy('p', '    - id: r1', '      match: { tokens: [ci-domain, ci-domains, gh-bot] }', '      mode: allow');
    const out = check(
      {
        'api.yaml': API_RAILWAY,
        'gh.yaml': other,
        'p.yaml': p,
        't.yaml': token('ci-domains'),
        'g.yaml': token('gh-bot', FINGERPRINT_B).replace('api: railway', 'api: github'),
      },
      ['BG052', 'BG058'],
    );
    expect(whereIn(out)).toEqual(['p.yaml:BG052@8:25', 'p.yaml:BG058@8:48']);
    expect(out[0]?.message).toBe('rule `r1` names token `ci-domain`, which no `Token` declares');
    expect(out[0]?.help).toBe('did you mean `ci-domains`?');
    expect(out[1]?.severity).toBe('warning');
  });
});
