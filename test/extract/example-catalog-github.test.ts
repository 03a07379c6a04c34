// Review legit2 #9: the calls every gh / Octokit session makes are declared in the example catalog,
// decided as the GitHub REST operation they are, with the developer's `gh` token allowed to read.
import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { inventory } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const GH_TOKEN = 'fake-github-developer-gh-token';

const decide = (method: string, path: string) => {
  const out = extractDecisionInputs({ method, url: `https://api.github.com${path}`, headers: { Authorization: `token ${GH_TOKEN}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(method === 'POST' ? { body: '{"body":"x"}' } : {}) }, ir, { time: TIME, inventory });
  expect(out).toHaveLength(1);
  const first = out[0]!;
  expect(first.error, `${method} ${path}`).toBeUndefined();
  return { operation: first.operation, resource: first.input.resource?.id, decision: evaluate(ir, first.input) };
};

describe('github-rest declares what gh and Octokit call', () => {
  test.each([
    ['GET', '/user', 'users.get-authenticated'],
    ['GET', '/rate_limit', 'rate-limit.get'],
    ['GET', '/repos/acme/blastguard-sandbox/pulls', 'pulls.list'],
    ['GET', '/repos/acme/blastguard-sandbox/pulls/7', 'pulls.get'],
    ['GET', '/repos/acme/blastguard-sandbox/releases', 'repos.list-releases'],
    ['GET', '/repos/acme/blastguard-sandbox/releases/latest', 'repos.get-latest-release'],
    ['GET', '/repos/acme/blastguard-sandbox/releases/tags/v1.0', 'repos.get-release-by-tag'],
    ['GET', '/repos/acme/blastguard-sandbox/tarball/main', 'repos.download-tarball-archive'],
    ['GET', '/repos/acme/blastguard-sandbox/zipball/feature/x', 'repos.download-zipball-archive'],
    ['GET', '/repos/acme/blastguard-sandbox/issues/7', 'issues.get'],
    ['GET', '/repos/acme/blastguard-sandbox/issues/7/comments', 'issues.list-comments'],
  ])('%s %s is %s, a read the developer token may make', (method, path, operation) => {
    const out = decide(method, path);
    expect(out.operation).toBe(operation);
    expect(out.decision.mode).toBe('allow');
  });

  test.each([
    ['POST', '/repos/acme/blastguard-sandbox/issues', 'issues.create'],
    ['POST', '/repos/acme/blastguard-sandbox/issues/7/comments', 'issues.create-comment'],
    ['POST', '/repos/acme/blastguard-sandbox/pulls', 'pulls.create'],
  ])('%s %s is the write %s on the repository', (method, path, operation) => {
    const out = decide(method, path);
    expect(out.operation).toBe(operation);
    expect(out.resource).toBe('acme/blastguard-sandbox');
  });

  // `{path+}` decodes each segment and joins them with `/` (routes.test.ts): both spellings read `docs/README.md`.
  test('a nested content path is `repos.get-content`, sent with raw `/` or `%2F`', () => {
    for (const path of ['/repos/acme/blastguard-sandbox/contents/docs/README.md', '/repos/acme/blastguard-sandbox/contents/docs%2FREADME.md']) {
      const out = decide('GET', path);
      expect(out.operation, path).toBe('repos.get-content');
      expect(out.decision.mode, path).toBe('allow');
      expect(out.resource, path).toBe('acme/blastguard-sandbox');
    }
  });

  test('destructive routes stay denied', () => {
    expect(decide('DELETE', '/repos/acme/blastguard-sandbox').decision.mode).toBe('deny');
  });
});
