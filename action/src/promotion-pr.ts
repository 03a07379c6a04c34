/**
 * The one promotion pull request of `report`, through the Git data API: a commit with the
 * rewritten files on top of the base branch's head, the bot's branch pointed at it (created, or
 * moved: the branch carries only the bot's proposal), and the pull request opened or its
 * description updated. A run whose files equal the branch's leaves the branch alone.
 */
import { call, type Octokit, type Repo } from './github.js';

export interface PromotionChange {
  base: string;
  branch: string;
  title: string;
  body: string;
  message: string;
  /** Repository-relative paths and their new text. */
  files: readonly { path: string; text: string }[];
}

export interface PromotionResult {
  pull: number;
  url: string;
  created: boolean;
  /** The commit the branch points at; unchanged when the proposal was already there. */
  commit: string;
  pushed: boolean;
}

function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number' ? (e as { status: number }).status : undefined;
}

async function branchHead(octokit: Octokit, at: Repo, branch: string): Promise<string | null> {
  try {
    const ref = await octokit.rest.git.getRef({ ...at, ref: `heads/${branch}` });
    return ref.data.object.sha;
  } catch (e) {
    if (statusOf(e) === 404) return null;
    return call(`reading branch \`${branch}\``, () => Promise.reject(e));
  }
}

export async function upsertPromotion(octokit: Octokit, at: Repo, change: PromotionChange): Promise<PromotionResult> {
  const baseSha = await branchHead(octokit, at, change.base);
  if (baseSha === null) return call(`reading the base branch \`${change.base}\``, () => Promise.reject(Object.assign(new Error('not found'), { status: 404 })));
  const baseCommit = await call(`reading commit ${baseSha.slice(0, 12)}`, () => octokit.rest.git.getCommit({ ...at, commit_sha: baseSha }));
  const tree = await call('writing the tree', () =>
    octokit.rest.git.createTree({
      ...at,
      base_tree: baseCommit.data.tree.sha,
      tree: change.files.map((f) => ({ path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.text })),
    }),
  );
  const current = await branchHead(octokit, at, change.branch);
  let commit = current;
  let pushed = false;
  const currentTree = current === null ? null : (await call(`reading commit ${current.slice(0, 12)}`, () => octokit.rest.git.getCommit({ ...at, commit_sha: current }))).data;
  // The same files on the same base: nothing to push (a scheduled run with no new evidence).
  if (currentTree === null || currentTree.tree.sha !== tree.data.sha || currentTree.parents[0]?.sha !== baseSha) {
    const created = await call('writing the commit', () => octokit.rest.git.createCommit({ ...at, message: change.message, tree: tree.data.sha, parents: [baseSha] }));
    commit = created.data.sha;
    pushed = true;
    if (current === null) await call(`creating branch \`${change.branch}\``, () => octokit.rest.git.createRef({ ...at, ref: `refs/heads/${change.branch}`, sha: created.data.sha }));
    else await call(`moving branch \`${change.branch}\``, () => octokit.rest.git.updateRef({ ...at, ref: `heads/${change.branch}`, sha: created.data.sha, force: true }));
  }
  const open = await call('listing open pull requests', () => octokit.rest.pulls.list({ ...at, state: 'open', head: `${at.owner}:${change.branch}`, base: change.base, per_page: 10 }));
  const existing = open.data[0];
  if (existing !== undefined) {
    await call(`updating pull request #${existing.number}`, () => octokit.rest.pulls.update({ ...at, pull_number: existing.number, title: change.title, body: change.body }));
    return { pull: existing.number, url: existing.html_url, created: false, commit: commit!, pushed };
  }
  const pr = await call('opening the pull request', () => octokit.rest.pulls.create({ ...at, title: change.title, head: change.branch, base: change.base, body: change.body }));
  return { pull: pr.data.number, url: pr.data.html_url, created: true, commit: commit!, pushed };
}
