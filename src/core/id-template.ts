/*
 * Resource ids composed from several arguments, as an Api declares them: `id: "{owner}/{repo}"`.
 * Each `{path}` is an argument (a dotted path reaches into input objects); the rest is literal.
 * An id must read one way: no character of the literal text between two arguments (the separator,
 * `/` above) may occur in a value, or `{owner: "a/b", repo: "c"}` and `{owner: "a", repo: "b/c"}`
 * would both name `a/b/c`. Characters, not the separator as a whole: with `{a}::{b}`, `x:` + `y`
 * and `x` + `:y` both give `x:::y`.
 */

const ARGUMENT = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;

/** A template split into its literal text and arguments: `literals[i]` comes before `args[i]`, the last literal after the last argument. */
export interface ParsedIdTemplate {
  readonly literals: readonly string[];
  readonly args: readonly string[];
  /** Each character of the literal text between two consecutive arguments, once: no value may contain one. */
  readonly separators: readonly string[];
}

const parsedCache = new Map<string, ParsedIdTemplate>();

/** The template's parts; parsed once per template (catalogs have few). */
export function parseIdTemplate(template: string): ParsedIdTemplate {
  let parsed = parsedCache.get(template);
  if (parsed === undefined) {
    const literals: string[] = [];
    const args: string[] = [];
    let last = 0;
    for (const m of template.matchAll(ARGUMENT)) {
      literals.push(template.slice(last, m.index));
      args.push(m[1] ?? '');
      last = m.index + m[0].length;
    }
    literals.push(template.slice(last));
    const separators = [...new Set(literals.slice(1, -1).join(''))];
    parsed = { literals, args, separators };
    parsedCache.set(template, parsed);
  }
  return parsed;
}

/** The argument paths a template names, in order. */
export function templateArguments(template: string): string[] {
  return [...parseIdTemplate(template).args];
}

/** Why a template cannot read one way, with what to write instead. */
export interface IdTemplateProblem {
  readonly message: string;
  readonly help: string;
}

/**
 * Why a template cannot read one way, or null: no argument, two arguments with no text between
 * them (`{a}{b}`: no character tells where one ends), an argument named twice, or a `{`/`}` that
 * opens or closes no argument (`{repo-name}`, `{{owner}}`: literal text to the reader, rarely what was meant).
 */
export function idTemplateProblem(template: string): IdTemplateProblem | null {
  const { literals, args } = parseIdTemplate(template);
  if (args.length === 0) return { message: 'names no `{argument}`', help: 'write the arguments the id is made of, e.g. `{owner}/{repo}`, or use `idArg` for one' };
  const stray = literals.find((l) => l.includes('{') || l.includes('}'));
  if (stray !== undefined) {
    return { message: `has \`${stray}\`, a \`{\` or \`}\` that is no \`{argument}\``, help: 'an argument is `{name}` or `{input.name}` (letters, digits, `_`); braces are not allowed in the literal text' };
  }
  const joined = literals.slice(1, -1).indexOf('');
  if (joined !== -1) {
    return {
      message: `joins \`{${args[joined] ?? ''}}\` and \`{${args[joined + 1] ?? ''}}\` with no separator`,
      help: 'put a separator between two arguments (`{owner}/{repo}`): no value may contain it, so the id reads one way',
    };
  }
  const twice = args.find((a, i) => args.indexOf(a) !== i);
  if (twice !== undefined) return { message: `names \`{${twice}}\` twice`, help: 'name each argument once' };
  return null;
}

/** A composed id, or the argument that has no value, or the argument whose value contains a separator character. */
export type ComposedId = { id: string } | { missing: string } | { ambiguous: string; separator: string };

/** The id with every argument filled in; every argument must have a value free of the template's separator characters. */
export function composeId(template: string, valueOf: (path: string) => string | null): ComposedId {
  const { literals, args, separators } = parseIdTemplate(template);
  let id = literals[0] ?? '';
  for (let i = 0; i < args.length; i++) {
    const path = args[i] ?? '';
    const value = valueOf(path);
    if (value === null) return { missing: path };
    const separator = separators.find((s) => value.includes(s));
    if (separator !== undefined) return { ambiguous: path, separator };
    id += value + (literals[i + 1] ?? '');
  }
  return { id };
}
