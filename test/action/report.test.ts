// The Action's `report` on a schedule: decision logs → evidence in the job summary → ONE promotion
// pull request (Git data API commit on a bot branch, opened once, then updated), against a
// loopback emulation of GitHub's REST API through the real Octokit client. And `check` with a
// `logs` input: the comment says which logged calls the change would deny.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPolicies, loadTestBundle } from '../../src/toolchain/index.js';
import { REPO } from '../helpers/cli.js';
import { weekOfEvents } from '../helpers/decision-logs.js';
import { startGithubEmulator, type GithubEmulator } from './github-emulator.js';
import { OWNER, PRODUCTION, REPO_NAME, TOKEN, git, pullRequestEnv, runAction, scratchRepo } from './support.js';

vi.mock('@actions/core', () => import('./__fixtures__/core.js'));

const RULE = 'railway-production/production-writes-need-originator';
let gh: GithubEmulator;
let work: string;
let root: string;
let base: string;
let logs: string;
let baseSha: string;

async function filesUnder(dir: string, rel = ''): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push([r, await readFile(path.join(dir, r), 'utf8')]);
  }
  return out;
}

beforeAll(async () => {
  gh = await startGithubEmulator({ owner: OWNER, repo: REPO_NAME, token: TOKEN });
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-report-action-'));
  ({ root, base } = await scratchRepo(work));
  // The emulated repository holds the same files as the checkout, on `main`.
  const tree = new Map(await filesUnder(path.join(root, 'policies'), '').then((fs) => fs.map(([p, t]): [string, string] => [`policies/${p}`, t])));
  gh.git.trees.set('a'.repeat(40), tree);
  baseSha = base;
  gh.git.commits.set(baseSha, { tree: 'a'.repeat(40), parents: [], message: 'example policies' });
  gh.git.refs.set('heads/main', baseSha);
  // Last week's logs, ending an hour ago, decided by the example policies' bundle.
  const checked = await checkPolicies({ dir: 'policies', cwd: REPO });
  const engine = await (await loadTestBundle(checked.ir!)).engineFor(null);
  const start = Date.now() - 7 * 86_400_000 + 3_600_000;
  logs = path.join(work, 'logs');
  await mkdir(logs);
  await writeFile(path.join(logs, 'decisions.jsonl'), weekOfEvents((i) => engine.decide(i), start).map((e) => JSON.stringify(e)).join('\n') + '\n');
}, 120_000);
afterAll(async () => {
  await gh.close();
  await rm(work, { recursive: true, force: true });
});

async function scheduleEnv(runId: number): Promise<Record<string, string>> {
  const event = path.join(work, `schedule-${runId}.json`);
  await writeFile(event, JSON.stringify({ schedule: '17 6 * * 1', repository: { default_branch: 'main' } }));
  const summary = path.join(work, `summary-${runId}.md`);
  await writeFile(summary, '');
  return { GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: `${OWNER}/${REPO_NAME}`, GITHUB_API_URL: gh.url, GITHUB_RUN_ID: String(runId), GITHUB_STEP_SUMMARY: summary };
}

const inputs = { command: 'report', 'github-token': TOKEN, logs: 'logs', unexpected: 'originator:agent-*\ntenant:sandbox', window: '8d' };
const writes = (): string[] => gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('action report: one promotion pull request', () => {
  it('opens it with a commit on the bot branch that flips exactly the candidates, and the evidence in its description', async () => {
    const r = await runAction(root, { ...inputs, logs }, await scheduleEnv(1));
    expect(r.stderr).toBe('');
    expect(r.failed).toBe(false);
    expect(r.outputs['candidates']!.split(' ')).toContain(RULE);
    expect(writes()).toEqual([`POST /repos/${OWNER}/${REPO_NAME}/git/trees`, `POST /repos/${OWNER}/${REPO_NAME}/git/commits`, `POST /repos/${OWNER}/${REPO_NAME}/git/refs`, `POST /repos/${OWNER}/${REPO_NAME}/pulls`]);
    expect(gh.opened).toHaveLength(1);
    const pr = gh.opened[0]!;
    expect(r.outputs['pull-request']).toBe(String(pr.number));
    expect(pr).toMatchObject({ head: 'blastguard/promote-shadow-rules', base: 'main', state: 'open' });
    expect(pr.body).toContain('<!-- blastguard:promotion -->');
    expect(pr.body).toContain(`\`${RULE}\``);
    expect(pr.body).toContain('### Promotion candidates');
    expect(pr.body).toContain('`originator:agent-7`');
    // The branch: one commit on main whose tree differs from main's only in the mode lines.
    const head = gh.git.refs.get('heads/blastguard/promote-shadow-rules')!;
    const commit = gh.git.commits.get(head)!;
    expect(commit.parents).toEqual([baseSha]);
    const before = gh.git.trees.get('a'.repeat(40))!;
    const after = gh.git.trees.get(commit.tree)!;
    const changed = [...after].filter(([p, t]) => before.get(p) !== t).map(([p]) => p);
    expect(changed).toContain(PRODUCTION.split(path.sep).join('/'));
    for (const p of changed) {
      const a = before.get(p)!.split('\n');
      const b = after.get(p)!.split('\n');
      expect(b.length).toBe(a.length);
      const diffLines = a.map((l, i) => [l, b[i]]).filter(([x, y]) => x !== y);
      expect(diffLines.every(([x, y]) => /mode: shadow/.test(x!) && y === x!.replace('mode: shadow', 'mode: deny'))).toBe(true);
    }
    // The checkout is left as it was: the edit travels only through the pull request.
    expect(git(root, 'status', '--porcelain')).toBe('');
    const summary = await readFile(path.join(work, 'summary-1.md'), 'utf8');
    expect(summary).toContain('## Decision-log evidence');
  }, 60_000);

  it('a second run with the same evidence updates the description and pushes nothing', async () => {
    const before = gh.requests.length;
    const r = await runAction(root, { ...inputs, logs }, await scheduleEnv(2));
    expect(r.failed).toBe(false);
    expect(r.stdout).toMatch(/promotion pull request #\d+ updated \(files unchanged\)/);
    expect(gh.requests.slice(before).filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`)).toEqual([
      `POST /repos/${OWNER}/${REPO_NAME}/git/trees`,
      `PATCH /repos/${OWNER}/${REPO_NAME}/pulls/${gh.opened[0]!.number}`,
    ]);
    expect(gh.opened).toHaveLength(1);
  }, 60_000);

  it('after main moves, the bot branch is rebuilt on it (forced) and the same pull request is updated', async () => {
    const tree = new Map(gh.git.trees.get('a'.repeat(40))!);
    tree.set('README.md', 'moved on\n');
    gh.git.trees.set('b'.repeat(40), tree);
    const moved = 'c'.repeat(40);
    gh.git.commits.set(moved, { tree: 'b'.repeat(40), parents: [baseSha], message: 'docs' });
    gh.git.refs.set('heads/main', moved);
    const r = await runAction(root, { ...inputs, logs }, await scheduleEnv(3));
    expect(r.failed).toBe(false);
    const head = gh.git.refs.get('heads/blastguard/promote-shadow-rules')!;
    expect(gh.git.commits.get(head)!.parents).toEqual([moved]);
    expect(gh.opened).toHaveLength(1);
    const patch = gh.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/git/refs/'));
    expect(JSON.parse(patch[patch.length - 1]!.body.toString())).toMatchObject({ force: true });
  }, 60_000);

  it('a missing logs input is a coded usage error', async () => {
    const r = await runAction(root, { ...inputs, logs: '' }, await scheduleEnv(4));
    expect(r.failed).toBe(true);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stderr).toMatch(/error BG850 /);
  });
});

describe('action check with a logs input', () => {
  it('adds the recorded-traffic impact to the comment', async () => {
    const text = await readFile(path.join(root, PRODUCTION), 'utf8');
    await writeFile(path.join(root, PRODUCTION), text.replace('mode: shadow\n      reason: A production change', 'mode: deny\n      reason: A production change'));
    git(root, 'commit', '-q', '-am', 'promote');
    const head = git(root, 'rev-parse', 'HEAD');
    const env = await pullRequestEnv(work, gh.url, { number: 41, base, head }, 200);
    const r = await runAction(root, { command: 'check', 'github-token': TOKEN, 'report-dir': path.join(work, 'report'), logs }, env);
    expect(r.outputs['tightened']).not.toBe('0');
    const comment = gh.comments.find((c) => c.issue === 41)!.body;
    expect(comment).toContain('### Recorded traffic');
    expect(comment).toMatch(/this change would have denied 20 of the \d+ logged calls let through/);
    expect(comment).toContain(`\`${RULE}\``);
  }, 120_000);
});
