// Review bypass2 #2: credentials outside the configured token headers reached the upstream
// undecided: a `Cookie` session and an `?access_token=` were forwarded next to the decided
// `Authorization` token, so the upstream could run the call as a principal the decision never saw.
import { describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { githubRestBehindProxy } from './github-rig.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };

describe('reverse proxy: credentials the decision does not read', () => {
  const rig = githubRestBehindProxy();

  it('drops `Cookie` from the forwarded request when the api declares no cookie carrier', async () => {
    rig.received.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/repos/acme/blastguard-sandbox', headers: { ...AUTH, cookie: 'user_session=ADMIN-SESSION' } });
    expect(res.status, res.text).toBe(200);
    expect(rig.received).toHaveLength(1);
    expect(rig.received[0]?.headers.cookie).toBeUndefined();
    expect(rig.received[0]?.headers.authorization).toBe(AUTH.authorization);
  });

  it.each(['access_token=OTHER', 'Access_Token=OTHER', '%61ccess_token=OTHER', 'access_token[]=OTHER', 'api_key=k', 'apikey=k', 'token=t', 'private_token=t', 'per_page=5&client_secret=s'])(
    '`?%s` is refused (BG452) and never forwarded',
    async (query) => {
      rig.received.length = 0;
      const res = await send(rig.harness.proxy.url, { method: 'GET', path: `/repos/acme/blastguard-sandbox?${query}`, headers: AUTH });
      expect(res.status, res.text).toBe(403);
      expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.undecidedCredential });
      expect(rig.received).toEqual([]);
    },
  );

  it('forwards ordinary query parameters (`key`, `per_page`) as before', async () => {
    rig.received.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/repos/acme/blastguard-sandbox?per_page=5&key=k', headers: AUTH });
    expect(res.status, res.text).toBe(200);
    expect(rig.received[0]?.url).toBe('/repos/acme/blastguard-sandbox?per_page=5&key=k');
  });
});
