/**
 * The GitHub REST calls the Action makes, all through Octokit (`@actions/github`'s client):
 * issue comments (list, create, update), pulls (by number, for a commit) and releases (by tag,
 * create, update, assets). Nothing above this file builds a URL or handles a status.
 */
import { getOctokit } from '@actions/github';
import { BlastguardError } from '../../src/core/errors.js';
import { parseMarker, planSticky, type StickyMeta, type StickyPlan } from '../../src/report/index.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

/** An Octokit client for `apiUrl` (GitHub, GHES, or a loopback emulator in tests). */
export function githubClient(token: string, apiUrl: string): Octokit {
  return getOctokit(token, { baseUrl: apiUrl });
}

function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number' ? (e as { status: number }).status : undefined;
}

/** Runs one API call; a failure becomes a BG580 that says what was attempted and what to check. */
export async function call<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const status = statusOf(e);
    const help =
      status === 403 || status === 401
        ? 'the token lacks a permission: give the job `pull-requests: write` (comments) or `contents: write` (releases); on a fork pull request the token is read-only, so post the comment from a `workflow_run` workflow (see policy-comment.yml)'
        : 'check the GitHub status page and re-run the job';
    throw new BlastguardError('BG580', `github api: ${what} failed${status === undefined ? '' : ` with status ${status}`}`, { help, cause: e });
  }
}

export function isPermissionError(e: unknown): boolean {
  return e instanceof BlastguardError && e.code === 'BG580' && statusOf(e.cause) === 403;
}

/** Every comment of the pull request, oldest first. */
async function listComments(octokit: Octokit, at: Repo, issue: number): Promise<{ id: number; body: string }[]> {
  const all = await call(`listing the comments of #${issue}`, () => octokit.paginate(octokit.rest.issues.listComments, { ...at, issue_number: issue, per_page: 100 }));
  return all.map((c) => ({ id: c.id, body: c.body ?? '' }));
}

export interface UpsertResult {
  plan: StickyPlan;
  /** The comment's id after the call (null when none exists). */
  id: number | null;
}

/** Creates, edits or leaves alone the one blastguard comment of the pull request (see report/sticky.ts). */
export async function upsertComment(octokit: Octokit, at: Repo, issue: number, body: string, meta: StickyMeta): Promise<UpsertResult> {
  const plan = planSticky(await listComments(octokit, at, issue), body, meta);
  switch (plan.action) {
    case 'create': {
      const created = await call(`creating a comment on #${issue}`, () => octokit.rest.issues.createComment({ ...at, issue_number: issue, body: plan.body }));
      return { plan, id: created.data.id };
    }
    case 'update':
      await call(`updating comment ${plan.id}`, () => octokit.rest.issues.updateComment({ ...at, comment_id: plan.id, body: plan.body }));
      return { plan, id: plan.id };
    case 'skip':
      return { plan, id: plan.id };
  }
}

/** The pull request's head commit, to check that an artifact belongs to it. */
export async function pullHead(octokit: Octokit, at: Repo, number: number): Promise<string> {
  const pr = await call(`reading pull request #${number}`, () => octokit.rest.pulls.get({ ...at, pull_number: number }));
  return pr.data.head.sha;
}

/** The marker of the newest blastguard comment on each merged pull request that contains `sha`. */
export async function reviewedMarkers(octokit: Octokit, at: Repo, sha: string): Promise<{ pull: number; meta: StickyMeta | null }[]> {
  const pulls = await call(`listing the pull requests of ${sha.slice(0, 12)}`, () => octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...at, commit_sha: sha }));
  const merged = pulls.data.filter((p) => p.merged_at !== null && p.merged_at !== undefined);
  const out: { pull: number; meta: StickyMeta | null }[] = [];
  for (const p of merged) {
    const comments = await listComments(octokit, at, p.number);
    const metas = comments.map((c) => parseMarker(c.body)).filter((m): m is StickyMeta => m !== null);
    out.push({ pull: p.number, meta: metas[metas.length - 1] ?? null });
  }
  return out;
}

export interface ReleaseAsset {
  name: string;
  data: Uint8Array;
  contentType: string;
}

/** Creates the release for `tag` at `sha`, or updates the one that exists; replaces assets of the same name. */
export async function upsertRelease(
  octokit: Octokit,
  at: Repo,
  release: { tag: string; sha: string; name: string; body: string },
  assets: readonly ReleaseAsset[],
): Promise<{ id: number; url: string; created: boolean }> {
  const existing = await octokit.rest.repos.getReleaseByTag({ ...at, tag: release.tag }).then(
    (r) => r.data,
    (e: unknown) => {
      if (statusOf(e) === 404) return null;
      throw new BlastguardError('BG580', `github api: reading release \`${release.tag}\` failed with status ${statusOf(e) ?? 'none'}`, { help: 'check the token and re-run the job', cause: e });
    },
  );
  const fields = { name: release.name, body: release.body };
  const data = existing
    ? (await call(`updating release \`${release.tag}\``, () => octokit.rest.repos.updateRelease({ ...at, release_id: existing.id, ...fields }))).data
    : (await call(`creating release \`${release.tag}\``, () => octokit.rest.repos.createRelease({ ...at, tag_name: release.tag, target_commitish: release.sha, ...fields }))).data;
  if (existing) {
    const current = await call('listing release assets', () => octokit.paginate(octokit.rest.repos.listReleaseAssets, { ...at, release_id: data.id, per_page: 100 }));
    for (const asset of current.filter((a) => assets.some((x) => x.name === a.name))) {
      await call(`deleting the old asset \`${asset.name}\``, () => octokit.rest.repos.deleteReleaseAsset({ ...at, asset_id: asset.id }));
    }
  }
  for (const asset of assets) {
    // The upload host comes from the release (`upload_url`, a URI template), as GitHub documents.
    await call(`uploading \`${asset.name}\``, () =>
      octokit.request({ method: 'POST', url: data.upload_url, name: asset.name, data: Buffer.from(asset.data), headers: { 'content-type': asset.contentType, 'content-length': asset.data.byteLength } }),
    );
  }
  return { id: data.id, url: data.html_url, created: existing === null };
}
