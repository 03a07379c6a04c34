// Review of 3bb7baa (legitimate traffic item 11): `GET /user` (no route in the catalog) was denied
// with the detail "input field `operation` is missing"; only the proxy's log said which route did
// not match. A request that could not be read is denied with the reading's own code and message.
import { describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { githubRestBehindProxy } from './github-rig.js';
import { send } from './send.js';

describe('denial details', () => {
  const rig = githubRestBehindProxy();

  it('a request no route matches is denied with the extractor\'s code and message, not the missing operation', async () => {
    rig.harness.decided.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/user/keys', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });
    expect(res.status).toBe(403);
    const body = res.json() as { detail: string; error_code: string; reasons: string[] };
    expect(body.error_code).toBe(EXTRACT_CODES.wrongEndpoint);
    const error = rig.harness.decided[0]?.input['error'];
    expect(typeof error).toBe('string');
    expect(body.detail).toContain(`${EXTRACT_CODES.wrongEndpoint} ${String(error)}`);
    for (const reason of body.reasons) expect(body.detail).not.toContain(reason);
  });
});
