import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';

/**
 * `oci://host[:port]/repository[:tag|@sha256:<hex>]`, with the OCI distribution spec's grammar
 * for repository names and tags. No default registry: an enforcer names where its policy comes from.
 */
export interface OciReference {
  /** `host[:port]` as written (lowercased). */
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** The tag used when a reference names neither a tag nor a digest (docker's convention, which oras and OPA's resolver follow). */
export const DEFAULT_TAG = 'latest';

const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;

function invalid(ref: string, problem: string): DistributeError {
  return new DistributeError(DISTRIBUTE_CODES.invalidReference, `oci reference \`${printable(ref)}\` ${problem}`, {
    help: 'write `oci://host[:port]/repository:tag` or `oci://host[:port]/repository@sha256:<64 hex digits>`',
  });
}

export function parseOciReference(ref: string): OciReference {
  if (!ref.startsWith('oci://')) throw invalid(ref, 'does not start with `oci://`');
  const rest = ref.slice('oci://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw invalid(ref, 'names no repository');
  const registry = rest.slice(0, slash).toLowerCase();
  if (!HOST.test(registry)) throw invalid(ref, `has an invalid registry host \`${printable(registry)}\``);
  let name = rest.slice(slash + 1);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) throw invalid(ref, `has digest \`${printable(digest)}\`; only lowercase \`sha256:<64 hex>\` is supported`);
  }
  const colon = name.lastIndexOf(':');
  if (colon >= 0) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref, `has an invalid tag \`${printable(tag)}\``);
  }
  if (!REPOSITORY.test(name)) throw invalid(ref, `has an invalid repository name \`${printable(name)}\` (lowercase letters, digits, \`.\`, \`_\`, \`-\`, \`/\`)`);
  return { registry, repository: name, tag: digest === undefined ? (tag ?? DEFAULT_TAG) : tag, digest };
}

export function formatOciReference(ref: OciReference): string {
  return `oci://${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}
