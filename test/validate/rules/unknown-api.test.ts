import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

const RULE = ['    - id: r1', '      mode: allow'];

describe('unknown-api', () => {
  it('accepts references to declared apis', () => {
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': policy('p', ...RULE), 't.yaml': token('t') }, ['BG040'])).toEqual([]);
  });

  it('reports policies and tokens naming an undeclared api, with a suggestion', () => {
    const out = check(
      {
        'api.yaml': API_RAILWAY,
        'p.yaml': policy('p', ...RULE).replace('api: railway', 'api: railwy'),
        't.yaml': token('t').replace('api: railway', 'api: github'),
      },
      ['BG040'],
    );
    expect(whereIn(out)).toEqual(['p.yaml:BG040@5:8', 't.yaml:BG040@5:8']);
    expect(out[0]?.message).toBe('policy `p` refers to api `railwy`, which no `Api` declares');
    expect(out[0]?.help).toBe('did you mean `railway`?');
    expect(out[1]?.help).toBe('declared apis: `railway`');
  });
});
