// Review legit2 #3: GitHub's pagination `Link` names the repository by id
// (`</repositories/1300192/issues?page=2>; rel="next"`), a path the catalog does not declare and
// whose `owner/repo` resource cannot be read from the id; Octokit's `paginate` stopped at page 2
// (BG402). The proxy writes such a link as the `/repos/{owner}/{repo}/…` path of the request it
// answered, keeping the link's query, so every page is decided as the declared operation.
// Loopback only: the upstream answers with GitHub's Link shape on its own origin and on the api's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryAlias } from '../../src/proxy/link-alias.js';
import { startProxy, type Harness } from './support.js';

const TOKEN = 'fake-github-developer-gh-token';
const Paginating = Octokit.plugin(paginateRest);

describe('GitHub id-form pagination links through the reverse proxy', () => {
  let upstream: Server;
  let origin = '';
  const seen: string[] = [];
  let harness: Harness;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page') ?? '1');
      if (url.pathname === '/repos/acme/blastguard-sandbox/issues') {
        // Page 2 names the api's own origin, as GitHub does; the others the upstream's.
        const at = page === 1 ? origin : 'https://api.github.com';
        const links = page < 3 ? [`<${at}/repositories/1300192/issues?per_page=1&page=${page + 1}>; rel="next"`, `<${at}/repositories/1300192/issues?per_page=1&page=3>; rel="last"`] : [];
        res.writeHead(200, { 'content-type': 'application/json', ...(links.length > 0 ? { link: links.join(', ') } : {}) }).end(JSON.stringify([{ number: page }]));
      } else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startProxy([{ api: 'github-rest', url: origin }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it('Octokit `paginate` reads every page, each decided as `issues.list-for-repo` on the proxy', async () => {
    seen.length = 0;
    harness.decided.length = 0;
    const octokit = new Paginating({ baseUrl: harness.proxy.url, auth: TOKEN });
    const issues = await octokit.paginate('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'blastguard-sandbox', per_page: 1 });
    expect(issues.map((i) => (i as { number: number }).number)).toEqual([1, 2, 3]);
    expect(seen).toEqual(['/repos/acme/blastguard-sandbox/issues?per_page=1', '/repos/acme/blastguard-sandbox/issues?per_page=1&page=2', '/repos/acme/blastguard-sandbox/issues?per_page=1&page=3']);
    expect(harness.decided.map((d) => [(d.input['operation'] as { name: string }).name, d.decision.allow])).toEqual([
      ['issues.list-for-repo', true],
      ['issues.list-for-repo', true],
      ['issues.list-for-repo', true],
    ]);
  });
});

describe('repositoryAlias', () => {
  it('writes the id form of the same list as the request\'s path, keeping the link\'s query', () => {
    expect(repositoryAlias('/repositories/1/issues?page=2', '/repos/o/r/issues?per_page=1')).toBe('/repos/o/r/issues?page=2');
    expect(repositoryAlias('/repositories/1/issues/7/comments?page=2#x', '/repos/o/r/issues/7/comments')).toBe('/repos/o/r/issues/7/comments?page=2#x');
    expect(repositoryAlias('/repositories/1?page=2', '/repos/o/r')).toBe('/repos/o/r?page=2');
  });
  it('leaves any other link as sent: another list, another shape, no request path', () => {
    expect(repositoryAlias('/repositories/1/pulls?page=2', '/repos/o/r/issues')).toBe('/repositories/1/pulls?page=2');
    expect(repositoryAlias('/repositories/1/issues/../../x?page=2', '/repos/o/r/issues')).toBe('/repositories/1/issues/../../x?page=2');
    expect(repositoryAlias('/repositories/abc/issues?page=2', '/repos/o/r/issues')).toBe('/repositories/abc/issues?page=2');
    expect(repositoryAlias('/repositories/1/issues?page=2', '/user/repos')).toBe('/repositories/1/issues?page=2');
    expect(repositoryAlias('/repositories/1/issues?page=2', undefined)).toBe('/repositories/1/issues?page=2');
  });
});
