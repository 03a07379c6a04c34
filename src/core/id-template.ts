/*
 * Resource ids composed from several arguments, as an Api declares them: `id: "{owner}/{repo}"`.
 * Each `{path}` is an argument (a dotted path reaches into input objects); the rest is literal.
 */

const ARGUMENT = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;

/** The argument paths a template names, in order. */
export function templateArguments(template: string): string[] {
  return [...template.matchAll(ARGUMENT)].map((m) => m[1] ?? '');
}

/** The id with every argument filled in, or null when one of them has no value. */
export function composeId(template: string, valueOf: (path: string) => string | null): string | null {
  let missing = false;
  const id = template.replace(ARGUMENT, (_, path: string) => {
    const v = valueOf(path);
    if (v === null) missing = true;
    return v ?? '';
  });
  return missing ? null : id;
}
