/*
 * HTTP path templates as API catalogs write them (OpenAPI 3.1 "Path Templating", with the
 * `{name+}` multi-segment form of Smithy and API Gateway): `/repos/{owner}/{repo}/git/refs/{ref+}`.
 */

/** One segment of a path template: literal text, `{name}` (one segment) or `{name+}` (one or more). */
export type TemplatePart = { literal: string } | { param: string; greedy: boolean };

/** A path split at `/` with empty segments dropped, so `/v1//volumes/` is `v1`, `volumes`. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export function parseTemplate(path: string): TemplatePart[] {
  return splitPath(path).map((part) => {
    const m = /^\{([^{}+]+)(\+?)\}$/.exec(part);
    return m?.[1] !== undefined ? { param: m[1], greedy: m[2] === '+' } : { literal: part };
  });
}

/** The template's parameter names, in order. */
export function templateParameters(parts: readonly TemplatePart[]): string[] {
  return parts.flatMap((p) => ('param' in p ? [p.param] : []));
}

/**
 * The route's shape without parameter names: `/v1/{id}` and `/v1/{name}` are one route to a
 * router, so two operations with the same method and shape can never be told apart.
 */
export function templateShape(parts: readonly TemplatePart[]): string {
  return '/' + parts.map((p) => ('literal' in p ? p.literal : p.greedy ? '{+}' : '{}')).join('/');
}
