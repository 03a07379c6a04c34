/*
 * GitHub names a repository two ways, `/repos/{owner}/{repo}/…` and `/repositories/{id}/…`, and
 * writes the second in the `Link` headers of every repository list it paginates
 * (`</repositories/1300192/issues?page=2>; rel="next"`, docs.github.com "Using pagination in the
 * REST API"). A catalog keys repositories by `owner/repo`, which an id does not tell, so the next
 * page would be refused. When the request answered was `/repos/{owner}/{repo}/<tail>` and the link
 * names `/repositories/{id}/<tail>` (the same list: only the query, the page, differs), the link
 * is written as the request's own path with the link's query. Nothing is decided here: the client
 * then asks for the `/repos/…` path, which the proxy decides and forwards as such, so the upstream
 * serves what the policy read.
 */

const BY_ID = /^\/repositories\/\d+(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;
const BY_NAME = /^(\/repos\/[^/?#]+\/[^/?#]+)(\/[^?#]*)?(?:\?.*)?$/;

/**
 * `rest` (a link's path, query and fragment, relative to the upstream's base) written as the
 * `/repos/{owner}/{repo}/…` form of `requestPath` when it is the id form of the same list; else as is.
 */
export function repositoryAlias(rest: string, requestPath: string | undefined): string {
  if (requestPath === undefined || !rest.startsWith('/repositories/')) return rest;
  const link = BY_ID.exec(rest);
  const request = BY_NAME.exec(requestPath);
  if (link === null || request === null || (link[1] ?? '') !== (request[2] ?? '')) return rest;
  return `${request[1]!}${link[1] ?? ''}${link[2] ?? ''}${link[3] ?? ''}`;
}
