// Review legit2 #5: Octokit read every denial as "Unknown error": it parses a body as JSON only for
// `application/json`, as text only for `text/*` or `charset=utf-8`, and everything else is bytes.
// Denials and proxy problems of HTTP apis are `application/problem+json; charset=utf-8` with a
// `message` member (the detail), which go-github reads as ErrorResponse.Message.
import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import { githubRestBehindProxy } from './github-rig.js';

describe('an Octokit client refused by the proxy', () => {
  const rig = githubRestBehindProxy(204);

  it('sees the rule and the reason in the error message, not "Unknown error"', async () => {
    const octokit = new Octokit({ baseUrl: rig.harness.proxy.url, auth: 'fake-github-developer-gh-token' });
    const error = await octokit.request('DELETE /repos/{owner}/{repo}', { owner: 'acme', repo: 'billing-service' }).then(
      () => null,
      (e: unknown) => e,
    );
    // Octokit's RequestError (`@octokit/request-error`, which the app's dependencies do not list).
    expect((error as Error).name).toBe('HttpError');
    const e = error as Error & { status: number; response?: { headers: Record<string, string>; data: unknown } };
    expect(e.status).toBe(403);
    const rule = rig.harness.decided.at(-1)!.decision.rule;
    expect(rule).not.toBe('');
    expect(e.message).not.toContain('Unknown error');
    expect(e.message).toContain(`blastguard rule \`${rule}\``);
    expect(e.response?.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    // The problem's members are unchanged, with `message` (= `detail`) added for GitHub clients.
    const problem = JSON.parse(e.response!.data as string) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 403, code: 'BLASTGUARD_DENIED', rule });
    expect(problem['message']).toBe(problem['detail']);
    expect(problem).not.toHaveProperty('documentation_url');
    expect(rig.received).toEqual([]);
  });
});
