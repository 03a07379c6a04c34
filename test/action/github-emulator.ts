// A loopback server that emulates exactly the GitHub REST endpoints the Action calls, with
// GitHub's shapes (ids, `upload_url` URI templates, Link pagination, 404/403 bodies), and records
// every request for assertions. Octokit talks to it through `baseUrl`, as it would to GHES.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

export interface Comment {
  id: number;
  body: string;
  issue: number;
}

export interface Release {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string;
  body: string;
  assets: { id: number; name: string; content_type: string; data: Buffer }[];
}

export interface Pull {
  number: number;
  head: string;
  /** Commits the pull request is associated with (`GET /repos/{o}/{r}/commits/{sha}/pulls`). */
  commits: string[];
  merged: boolean;
}

/** The Git data the promotion pull request writes: refs, commits and trees (path → text). */
export interface GitData {
  /** `heads/main` → commit sha. */
  refs: Map<string, string>;
  commits: Map<string, { tree: string; parents: string[]; message: string }>;
  trees: Map<string, Map<string, string>>;
}

/** A pull request opened through the API (`POST /pulls`). */
export interface OpenedPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
}

export interface GithubEmulator {
  url: string;
  requests: RecordedRequest[];
  comments: Comment[];
  releases: Release[];
  pulls: Pull[];
  git: GitData;
  opened: OpenedPull[];
  /** Tokens that may read but not write (a fork pull request's GITHUB_TOKEN). */
  readOnlyTokens: Set<string>;
  close(): Promise<void>;
}

const OWNER_REPO = '([^/]+)/([^/]+)';
const PER_PAGE_DEFAULT = 30;

export async function startGithubEmulator(options: { owner: string; repo: string; token: string }): Promise<GithubEmulator> {
  let nextId = 1000;
  const state: Omit<GithubEmulator, 'url' | 'close'> = { requests: [], comments: [], releases: [], pulls: [], git: { refs: new Map(), commits: new Map(), trees: new Map() }, opened: [], readOnlyTokens: new Set() };
  const sha = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).update(String(nextId++)).digest('hex');
  const openedJson = (p: OpenedPull): unknown => ({ number: p.number, title: p.title, body: p.body, state: p.state, html_url: `https://github.example/${options.owner}/${options.repo}/pull/${p.number}`, head: { ref: p.head, label: `${options.owner}:${p.head}` }, base: { ref: p.base } });
  let base = '';

  const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(value));
  };
  const notFound = (res: ServerResponse): void => json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  const commentJson = (c: Comment): unknown => ({ id: c.id, body: c.body, html_url: `${base}/comment/${c.id}`, user: { login: 'github-actions[bot]' } });
  const releaseJson = (r: Release): unknown => ({
    id: r.id,
    tag_name: r.tag_name,
    target_commitish: r.target_commitish,
    name: r.name,
    body: r.body,
    html_url: `https://github.example/${options.owner}/${options.repo}/releases/tag/${r.tag_name}`,
    // GitHub's upload_url is an RFC 6570 template on a separate host; here the same loopback server.
    upload_url: `${base}/uploads/repos/${options.owner}/${options.repo}/releases/${r.id}/assets{?name,label}`,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, content_type: a.content_type, size: a.data.length })),
  });

  function paginate(req: RecordedRequest, res: ServerResponse, items: unknown[]): void {
    const perPage = Number(req.query['per_page'] ?? PER_PAGE_DEFAULT);
    const page = Number(req.query['page'] ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) headers['link'] = `<${base}${req.path}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    json(res, 200, slice, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', base);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks),
    };
    state.requests.push(rec);
    const token = rec.authorization?.replace(/^(token|bearer) /i, '');
    if (token !== options.token && !(token !== undefined && state.readOnlyTokens.has(token))) return json(res, 401, { message: 'Bad credentials' });
    const write = rec.method !== 'GET';
    if (write && token !== undefined && state.readOnlyTokens.has(token)) return json(res, 403, { message: 'Resource not accessible by integration' });
    const body = (): Record<string, unknown> => JSON.parse(rec.body.toString('utf8') || '{}') as Record<string, unknown>;
    const route = (method: string, pattern: string): RegExpExecArray | null => (rec.method === method ? new RegExp(`^${pattern}$`).exec(rec.path) : null);
    let m: RegExpExecArray | null;
    const here = (o: string | undefined, r: string | undefined): boolean => o === options.owner && r === options.repo;

    if ((m = route('GET', `/repos/${OWNER_REPO}/issues/(\\d+)/comments`)) && here(m[1], m[2])) {
      return paginate(rec, res, state.comments.filter((c) => c.issue === Number(m![3])).map(commentJson));
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/issues/(\\d+)/comments`)) && here(m[1], m[2])) {
      const c = { id: nextId++, body: String(body()['body']), issue: Number(m[3]) };
      state.comments.push(c);
      return json(res, 201, commentJson(c));
    }
    if ((m = route('PATCH', `/repos/${OWNER_REPO}/issues/comments/(\\d+)`)) && here(m[1], m[2])) {
      const c = state.comments.find((x) => x.id === Number(m![3]));
      if (!c) return notFound(res);
      c.body = String(body()['body']);
      return json(res, 200, commentJson(c));
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/pulls/(\\d+)`)) && here(m[1], m[2])) {
      const p = state.pulls.find((x) => x.number === Number(m![3]));
      return p ? json(res, 200, { number: p.number, head: { sha: p.head }, merged_at: p.merged ? '2026-11-30T12:00:00Z' : null }) : notFound(res);
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/commits/([0-9a-f]{40})/pulls`)) && here(m[1], m[2])) {
      const sha = m[3]!;
      return json(res, 200, state.pulls.filter((p) => p.commits.includes(sha)).map((p) => ({ number: p.number, head: { sha: p.head }, merged_at: p.merged ? '2026-11-30T12:00:00Z' : null })));
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/releases/tags/([^/]+)`)) && here(m[1], m[2])) {
      const r = state.releases.find((x) => x.tag_name === decodeURIComponent(m![3]!));
      return r ? json(res, 200, releaseJson(r)) : notFound(res);
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/releases`)) && here(m[1], m[2])) {
      const b = body();
      if (state.releases.some((x) => x.tag_name === b['tag_name'])) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
      const r: Release = { id: nextId++, tag_name: String(b['tag_name']), target_commitish: String(b['target_commitish']), name: String(b['name']), body: String(b['body']), assets: [] };
      state.releases.push(r);
      return json(res, 201, releaseJson(r));
    }
    if ((m = route('PATCH', `/repos/${OWNER_REPO}/releases/(\\d+)`)) && here(m[1], m[2])) {
      const r = state.releases.find((x) => x.id === Number(m![3]));
      if (!r) return notFound(res);
      const b = body();
      if (typeof b['name'] === 'string') r.name = b['name'];
      if (typeof b['body'] === 'string') r.body = b['body'];
      return json(res, 200, releaseJson(r));
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/releases/(\\d+)/assets`)) && here(m[1], m[2])) {
      const r = state.releases.find((x) => x.id === Number(m![3]));
      return r ? paginate(rec, res, r.assets.map((a) => ({ id: a.id, name: a.name, content_type: a.content_type, size: a.data.length }))) : notFound(res);
    }
    if ((m = route('DELETE', `/repos/${OWNER_REPO}/releases/assets/(\\d+)`)) && here(m[1], m[2])) {
      const r = state.releases.find((x) => x.assets.some((a) => a.id === Number(m![3])));
      if (!r) return notFound(res);
      r.assets = r.assets.filter((a) => a.id !== Number(m![3]));
      res.writeHead(204).end();
      return;
    }
    if ((m = route('POST', `/uploads/repos/${OWNER_REPO}/releases/(\\d+)/assets`)) && here(m[1], m[2])) {
      const r = state.releases.find((x) => x.id === Number(m![3]));
      const name = rec.query['name'];
      if (!r || !name) return notFound(res);
      if (r.assets.some((a) => a.name === name)) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
      const a = { id: nextId++, name, content_type: rec.contentType ?? '', data: rec.body };
      r.assets.push(a);
      return json(res, 201, { id: a.id, name: a.name, content_type: a.content_type, size: a.data.length });
    }
    // Git data API: refs, commits and trees, as the promotion pull request writes them.
    if ((m = route('GET', `/repos/${OWNER_REPO}/git/ref/(.+)`)) && here(m[1], m[2])) {
      const ref = decodeURIComponent(m[3]!);
      const target = state.git.refs.get(ref);
      return target === undefined ? notFound(res) : json(res, 200, { ref: `refs/${ref}`, object: { sha: target, type: 'commit' } });
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/git/refs`)) && here(m[1], m[2])) {
      const b = body();
      const ref = String(b['ref']).replace(/^refs\//, '');
      if (state.git.refs.has(ref)) return json(res, 422, { message: 'Reference already exists' });
      if (!state.git.commits.has(String(b['sha']))) return json(res, 422, { message: 'Object does not exist' });
      state.git.refs.set(ref, String(b['sha']));
      return json(res, 201, { ref: `refs/${ref}`, object: { sha: b['sha'], type: 'commit' } });
    }
    if ((m = route('PATCH', `/repos/${OWNER_REPO}/git/refs/(.+)`)) && here(m[1], m[2])) {
      const ref = decodeURIComponent(m[3]!);
      const b = body();
      const current = state.git.refs.get(ref);
      if (current === undefined) return json(res, 422, { message: 'Reference does not exist' });
      // Without force, only a fast-forward (the new commit descends from the current one).
      const descends = (c: string | undefined): boolean => c !== undefined && (c === current || (state.git.commits.get(c)?.parents ?? []).some(descends));
      if (b['force'] !== true && !descends(String(b['sha']))) return json(res, 422, { message: 'Update is not a fast forward' });
      state.git.refs.set(ref, String(b['sha']));
      return json(res, 200, { ref: `refs/${ref}`, object: { sha: b['sha'], type: 'commit' } });
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/git/commits/([0-9a-f]{40})`)) && here(m[1], m[2])) {
      const c = state.git.commits.get(m[3]!);
      return c === undefined ? notFound(res) : json(res, 200, { sha: m[3], tree: { sha: c.tree }, parents: c.parents.map((p) => ({ sha: p })), message: c.message });
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/git/commits`)) && here(m[1], m[2])) {
      const b = body();
      const tree = String(b['tree']);
      const parents = (b['parents'] as unknown[]).map(String);
      if (!state.git.trees.has(tree) || parents.some((p) => !state.git.commits.has(p))) return json(res, 422, { message: 'Tree or parent does not exist' });
      const id = sha(b);
      state.git.commits.set(id, { tree, parents, message: String(b['message']) });
      return json(res, 201, { sha: id, tree: { sha: tree }, parents: parents.map((p) => ({ sha: p })), message: b['message'] });
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/git/trees`)) && here(m[1], m[2])) {
      const b = body();
      const baseTree = state.git.trees.get(String(b['base_tree']));
      if (baseTree === undefined) return json(res, 422, { message: 'Invalid base_tree' });
      const next = new Map(baseTree);
      for (const entry of b['tree'] as { path: string; mode: string; type: string; content: string }[]) {
        if (entry.mode !== '100644' || entry.type !== 'blob' || typeof entry.content !== 'string') return json(res, 422, { message: 'Invalid tree entry' });
        next.set(entry.path, entry.content);
      }
      // Same content, same tree id, as in Git.
      const id = createHash('sha1').update(JSON.stringify([...next].sort())).digest('hex');
      state.git.trees.set(id, next);
      return json(res, 201, { sha: id, tree: [...next.keys()].map((p) => ({ path: p, mode: '100644', type: 'blob' })) });
    }
    if ((m = route('GET', `/repos/${OWNER_REPO}/pulls`)) && here(m[1], m[2])) {
      const head = rec.query['head'];
      const wanted = state.opened.filter((p) => (rec.query['state'] ?? 'open') === p.state && (head === undefined || `${options.owner}:${p.head}` === head) && (rec.query['base'] === undefined || rec.query['base'] === p.base));
      return paginate(rec, res, wanted.map(openedJson));
    }
    if ((m = route('POST', `/repos/${OWNER_REPO}/pulls`)) && here(m[1], m[2])) {
      const b = body();
      const head = String(b['head']);
      const baseRef = String(b['base']);
      if (!state.git.refs.has(`heads/${head}`) || !state.git.refs.has(`heads/${baseRef}`)) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'invalid', field: 'head' }] });
      if (state.opened.some((p) => p.state === 'open' && p.head === head && p.base === baseRef)) return json(res, 422, { message: `A pull request already exists for ${options.owner}:${head}.` });
      const p: OpenedPull = { number: nextId++, title: String(b['title']), body: String(b['body'] ?? ''), head, base: baseRef, state: 'open' };
      state.opened.push(p);
      return json(res, 201, openedJson(p));
    }
    if ((m = route('PATCH', `/repos/${OWNER_REPO}/pulls/(\\d+)`)) && here(m[1], m[2])) {
      const p = state.opened.find((x) => x.number === Number(m![3]));
      if (!p) return notFound(res);
      const b = body();
      if (typeof b['title'] === 'string') p.title = b['title'];
      if (typeof b['body'] === 'string') p.body = b['body'];
      return json(res, 200, openedJson(p));
    }
    return notFound(res);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => json(res, 500, { message: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...state,
    url: base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
