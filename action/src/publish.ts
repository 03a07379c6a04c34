import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, isTarballPath, publishOci } from '../../src/toolchain/index.js';
import { buildFromInputs } from './build.js';
import { requireRepository, runContext } from './context.js';
import { githubClient, reviewedMarkers, upsertRelease, type ReleaseAsset } from './github.js';
import { input, warn, type ActionIo } from './io.js';

function verification(name: string, sha256: string, irDigest: string, sha: string, oci: string | null): string {
  return [
    `# Verifying ${name}`,
    '',
    `Built from commit \`${sha}\`; IR digest \`${irDigest}\` (the digest the pull request comment showed reviewers).`,
    '',
    '1. The file is the one published:',
    '',
    '```sh',
    `echo "${sha256}  ${name}" | sha256sum --check`,
    '```',
    '',
    '2. The signature (`.signatures.json` inside the bundle) verifies with your public key, and every file matches it:',
    '',
    '```sh',
    `npx blastguard verify ${name} --verification-key verification-key.pem`,
    '```',
    '',
    '3. The policies are the reviewed ones: `blastguard build` on that commit gives the same IR digest (in the bundle manifest\'s `metadata`).',
    ...(oci ? ['', `The same bundle is in the registry: \`${oci}\` (OPA reads it with \`services.<name>.type: oci\`).`] : []),
    '',
  ].join('\n');
}

function boolInput(name: string, fallback: boolean): boolean {
  const v = input(name);
  if (v === '') return fallback;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new UsageError('BG574', `input \`${name}\` \`${v}\` must be \`true\` or \`false\``, { help: `e.g. ${name}: ${String(fallback)}` });
}

/**
 * `publish`, on push to the main branch: build and sign the bundle for the commit; create or
 * update the commit's GitHub release with the bundle, its sha256 and how to verify it; push it to
 * an OCI registry when `oci-ref` is set (tagged by commit and `latest`); and warn when the IR
 * digest published is not the one reviewers saw in the merged pull request's comment.
 */
export async function publish(io: ActionIo): Promise<number> {
  const ctx = await runContext(io);
  requireRepository(ctx);
  const sha = ctx.sha;
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new UsageError('BG572', '`GITHUB_SHA` is not a commit id', { help: 'run `publish` on push inside a GitHub Actions job' });
  const out = input('out') || 'bundle.tar.gz';
  if (!isTarballPath(out)) throw new UsageError('BG574', `input \`out\` \`${out}\` is a directory bundle; publishing needs an archive (\`.tar.gz\`)`, { help: 'use out: bundle.tar.gz' });
  // Enforcers refuse a bundle with a lower signed `metadata.sequence` than the active one: the
  // commit's time grows along the branch, so an older commit's bundle republished is a rollback.
  const built = await buildFromInputs(io, sha, 'commit-time');
  if (built === null) return 1;
  const { irDigest } = built;
  const sha256 = built.sha256!;
  const name = path.basename(built.out);
  const bytes = new Uint8Array(await readFile(path.resolve(io.cwd, built.out)));
  core.setOutput('ir-digest', irDigest);

  let ociLine: string | null = null;
  const ociRef = input('oci-ref');
  if (ociRef) {
    const username = input('oci-username');
    const password = input('oci-password');
    if (password) core.setSecret(password);
    const pushed = await publishOci(bytes, {
      reference: ociRef,
      tags: [sha, 'latest'],
      ...(password ? { credentials: { basic: { username: username || 'token', password } } } : {}),
      ...(boolInput('oci-plain-http', false) ? { plainHttp: true } : {}),
      annotations: { 'org.opencontainers.image.revision': sha, 'org.opencontainers.image.source': `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}`, 'dev.blastguard.ir-digest': irDigest },
    });
    ociLine = pushed.reference;
    io.stdout(`pushed ${pushed.tagged.join(', ')} → ${pushed.digest}\n`);
    core.setOutput('manifest-digest', pushed.digest);
    core.setOutput('oci-reference', pushed.reference);
  }

  const token = input('github-token');
  if (!token) {
    warn(io, 'blastguard: no release', 'input `github-token` is empty: no GitHub release, and the reviewed IR digest was not checked');
    return 0;
  }
  const octokit = githubClient(token, ctx.apiUrl);
  const at = { owner: ctx.owner, repo: ctx.repo };

  for (const { pull, meta } of await reviewedMarkers(octokit, at, sha)) {
    if (meta === null) io.stdout(`pull request #${pull} has no blastguard comment: nothing to compare the IR digest with\n`);
    else if (meta.ir !== irDigest) {
      warn(
        io,
        'blastguard: published policies differ from the reviewed ones',
        `pull request #${pull}'s comment showed IR ${meta.ir ?? 'none (the head did not validate)'} for ${meta.head.slice(0, 12)}, but ${sha.slice(0, 12)} builds IR ${irDigest}: the merge changed the decisions reviewers approved; re-run the diff (npx blastguard diff --base ${meta.head} --head ${sha})`,
      );
    } else io.stdout(`IR ${irDigest} is the one reviewed in pull request #${pull}\n`);
  }

  if (boolInput('release', true)) {
    const tag = input('release-tag') || `blastguard-${sha.slice(0, 12)}`;
    const text = verification(name, sha256, irDigest, sha, ociLine);
    const assets: ReleaseAsset[] = [
      { name, data: bytes, contentType: 'application/gzip' },
      { name: `${name}.sha256`, data: Buffer.from(`${sha256}  ${name}\n`), contentType: 'text/plain' },
      { name: 'VERIFY.md', data: Buffer.from(text), contentType: 'text/markdown' },
    ];
    const release = await upsertRelease(octokit, at, { tag, sha, name: `Policy bundle ${sha.slice(0, 12)}`, body: text }, assets);
    io.stdout(`release ${tag}: ${release.created ? 'created' : 'updated'} ${release.url}\n`);
    core.setOutput('release-url', release.url);
    core.setOutput('release-id', String(release.id));
  }
  return 0;
}
