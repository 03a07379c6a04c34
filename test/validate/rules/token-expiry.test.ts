import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, FINGERPRINT_B, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

const withExpiry = (name: string, expires: string, fp?: string) =>
  token(name, fp).replace(/expires: .*/, `expires: ${expires}`);

describe('token-expiry (now = 2026-06-01T00:00:00Z)', () => {
  it('reports an expired token as an error and one expiring within 14 days as a warning', () => {
    const out = check(
      {
        'api.yaml': API_RAILWAY,
        'a.yaml': withExpiry('a', '2026-05-31T23:59:59Z'),
        'b.yaml': withExpiry('b', '2026-06-03T12:00:00+02:00', FINGERPRINT_B),
        'c.yaml': withExpiry('c', '2026-06-15T00:00:01Z', `sha256:${'c'.repeat(64)}`),
        'd.yaml': withExpiry('d', '2026-06-01T00:00:00Z', `sha256:${'d'.repeat(64)}`),
      },
      ['BG049', 'BG050'],
    );
    expect(whereIn(out)).toEqual(['a.yaml:BG049@7:12', 'b.yaml:BG050@7:12', 'd.yaml:BG049@7:12']);
    expect(out[0]?.message).toBe('token `a` expired at 2026-05-31T23:59:59Z');
    expect(out[0]?.severity).toBe('error');
    expect(out[1]?.message).toBe('token `b` expires in 3 days (2026-06-03T12:00:00+02:00)');
    expect(out[1]?.severity).toBe('warning');
  });
});
