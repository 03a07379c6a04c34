// The Action's `check` and `comment` against a loopback emulation of GitHub's REST API, through
// the real Octokit client: one sticky comment, edited in place, never by an older run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMarker } from '../../src/report/index.js';
import { startGithubEmulator, type GithubEmulator } from './github-emulator.js';
import { LOOSEN, PRODUCTION, TOKEN, commitEdit, git, pullRequestEnv, runAction, scratchRepo } from './support.js';

vi.mock('@actions/core', () => import('./__fixtures__/core.js'));

let gh: GithubEmulator;
let work: string;
let root: string;
let base: string;
let head: string;

beforeAll(async () => {
  gh = await startGithubEmulator({ owner: 'acme', repo: 'policies', token: TOKEN });
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-check-'));
  ({ root, base } = await scratchRepo(work));
  head = await commitEdit(root, PRODUCTION, LOOSEN[0], LOOSEN[1], 'allow destructive calls in production');
});
afterAll(async () => {
  await gh.close();
  await rm(work, { recursive: true, force: true });
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({ command: 'check', 'github-token': TOKEN, 'report-dir': path.join(work, 'report'), ...extra });
const writes = (): string[] => gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('action check: one sticky comment per pull request', () => {
  it('validates, tests, diffs against the base, comments, writes the summary and artifact, and fails on regressing replays', async () => {
    const env = await pullRequestEnv(work, gh.url, { number: 7, base, head }, 100);
    const r = await runAction(root, inputs(), env);
    // The loosening makes incident replays fail on the head: the check fails, after commenting.
    expect(r.failed).toBe(true);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stderr).toMatch(/replay outcome\(s\) regress/);
    expect(r.stdout).toMatch(/^⚠ loosens \d+ decisions? in production/m);
    expect(Number(r.outputs['loosened'])).toBeGreaterThan(0);
    expect(r.outputs['ir-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.outputs['changed']).toBe('true');
    expect(writes()).toEqual(['POST /repos/acme/policies/issues/7/comments']);
    const post = gh.requests.find((q) => q.method === 'POST')!;
    expect(post.authorization).toBe(`token ${TOKEN}`);
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(parseMarker(body)).toEqual({ head, ir: r.outputs['ir-digest'], run: 100, changes: true });
    expect(body).toContain('> [!WARNING]');
    expect(body).toContain('🟥 deny → 🟩 allow');
    expect(body).toContain(`](https://github.com/acme/policies/blob/${head}/policies/platform/railway-production.yaml#L11)`);
    expect(body).toContain('@acme/security');
    expect(r.outputs['comment-id']).toBe(String(gh.comments[0]!.id));
    // Job summary and artifact hold the whole report.
    expect(await readFile(env['GITHUB_STEP_SUMMARY']!, 'utf8')).toContain('#### Decision matrix');
    const artifact = JSON.parse(await readFile(path.join(work, 'report', 'comment.json'), 'utf8')) as { pull: number; head: string };
    expect(artifact).toMatchObject({ pull: 7, head });
    expect(await readFile(path.join(work, 'report', 'comment.md'), 'utf8')).toBe(body);
  });

  it('a second run with the same result does not edit the comment', async () => {
    const before = gh.requests.length;
    const r = await runAction(root, inputs(), await pullRequestEnv(work, gh.url, { number: 7, base, head }, 101));
    expect(r.stdout).toContain('comment: skip (identical)');
    expect(gh.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(gh.comments).toHaveLength(1);
  });

  it('a new push edits the same comment in place', async () => {
    const next = await commitEdit(root, PRODUCTION, 'mode: shadow\n      reason: A production change', 'mode: deny\n      reason: A production change', 'deny production writes without an originator');
    const before = gh.requests.length;
    const r = await runAction(root, inputs(), await pullRequestEnv(work, gh.url, { number: 7, base, head: next }, 102));
    const id = gh.comments[0]!.id;
    expect(gh.requests.slice(before).filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`)).toEqual([`PATCH /repos/acme/policies/issues/comments/${id}`]);
    expect(r.stdout).toContain(`comment: update #${id}`);
    expect(gh.comments).toHaveLength(1);
    expect(parseMarker(gh.comments[0]!.body)).toMatchObject({ head: next, run: 102 });
    expect(gh.comments[0]!.body).toMatch(/tightens \d+/);
    head = next;
  });

  it('an older run that finishes late never overwrites a newer comment', async () => {
    const bodyBefore = gh.comments[0]!.body;
    git(root, 'checkout', '-q', 'HEAD~1');
    try {
      const r = await runAction(root, inputs(), await pullRequestEnv(work, gh.url, { number: 7, base, head: git(root, 'rev-parse', 'HEAD') }, 99));
      expect(r.stdout).toContain('comment: skip (newer-run)');
    } finally {
      git(root, 'checkout', '-q', 'main');
    }
    expect(gh.comments[0]!.body).toBe(bodyBefore);
  });

  it('posts nothing on a pull request that changes no decision, and says so in an existing comment', async () => {
    const none = await runAction(root, inputs(), await pullRequestEnv(work, gh.url, { number: 8, base: head, head }, 103));
    expect(none.outputs['changed']).toBe('false');
    expect(none.stdout).toContain('comment: skip (no-changes)');
    expect(gh.comments.filter((c) => c.issue === 8)).toEqual([]);
    // Pull request 7 reverted to its base: its comment is updated to say nothing changes.
    git(root, 'checkout', '-q', base);
    try {
      const reverted = await runAction(root, inputs(), await pullRequestEnv(work, gh.url, { number: 7, base, head: base }, 104));
      expect(reverted.outputs['exit-code']).toBe('0');
      expect(reverted.stdout).toMatch(/comment: update #\d+/);
    } finally {
      git(root, 'checkout', '-q', 'main');
    }
    expect(gh.comments[0]!.body).toContain('This pull request changes no decision');
    expect(parseMarker(gh.comments[0]!.body)).toMatchObject({ changes: false, run: 104 });
  });

  it('fails on loosening with fail-on: loosened, also when the replays pass', async () => {
    const { root: clean, base: cleanBase } = await scratchRepo(work);
    const staging = path.join('policies', 'platform', 'railway-staging.yaml');
    const text = await readFile(path.join(clean, staging), 'utf8');
    const m = /mode: (deny|shadow)/.exec(text);
    expect(m).not.toBeNull();
    const loosened = await commitEdit(clean, staging, m![0], 'mode: allow', 'loosen staging');
    const r = await runAction(clean, inputs({ 'fail-on': 'loosened', comment: 'false' }), await pullRequestEnv(work, gh.url, { number: 9, base: cleanBase, head: loosened }, 105));
    expect(Number(r.outputs['loosened'])).toBeGreaterThan(0);
    expect(r.stderr).toContain('`fail-on: loosened` is set');
    expect(r.outputs['exit-code']).toBe('1');
  });

  it('fetches the base into a shallow checkout, or says exactly what to set', async () => {
    const shallow = path.join(work, 'shallow');
    git(work, 'clone', '-q', '--depth', '1', `file://${root}`, shallow);
    expect(() => git(shallow, 'cat-file', '-e', `${base}^{commit}`)).toThrow();
    const r = await runAction(shallow, inputs({ comment: 'false' }), await pullRequestEnv(work, gh.url, { number: 7, base, head }, 106));
    expect(r.stdout).toContain(`fetched the pull request base ${base.slice(0, 12)}`);
    expect(r.outputs['ir-digest']).toMatch(/^sha256:/);

    const cut = path.join(work, 'cut');
    git(work, 'clone', '-q', '--depth', '1', `file://${root}`, cut);
    git(cut, 'remote', 'remove', 'origin');
    const failed = await runAction(cut, inputs({ comment: 'false' }), await pullRequestEnv(work, gh.url, { number: 7, base, head }, 107));
    expect(failed.stderr).toContain('BG573');
    expect(failed.stderr).toContain('fetch-depth: 0');
    expect(failed.outputs['exit-code']).toBe('1');
  });

  it('renders a head that does not validate as its own section', async () => {
    const { root: broken, base: brokenBase } = await scratchRepo(work);
    await writeFile(path.join(broken, PRODUCTION), 'kind: Policy\nnot: [valid\n');
    git(broken, 'commit', '-q', '-am', 'break it');
    const r = await runAction(broken, inputs({ comment: 'false', 'report-dir': path.join(work, 'broken-report') }), await pullRequestEnv(work, gh.url, { number: 10, base: brokenBase, head: git(broken, 'rev-parse', 'HEAD') }, 108));
    expect(r.stdout).toMatch(/^::error file=policies\/platform\/railway-production\.yaml,line=\d+/m);
    const body = await readFile(path.join(work, 'broken-report', 'comment.md'), 'utf8');
    expect(body).toContain('### ❌ The head does not validate');
    expect(r.outputs['ir-digest']).toBe('');
    expect(r.outputs['exit-code']).toBe('1');
  });
});

describe('fork pull requests: check with a read-only token, comment from workflow_run', () => {
  it('check leaves the comment to the poster, which posts it from the artifact after checking the pull request', async () => {
    const readOnly = 'ghs_fork_read_only';
    gh.readOnlyTokens.add(readOnly);
    const dir = path.join(work, 'fork-report');
    const r = await runAction(root, inputs({ 'github-token': readOnly, 'report-dir': dir }), await pullRequestEnv(work, gh.url, { number: 11, base, head }, 110));
    expect(r.stdout).toMatch(/^::warning title=blastguard%3A comment left to the workflow_run poster::/m);
    expect(gh.comments.filter((c) => c.issue === 11)).toEqual([]);

    gh.pulls.push({ number: 11, head, commits: [head], merged: false });
    const event = path.join(work, 'workflow-run.json');
    await writeFile(event, JSON.stringify({ workflow_run: { head_sha: head, conclusion: 'failure' } }));
    const env = { GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/policies', GITHUB_API_URL: gh.url, GITHUB_RUN_ID: '111' };
    const posted = await runAction(work, { command: 'comment', 'github-token': TOKEN, 'report-dir': dir }, env);
    expect(posted.outputs['exit-code']).toBe('0');
    const mine = gh.comments.filter((c) => c.issue === 11);
    expect(mine).toHaveLength(1);
    expect(parseMarker(mine[0]!.body)).toMatchObject({ head, run: 110 });
    expect(gh.requests.some((q) => q.method === 'GET' && q.path === '/repos/acme/policies/pulls/11')).toBe(true);

    // An artifact claiming another pull request's head is refused.
    await writeFile(event, JSON.stringify({ workflow_run: { head_sha: base, conclusion: 'failure' } }));
    const forged = await runAction(work, { command: 'comment', 'github-token': TOKEN, 'report-dir': dir }, env);
    expect(forged.stderr).toContain('BG581');
    expect(forged.outputs['exit-code']).toBe('1');
  });
});
