// Bypass review 2, finding 5 (/tmp/rb/owner.sh): a repository is `owner/repo`. The example
// `github-mcp-pacman` token's grant for `ukend0464/pacman` must not reach `victim-corp/pacman`
// through the proxy, whatever the runtime inventory says of the name alone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

describe('github-rest repositories through the proxy are named by owner and name', () => {
  let server: Server;
  const seen: string[] = [];
  let harness: Harness;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"content":""}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }], {
      inventories: new Map([
        ['github-rest', inventoryOf([{ id: 'ukend0464/pacman', kind: 'repository', environment: 'sandbox' }, { id: 'ukend0464/billing-service', kind: 'repository', environment: 'production' }])],
      ]),
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  const auth = { authorization: 'Bearer fake-github-mcp-pacman-token', accept: 'application/vnd.github+json' };
  const get = async (path: string) => (await send(harness.proxy.url, { method: 'GET', path, headers: auth })).status;

  it("forwards the granted repository only, not another owner's repository of the same name", async () => {
    seen.length = 0;
    expect(await get('/repos/ukend0464/pacman/contents/README.md')).toBe(200);
    expect(await get('/repos/ukend0464/billing-service/contents/README.md')).toBe(403);
    expect(await get('/repos/victim-corp/pacman/contents/README.md')).toBe(403);
    expect(seen).toEqual(['GET /repos/ukend0464/pacman/contents/README.md']);
    const last = harness.decided.at(-1)?.input['resource'];
    expect(last).toEqual({ kind: 'repository', id: 'victim-corp/pacman' });
  });

  it('refuses an owner holding an encoded `/` (BG456) and forwards nothing', async () => {
    seen.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/ukend0464%2Fpacman/x/contents/README.md', headers: auth });
    expect(res.status).toBe(403);
    expect((res.json() as { error_code: string }).error_code).toBe('BG456');
    expect(seen).toEqual([]);
  });
});
