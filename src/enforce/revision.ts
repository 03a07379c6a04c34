import type { Bundle } from '../bundle/index.js';
import { ActivationError } from './codes.js';
import { ENFORCE_CODES } from './codes.js';

/**
 * The order of bundles, from what the signature covers (the `.manifest` is a signed file):
 * `metadata.sequence`, a non-negative integer the publisher increases with every bundle (a CI run
 * number, a commit's committer time in seconds). Revisions are commit hashes and carry no order.
 *
 * A candidate is refused as a rollback when
 * 1. both carry a sequence and the candidate's is lower than the active one's;
 * 2. the active bundle carries a sequence and the candidate carries none (it could be any age);
 * 3. its revision is one this enforcer already activated and then replaced (an old bundle served
 *    again, whatever its metadata says).
 * A candidate with the active revision and the active bytes (digest) is not activated again (`same`).
 * One with the active revision but other bytes (the same commit rebuilt, or re-signed) is activated
 * only when its signed sequence is higher than the active one's; otherwise it is refused (BG625):
 * nothing shows which of the two is current, so it cannot count as a check that confirmed the
 * active bundle.
 */
export interface RevisionInfo {
  revision: string;
  /** `metadata.sequence`, or undefined when the manifest has none. */
  sequence: number | undefined;
  /** `sha256:<hex>` of the tarball. */
  digest: string;
}

export function sequenceOf(bundle: Bundle): number | undefined {
  const value = bundle.manifest.metadata?.['sequence'];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export type RevisionVerdict = 'activate' | 'same';

export function compareRevision(candidate: RevisionInfo, active: RevisionInfo | null, replaced: ReadonlySet<string>, allowRollback: boolean): RevisionVerdict {
  if (active === null) return 'activate';
  if (candidate.revision === active.revision && candidate.digest === active.digest) return 'same';
  if (allowRollback) return 'activate';
  const show = (r: RevisionInfo): string => `\`${r.revision}\`${r.sequence === undefined ? '' : ` (sequence ${r.sequence})`}`;
  const refuse = (why: string): never => {
    throw new ActivationError(ENFORCE_CODES.rollback, `bundle revision ${show(candidate)} ${why} than the active revision ${show(active)}`, {
      help: 'publish a bundle with a higher `metadata.sequence`; to roll back on purpose, rebuild the old policies as a new bundle, or start the enforcer with `allowRollback`',
    });
  };
  if (candidate.revision === active.revision) {
    if (candidate.sequence !== undefined && active.sequence !== undefined && candidate.sequence > active.sequence) return 'activate';
    throw new ActivationError(ENFORCE_CODES.sameRevision, `bundle revision ${show(candidate)} has the active revision but other content (\`${candidate.digest}\`, active \`${active.digest}\`) and no higher \`metadata.sequence\``, {
      help: 'publish the rebuilt bundle with a higher `metadata.sequence` (or a new revision); the active bundle stays active but is not confirmed current',
    });
  }
  if (active.sequence !== undefined && candidate.sequence === undefined) refuse('has no `metadata.sequence`, so it cannot be shown to be newer');
  if (active.sequence !== undefined && candidate.sequence !== undefined && candidate.sequence < active.sequence) refuse('is older');
  if (replaced.has(candidate.revision)) refuse('was already replaced: it is older');
  return 'activate';
}
